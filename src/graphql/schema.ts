import type { GraphQLSchema } from 'graphql';
import { DateTimeResolver } from 'graphql-scalars';
import { buildSchema, type NonEmptyArray } from 'type-graphql';
import { authChecker } from '../context/auth-checker';
import { AccountResolver } from '../features/account/account.resolver';
import { AccountDeletionResolver } from '../features/account-deletion/account-deletion.resolver';
import { EmailChangeResolver } from '../features/email-change/email-change.resolver';
import { EmailVerificationResolver } from '../features/email-verification/email-verification.resolver';
import { AuditResolver } from '../features/audit/audit.resolver';
import { LockoutResolver } from '../features/lockout/lockout.resolver';
import { PasswordChangeResolver } from '../features/password-change/password-change.resolver';
import { PasswordResetResolver } from '../features/password-reset/password-reset.resolver';
import { SocialLoginResolver } from '../features/social-login/social-login.resolver';
import { ApiTokensResolver } from '../features/api-tokens/api-tokens.resolver';
import { CredentialsResolver } from '../features/credentials/credentials.resolver';
import { RegistrationResolver } from '../features/registration/registration.resolver';
import { SessionsResolver } from '../features/sessions/sessions.resolver';

/** Every resolver of the API. A new capability adds its resolver here. */
// eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
const resolvers: NonEmptyArray<Function> = [
  AccountResolver,
  RegistrationResolver,
  SessionsResolver,
  ApiTokensResolver,
  CredentialsResolver,
  EmailVerificationResolver,
  PasswordResetResolver,
  PasswordChangeResolver,
  EmailChangeResolver,
  AccountDeletionResolver,
  SocialLoginResolver,
  LockoutResolver,
  AuditResolver,
];

/** Builds the executable schema; also what `npm run schema` prints into schema.graphql. */
export function buildGatehouseSchema(): Promise<GraphQLSchema> {
  return buildSchema({
    resolvers,
    authChecker,
    authMode: 'error',
    scalarsMap: [{ type: Date, scalar: DateTimeResolver }],
    validate: false,
    emitSchemaFile: false,
  });
}

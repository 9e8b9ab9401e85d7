import type { GraphQLSchema } from 'graphql';
import { DateTimeResolver } from 'graphql-scalars';
import { buildSchema, type NonEmptyArray } from 'type-graphql';
import { authChecker } from '../context/auth-checker';
import type { ProfileFieldSpec } from '../features/profile-fields/profile-fields';
import { withProfileFields } from './profile-schema';
import { AccountResolver } from '../features/account/account.resolver';
import { AdminResolver } from '../features/admin/admin.resolver';
import { WebhooksResolver } from '../features/webhooks/webhooks.resolver';
import { SignInMethodsResolver } from '../features/account/sign-in-methods.resolver';
import { AccountDeletionResolver } from '../features/account-deletion/account-deletion.resolver';
import { EmailChangeResolver } from '../features/email-change/email-change.resolver';
import { EmailVerificationResolver } from '../features/email-verification/email-verification.resolver';
import { AuditResolver } from '../features/audit/audit.resolver';
import { SecurityEventsSubscriptionResolver } from '../features/audit/security-events.resolver';
import { LockoutResolver } from '../features/lockout/lockout.resolver';
import { MfaResolver } from '../features/mfa/mfa.resolver';
import { EmailSignInResolver } from '../features/email-sign-in/email-sign-in.resolver';
import { PasskeysResolver } from '../features/passkeys/passkeys.resolver';
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
  SignInMethodsResolver,
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
  MfaResolver,
  EmailSignInResolver,
  PasskeysResolver,
  AuditResolver,
  SecurityEventsSubscriptionResolver,
  AdminResolver,
  WebhooksResolver,
];

/**
 * type-graphql insists on a PubSub once there are subscriptions, but ours bring their own
 * `subscribe` (the event bus of the request's services), so no topic is ever published to.
 */
const NO_TOPICS = {
  publish(): never {
    throw new Error('subscriptions subscribe through their own `subscribe`; nothing publishes to topics');
  },
  subscribe(): never {
    throw new Error('subscriptions subscribe through their own `subscribe`; there are no topics');
  },
};

/** Gatehouse's own resolvers, for an app that builds its schema itself. */
export const gatehouseResolvers: NonEmptyArray<Function> = resolvers;

/**
 * Builds the executable schema: Gatehouse's resolvers and an app's own (`appResolvers`, the
 * library), with one auth checker for all, and the profile fields typed (PROFILE_FIELDS). Without
 * either, what `npm run schema` prints into schema.graphql.
 */
// eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
export async function buildGatehouseSchema(appResolvers: readonly Function[] = [], profileFields: readonly ProfileFieldSpec[] = []): Promise<GraphQLSchema> {
  const built = await buildSchema({
    resolvers: [...resolvers, ...appResolvers],
    authChecker,
    authMode: 'error',
    scalarsMap: [{ type: Date, scalar: DateTimeResolver }],
    pubSub: NO_TOPICS,
    validate: false,
    emitSchemaFile: false,
  });
  return withProfileFields(built, profileFields);
}

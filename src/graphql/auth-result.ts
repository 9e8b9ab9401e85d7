import { GraphQLJSONObject } from 'graphql-scalars';
import { createUnionType, Field, ObjectType, registerEnumType } from 'type-graphql';
import { SecondFactorKind } from '../db/entities/second-factor.entity';
import { Session } from '../db/entities/session.entity';
import { User } from '../db/entities/user.entity';

/** A signed-in result: the user, the session, and whichever credential the client asked for. */
@ObjectType()
export class AuthSuccess {
  @Field(() => User)
  user!: User;

  @Field(() => Session)
  session!: Session;

  @Field(() => String, { nullable: true, description: 'Opaque session token (SESSION_TOKEN), shown once.' })
  sessionToken?: string;

  @Field(() => String, { nullable: true, description: 'Access JWT (JWT).' })
  accessToken?: string;

  @Field(() => String, { nullable: true, description: 'Opaque refresh token (JWT), shown once.' })
  refreshToken?: string;

  @Field(() => Date, { nullable: true })
  accessTokenExpiresAt?: Date;

  @Field(() => String, {
    nullable: true,
    description: 'Apps (SESSION_TOKEN, JWT): send it as the Gatehouse-Device header on later logins, so that failed logins elsewhere cannot lock this device out. Browsers get it as a cookie.',
  })
  deviceToken?: string;
}

export enum PendingStepKind {
  VERIFY_EMAIL = 'VERIFY_EMAIL',
  SECOND_FACTOR = 'SECOND_FACTOR',
  ENROLL_SECOND_FACTOR = 'ENROLL_SECOND_FACTOR',
}

registerEnumType(PendingStepKind, {
  name: 'PendingStepKind',
  description: 'What the user still has to do before they are signed in.',
  valuesConfig: {
    VERIFY_EMAIL: { description: 'Confirm the email address with the mailed link or code, then sign in again.' },
    SECOND_FACTOR: { description: 'Send a code of one of `methods` to `completeSignIn` with the `flowToken`.' },
    ENROLL_SECOND_FACTOR: {
      description: 'Two-factor authentication is required: set up an authenticator with `beginTotpEnrollment(flowToken)` and `confirmTotpEnrollment`, which signs in.',
    },
  },
});

/**
 * Sign-in is not finished: the client must complete `step` first. Not an error: a pending flow
 * (allauth's `flows`), carried by an opaque flow token for the steps that continue it.
 */
@ObjectType()
export class PendingStep {
  @Field(() => PendingStepKind)
  step!: PendingStepKind;

  @Field(() => String, { nullable: true, description: 'Continues this sign-in (SECOND_FACTOR, ENROLL_SECOND_FACTOR): works once, for a few minutes.' })
  flowToken?: string;

  @Field(() => Date, { nullable: true, description: 'When the flow token stops working.' })
  expiresAt?: Date;

  @Field(() => [SecondFactorKind], { description: 'What can finish the step (SECOND_FACTOR), or what can be set up (ENROLL_SECOND_FACTOR).' })
  methods: SecondFactorKind[] = [];

  @Field(() => GraphQLJSONObject, { nullable: true, description: 'When `methods` lists WEBAUTHN: request options for navigator.credentials.get(), for this flow only.' })
  passkeyOptions?: Record<string, unknown>;
}

export function pendingStep(step: PendingStepKind, flow?: { flowToken: string; expiresAt: Date; methods: SecondFactorKind[]; passkeyOptions?: Record<string, unknown> }): PendingStep {
  return Object.assign(new PendingStep(), { step, ...flow });
}

export const AuthResult = createUnionType({
  name: 'AuthResult',
  types: () => [AuthSuccess, PendingStep] as const,
  resolveType: (value) => (value instanceof PendingStep ? PendingStep : AuthSuccess),
});

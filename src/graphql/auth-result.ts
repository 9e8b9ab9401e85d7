import { createUnionType, Field, ObjectType, registerEnumType } from 'type-graphql';
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
}

registerEnumType(PendingStepKind, {
  name: 'PendingStepKind',
  description: 'What the user still has to do before they are signed in.',
});

/** Sign-in is not finished: the client must complete `step` first. Not an error. */
@ObjectType()
export class PendingStep {
  @Field(() => PendingStepKind)
  step!: PendingStepKind;
}

export function pendingStep(step: PendingStepKind): PendingStep {
  return Object.assign(new PendingStep(), { step });
}

export const AuthResult = createUnionType({
  name: 'AuthResult',
  types: () => [AuthSuccess, PendingStep] as const,
  resolveType: (value) => (value instanceof PendingStep ? PendingStep : AuthSuccess),
});

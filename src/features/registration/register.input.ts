import { GraphQLJSONObject } from 'graphql-scalars';
import { Field, InputType } from 'type-graphql';
import { CredentialKind } from '../../db/entities';

/** Only what a user may choose: id, verification state and roles are never inputs (SEC-18). */
@InputType()
export class RegisterInput {
  @Field(() => String)
  email!: string;

  @Field(() => String, {
    nullable: true,
    description: '8 to 128 characters, taken exactly as typed. Leave it out for an account without a password, when email sign-in or passkeys are on.',
  })
  password?: string | null;

  @Field(() => String, { nullable: true })
  displayName?: string | null;

  /** Typed as ProfileInput in the served schema (see graphql/profile-schema.ts); absent without PROFILE_FIELDS. */
  @Field(() => GraphQLJSONObject, { nullable: true })
  profile?: Record<string, unknown> | null;

  @Field(() => CredentialKind, { nullable: true, defaultValue: CredentialKind.COOKIE })
  credentials?: CredentialKind | null;
}

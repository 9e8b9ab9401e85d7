import { Field, ID, ObjectType, registerEnumType } from 'type-graphql';
import { ApiTokenScope } from '../../db/entities';

export enum CredentialType {
  COOKIE = 'COOKIE',
  SESSION_TOKEN = 'SESSION_TOKEN',
  JWT = 'JWT',
  API_TOKEN = 'API_TOKEN',
  TRUSTED_DEVICE = 'TRUSTED_DEVICE',
}

registerEnumType(CredentialType, {
  name: 'CredentialType',
  description: 'A browser session, an app session (session token or JWT refresh family), an API token, or a device trusted to skip the second step.',
});

/** One way the user is signed in somewhere, as listed by `credentials`. */
@ObjectType()
export class Credential {
  @Field(() => ID)
  id!: string;

  @Field(() => CredentialType)
  kind!: CredentialType;

  @Field(() => String, { nullable: true, description: 'API tokens only.' })
  name!: string | null;

  @Field(() => Date)
  createdAt!: Date;

  @Field(() => Date, { nullable: true })
  lastUsedAt!: Date | null;

  @Field(() => Date, { nullable: true, description: 'When it stops working if nothing else happens.' })
  expiresAt!: Date | null;

  @Field(() => String, { nullable: true })
  ipAddress!: string | null;

  @Field(() => String, { nullable: true })
  userAgent!: string | null;

  @Field(() => Boolean, { description: 'True for the credential this request was made with.' })
  current!: boolean;

  @Field(() => [ApiTokenScope], { nullable: true, description: 'API tokens only.' })
  scopes!: ApiTokenScope[] | null;

  @Field(() => [String], { nullable: true, description: 'Sessions only: how the user proved who they are (RFC 8176 amr: pwd, social, otp, recovery_code, mfa).' })
  amr!: string[] | null;

  @Field(() => String, { nullable: true, description: 'Sessions only: aal2 when a second factor was proved in it, else aal1.' })
  assuranceLevel!: string | null;
}

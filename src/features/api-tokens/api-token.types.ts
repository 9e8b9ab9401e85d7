import { Field, InputType, ObjectType } from 'type-graphql';
import { ApiToken, ApiTokenScope } from '../../db/entities';

@InputType()
export class CreateApiTokenInput {
  @Field(() => String, { description: 'A name to recognise the token by, e.g. "CI deploys".' })
  name!: string;

  @Field(() => Date, { nullable: true, description: 'Defaults to the server default (90 days); at most the server maximum.' })
  expiresAt?: Date | null;

  @Field(() => [ApiTokenScope], { nullable: true, description: 'Defaults to [READ, WRITE].' })
  scopes?: ApiTokenScope[] | null;

  @Field(() => [String], { nullable: true, description: 'Roles besides user that the token may act with, of those you hold; none by default.' })
  roles?: string[] | null;

  @Field(() => String, { nullable: true, description: 'Needed unless the caller signed in within the last few minutes.' })
  currentPassword?: string | null;
}

@ObjectType()
export class CreatedApiToken {
  @Field(() => String, { description: 'The token itself. Shown this once: store it now.' })
  token!: string;

  @Field(() => ApiToken)
  apiToken!: ApiToken;
}

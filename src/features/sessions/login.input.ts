import { Field, InputType } from 'type-graphql';
import { CredentialKind } from '../../db/entities';

@InputType()
export class LoginInput {
  @Field(() => String)
  email!: string;

  @Field(() => String)
  password!: string;

  @Field(() => CredentialKind, { nullable: true, defaultValue: CredentialKind.COOKIE })
  credentials?: CredentialKind | null;
}

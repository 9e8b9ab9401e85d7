import { Ctx, Field, FieldResolver, ID, ObjectType, registerEnumType, Resolver, Root } from 'type-graphql';
import type { Context } from '../../context/context';
import { User } from '../../db/entities';

export enum SignInMethodKind {
  PASSWORD = 'PASSWORD',
  PASSKEY = 'PASSKEY',
  SOCIAL = 'SOCIAL',
  EMAIL = 'EMAIL',
}

registerEnumType(SignInMethodKind, { name: 'SignInMethodKind', description: 'A way to sign in to an account.' });

/** One way the user can sign in (`credentials` lists where they are signed in now). */
@ObjectType()
export class SignInMethod {
  @Field(() => SignInMethodKind)
  kind!: SignInMethodKind;

  @Field(() => ID, { nullable: true, description: 'The passkey or social account, for renamePasskey, deletePasskey, unlinkSocialAccount.' })
  id!: string | null;

  @Field(() => String, { description: 'What to show: "Password", the passkey’s name, the provider, the address.' })
  label!: string;

  @Field(() => Date, { nullable: true })
  createdAt!: Date | null;

  @Field(() => Date, { nullable: true })
  lastUsedAt!: Date | null;
}

@Resolver(() => User)
export class SignInMethodsResolver {
  @FieldResolver(() => [SignInMethod], { description: 'Every way you can sign in: the password, each passkey, each social account, and email when email sign-in is on.' })
  async signInMethods(@Root() user: User, @Ctx() ctx: Context): Promise<SignInMethod[]> {
    const method = (m: SignInMethod) => Object.assign(new SignInMethod(), m);
    const methods: SignInMethod[] = [];
    if (user.passwordHash) methods.push(method({ kind: SignInMethodKind.PASSWORD, id: null, label: 'Password', createdAt: null, lastUsedAt: null }));
    // Oldest first, as socialAccounts lists them (passkeys lists newest first).
    for (const p of (await ctx.services.passkeys.list(ctx.em, user.id)).reverse()) {
      methods.push(method({ kind: SignInMethodKind.PASSKEY, id: p.id, label: p.name, createdAt: p.createdAt, lastUsedAt: p.lastUsedAt }));
    }
    for (const s of await ctx.services.socialAccounts.list(ctx.em, user.id)) {
      methods.push(method({ kind: SignInMethodKind.SOCIAL, id: s.id, label: s.provider, createdAt: s.createdAt, lastUsedAt: s.lastUsedAt }));
    }
    if (ctx.services.config.emailSignIn.enabled) methods.push(method({ kind: SignInMethodKind.EMAIL, id: null, label: user.email, createdAt: null, lastUsedAt: null }));
    return methods;
  }
}

import { GraphQLJSONObject } from 'graphql-scalars';
import { Arg, Authorized, Ctx, Field, InputType, Mutation, Query, Resolver } from 'type-graphql';
import type { Context, UserContext } from '../../context/context';
import { User } from '../../db/entities';

@InputType()
export class UpdateMeInput {
  @Field(() => String, { nullable: true, description: 'Up to 100 printable characters; null or blank clears it. Left out: unchanged.' })
  displayName?: string | null;

  @Field(() => String, { nullable: true, description: 'The language of mails to you (en, de); null: your browser’s each time. Left out: unchanged.' })
  locale?: string | null;

  /** Typed as ProfileInput in the served schema (see graphql/profile-schema.ts); absent without PROFILE_FIELDS. */
  @Field(() => GraphQLJSONObject, { nullable: true })
  profile?: Record<string, unknown> | null;
}

@Resolver()
export class AccountResolver {
  @Query(() => User, { nullable: true, description: 'The signed-in user, or null when anonymous.' })
  me(@Ctx() ctx: Context): User | null {
    return ctx.caller.kind === 'user' ? ctx.caller.userView : null;
  }

  @Authorized()
  @Mutation(() => User, { description: 'Changes your own display name, mail language and profile fields.' })
  updateMe(@Arg('input', () => UpdateMeInput) input: UpdateMeInput, @Ctx() ctx: UserContext): Promise<User> {
    return ctx.services.profile.update(ctx.em, ctx.caller.user, input);
  }
}

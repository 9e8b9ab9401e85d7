import { GraphQLJSONObject } from 'graphql-scalars';
import { Arg, Authorized, Ctx, FieldResolver, ID, Int, Mutation, Query, Resolver, Root } from 'type-graphql';
import type { Context } from '../../context/context';
import type { AuthEvent, SocialAccount as SocialAccountRow } from '../../db/entities';
import { SocialAccount } from '../../db/entities';
import { pageSize } from '../../graphql/cursor';
import { localeOf } from '../../mail/locale';
import { Credential } from '../credentials/credential.types';
import { listCredentials } from '../credentials/credentials.service';
import { ADMIN_ROLE, assertAdmin } from './admin-guard';
import { AdminUser, AdminUserPage, adminUser, AuditEvent, AuditEventPage, AuditFilterInput, UserFilterInput } from './admin.types';

function auditEvent(event: AuthEvent): AuditEvent {
  const { id, type, success, detail, credentialKind, ipAddress, userAgent, createdAt } = event;
  return Object.assign(new AuditEvent(), { id, type, success, detail, credentialKind, ipAddress, userAgent, createdAt, userId: event.user?.id ?? null, actorId: event.actor?.id ?? null });
}

/**
 * The admin API (SEC-64): every field needs the admin role at aal2, or an API token with the
 * ADMIN scope and role (`assertAdmin`); every change is audited with actor and target.
 */
@Resolver(() => AdminUser)
export class AdminResolver {
  @Authorized(ADMIN_ROLE)
  @Query(() => AdminUserPage, { description: 'Admin: users, newest first, or by email when searching a prefix.' })
  async users(
    @Arg('filter', () => UserFilterInput, { nullable: true }) filter: UserFilterInput | null,
    @Arg('first', () => Int, { defaultValue: 20 }) first: number,
    @Arg('after', () => String, { nullable: true }) after: string | null,
    @Ctx() ctx: Context,
  ): Promise<AdminUserPage> {
    await assertAdmin(ctx.em, ctx.caller);
    const page = await ctx.services.admin.users(ctx.em, filter ?? {}, pageSize(first), after ?? null);
    return Object.assign(new AdminUserPage(), { users: page.items.map(adminUser), endCursor: page.endCursor, hasMore: page.hasMore });
  }

  @Authorized(ADMIN_ROLE)
  @Query(() => AdminUser, { description: 'Admin: one user, with their credentials, social accounts and recent events.' })
  async user(@Arg('id', () => ID) id: string, @Ctx() ctx: Context): Promise<AdminUser> {
    await assertAdmin(ctx.em, ctx.caller);
    return adminUser(await ctx.services.admin.user(ctx.em, id));
  }

  @Authorized(ADMIN_ROLE)
  @Query(() => AuditEventPage, { description: 'Admin: the audit trail across users, newest first.' })
  async auditEvents(
    @Arg('filter', () => AuditFilterInput, { nullable: true }) filter: AuditFilterInput | null,
    @Arg('first', () => Int, { defaultValue: 50 }) first: number,
    @Arg('after', () => String, { nullable: true }) after: string | null,
    @Ctx() ctx: Context,
  ): Promise<AuditEventPage> {
    await assertAdmin(ctx.em, ctx.caller);
    const page = await ctx.services.admin.auditEvents(ctx.em, filter ?? {}, pageSize(first), after ?? null);
    return Object.assign(new AuditEventPage(), { events: page.items.map(auditEvent), endCursor: page.endCursor, hasMore: page.hasMore });
  }

  @FieldResolver(() => [Credential], { description: 'Live sessions, JWT families, API tokens and trusted devices.' })
  credentials(@Root() row: AdminUser, @Ctx() ctx: Context): Promise<Credential[]> {
    return listCredentials(ctx.em, ctx.services, row.user.id, null);
  }

  @FieldResolver(() => [SocialAccount])
  socialAccounts(@Root() row: AdminUser, @Ctx() ctx: Context): Promise<SocialAccountRow[]> {
    return ctx.services.socialAccounts.list(ctx.em, row.user.id);
  }

  @FieldResolver(() => [AuditEvent], { description: 'The newest events on their trail.' })
  async recentEvents(@Root() row: AdminUser, @Arg('first', () => Int, { defaultValue: 20 }) first: number, @Ctx() ctx: Context): Promise<AuditEvent[]> {
    const page = await ctx.services.admin.auditEvents(ctx.em, { userId: row.user.id }, pageSize(first), null);
    return page.items.map(auditEvent);
  }

  @Authorized(ADMIN_ROLE)
  @Mutation(() => AdminUser, { description: 'Admin: disables the account (every credential ends at once), optionally until a time.' })
  async disableUser(
    @Arg('id', () => ID) id: string,
    @Arg('reason', () => String, { nullable: true }) reason: string | null,
    @Arg('until', () => Date, { nullable: true }) until: Date | null,
    @Ctx() ctx: Context,
  ): Promise<AdminUser> {
    const admin = await assertAdmin(ctx.em, ctx.caller);
    return adminUser(await ctx.services.admin.disable(ctx.em, admin.userView.id, id, reason ?? null, until ?? null));
  }

  @Authorized(ADMIN_ROLE)
  @Mutation(() => AdminUser, { description: 'Admin: enables a disabled account (its old credentials stay ended).' })
  async enableUser(@Arg('id', () => ID) id: string, @Ctx() ctx: Context): Promise<AdminUser> {
    return adminUser(await ctx.services.admin.enable(ctx.em, (await assertAdmin(ctx.em, ctx.caller)).userView.id, id));
  }

  @Authorized(ADMIN_ROLE)
  @Mutation(() => AdminUser, { description: 'Admin: ends every session, JWT family and API token of the user.' })
  async revokeUserCredentials(@Arg('id', () => ID) id: string, @Ctx() ctx: Context): Promise<AdminUser> {
    return adminUser(await ctx.services.admin.revokeCredentials(ctx.em, (await assertAdmin(ctx.em, ctx.caller)).userView.id, id));
  }

  @Authorized(ADMIN_ROLE)
  @Mutation(() => AdminUser, { description: 'Admin: the password stops working, every session ends, and a reset link is mailed.' })
  async requirePasswordReset(@Arg('id', () => ID) id: string, @Ctx() ctx: Context): Promise<AdminUser> {
    return adminUser(await ctx.services.admin.requirePasswordReset(ctx.em, (await assertAdmin(ctx.em, ctx.caller)).userView.id, id, localeOf(ctx.request)));
  }

  @Authorized(ADMIN_ROLE)
  @Mutation(() => AdminUser, { description: 'Admin: whether the user must have a second factor whatever MFA says (their next sign-in asks them to set one up).' })
  async setUserMfaRequired(@Arg('id', () => ID) id: string, @Arg('required', () => Boolean) required: boolean, @Ctx() ctx: Context): Promise<AdminUser> {
    return adminUser(await ctx.services.admin.setMfaRequired(ctx.em, (await assertAdmin(ctx.em, ctx.caller)).userView.id, id, required));
  }

  @Authorized(ADMIN_ROLE)
  @Mutation(() => AdminUser, { description: 'Admin: sets the roles (from ROLES; user is always kept).' })
  async setUserRoles(@Arg('id', () => ID) id: string, @Arg('roles', () => [String]) roles: string[], @Ctx() ctx: Context): Promise<AdminUser> {
    return adminUser(await ctx.services.admin.setRoles(ctx.em, (await assertAdmin(ctx.em, ctx.caller)).userView.id, id, roles));
  }

  @Authorized(ADMIN_ROLE)
  @Mutation(() => AdminUser, { description: 'Admin: turns the user’s authenticator app and recovery codes off (their passkeys stay) and ends every session.' })
  async resetUserSecondFactors(@Arg('id', () => ID) id: string, @Ctx() ctx: Context): Promise<AdminUser> {
    return adminUser(await ctx.services.admin.resetSecondFactors(ctx.em, (await assertAdmin(ctx.em, ctx.caller)).userView.id, id, localeOf(ctx.request)));
  }

  @Authorized(ADMIN_ROLE)
  @Mutation(() => AdminUser, { description: 'Admin: changes profile fields, admin-only ones included. Typed as AdminProfileInput; only with PROFILE_FIELDS.' })
  async updateUserProfile(@Arg('id', () => ID) id: string, @Arg('profile', () => GraphQLJSONObject) profile: Record<string, unknown>, @Ctx() ctx: Context): Promise<AdminUser> {
    return adminUser(await ctx.services.admin.updateProfile(ctx.em, (await assertAdmin(ctx.em, ctx.caller)).userView.id, id, profile));
  }

  @Authorized(ADMIN_ROLE)
  @Mutation(() => AdminUser, { description: 'Admin: creates an account and mails its owner an invitation link, which sets the first password (resetPassword); again for an unanswered invitation, a new link.' })
  async inviteUser(@Arg('email', () => String) email: string, @Arg('roles', () => [String], { nullable: true }) roles: string[] | null, @Ctx() ctx: Context): Promise<AdminUser> {
    return adminUser(await ctx.services.admin.invite(ctx.em, (await assertAdmin(ctx.em, ctx.caller)).userView.id, email, roles ?? [], localeOf(ctx.request)));
  }

  @Authorized(ADMIN_ROLE)
  @Mutation(() => AdminUser, { description: 'Admin: marks the address verified.' })
  async verifyUserEmail(@Arg('id', () => ID) id: string, @Ctx() ctx: Context): Promise<AdminUser> {
    return adminUser(await ctx.services.admin.verifyEmail(ctx.em, (await assertAdmin(ctx.em, ctx.caller)).userView.id, id));
  }

  @Authorized(ADMIN_ROLE)
  @Mutation(() => Boolean, { description: 'Admin: deletes the account and every credential; the audit trail keeps its entries.' })
  async deleteUser(@Arg('id', () => ID) id: string, @Ctx() ctx: Context): Promise<boolean> {
    return ctx.services.admin.deleteUser(ctx.em, (await assertAdmin(ctx.em, ctx.caller)).userView.id, id);
  }
}

import { type FilterQuery, LockMode } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { Clock } from '../../clock';
import { type AuthEvent, EmailTokenPurpose, User } from '../../db/entities';
import { inTransaction } from '../../db/transaction';
import { AuthError, ErrorCode } from '../../errors';
import type { Mailer } from '../../mail/mailer';
import { parseEmail } from '../account/email';
import { parseLabel } from '../account/text';
import type { EmailTokenService } from '../account-emails/email-token.service';
import type { ApiTokenService } from '../api-tokens/api-token.service';
import type { AuditService } from '../audit/audit.service';
import { isUuid } from '../credentials/credential-id';
import { holdsPasskeyOrProvider } from '../account/ways-in';
import type { PasswordResetService } from '../password-reset/password-reset.service';
import type { ProfileService } from '../account/profile.service';
import type { MfaService } from '../mfa/mfa.service';
import type { RegistrationService } from '../registration/registration.service';
import type { RolesService } from '../roles/roles.service';
import type { SessionService } from '../sessions/session.service';
import { decodeUserCursor, encodeUserCursor, type UserFilter, userFilterQuery } from './user-list';

export interface Page<T> {
  items: T[];
  endCursor: string | null;
  hasMore: boolean;
}

export interface AuditFilter {
  userId?: string | null;
  actorId?: string | null;
  type?: string | null;
  success?: boolean | null;
  since?: Date | null;
  until?: Date | null;
}

const MAX_REASON_LENGTH = 500;

/**
 * What an administrator can do to accounts. Every action runs in one transaction with its audit
 * entry (on the target's trail and the administrator's, SEC-64), so none is done unrecorded.
 * Who may call it is the resolver's `assertAdmin`; `actorId` is that administrator, or null for
 * an operator at the command line (`gatehouse` CLI).
 */
export class AdminService {
  constructor(
    private readonly clock: Clock,
    private readonly sessions: SessionService,
    private readonly apiTokens: ApiTokenService,
    private readonly passwordReset: PasswordResetService,
    private readonly roles: RolesService,
    private readonly mfa: MfaService,
    private readonly profile: ProfileService,
    private readonly emailTokens: EmailTokenService,
    private readonly mailer: Mailer,
    private readonly audit: AuditService,
    private readonly registration: RegistrationService,
    private readonly inviteTtlSeconds: number,
  ) {}

  /** Users, `first` at a time: newest first, or by email when searching a prefix (both index-backed). */
  async users(em: EntityManager, filter: UserFilter, first: number, after: string | null): Promise<Page<User>> {
    const searching = Boolean(filter.search?.trim());
    const from = after === null ? null : decodeUserCursor(after, searching);
    const orderBy = searching ? [{ email: 'asc' as const }, { id: 'asc' as const }] : [{ createdAt: 'desc' as const }, { id: 'desc' as const }];
    const rows = await em.find(User, userFilterQuery(filter, from), { orderBy, limit: first + 1 });
    const items = rows.slice(0, first);
    const last = items.at(-1);
    return { items, hasMore: rows.length > first, endCursor: last ? encodeUserCursor(last, searching) : null };
  }

  async user(em: EntityManager, id: string): Promise<User> {
    const user = isUuid(id) ? await em.findOne(User, { id }) : null;
    if (!user) throw new AuthError(ErrorCode.NOT_FOUND);
    return user;
  }

  /** Events across every user, filtered, newest first. */
  async auditEvents(em: EntityManager, filter: AuditFilter, first: number, after: string | null): Promise<Page<AuthEvent>> {
    for (const field of ['userId', 'actorId'] as const) {
      const value = filter[field];
      if (value && !isUuid(value)) throw new AuthError(ErrorCode.BAD_USER_INPUT, { field, message: 'Give a user id.' });
    }
    const where: FilterQuery<AuthEvent> = {
      ...(filter.userId ? { user: filter.userId } : {}),
      ...(filter.actorId ? { actor: filter.actorId } : {}),
      ...(filter.type ? { type: filter.type } : {}),
      ...(typeof filter.success === 'boolean' ? { success: filter.success } : {}),
      ...(filter.since || filter.until ? { createdAt: { ...(filter.since ? { $gte: filter.since } : {}), ...(filter.until ? { $lt: filter.until } : {}) } } : {}),
    };
    const { events, endCursor, hasMore } = await this.audit.page(em, where, first, after);
    return { items: events, endCursor, hasMore };
  }

  /**
   * Disables the account (`users.is_active = false`: the database ends every session, JWT family
   * and API token, and voids mailed links), with a reason and, optionally, an end: the account
   * comes back by itself once `until` has passed (`liftExpiredBans`).
   */
  async disable(em: EntityManager, actorId: string | null, id: string, reason: string | null, until: Date | null): Promise<User> {
    if (id === actorId) throw new AuthError(ErrorCode.BAD_USER_INPUT, { field: 'id', message: 'You cannot disable your own account.' });
    if (until && until <= this.clock.now()) throw new AuthError(ErrorCode.BAD_USER_INPUT, { field: 'until', message: 'Choose a time in the future, or none.' });
    const given = reason?.trim() ? reason : null;
    const why = given === null ? null : parseLabel(given, MAX_REASON_LENGTH);
    if (given !== null && why === null) throw new AuthError(ErrorCode.BAD_USER_INPUT, { field: 'reason', message: `Use at most ${MAX_REASON_LENGTH} printable characters.` });
    return this.act(em, actorId, id, 'ADMIN_DISABLED_USER', until ? `until ${until.toISOString()}` : null, async (tx, user) => {
      // First, so this instance's revoked set learns the sessions at once; the database's trigger
      // on is_active then ends what is left (API tokens, mailed links) and tells the others.
      await this.sessions.revokeAllSessions(tx, user.id, 'disabled');
      Object.assign(user, { isActive: false, disabledReason: why, disabledUntil: until });
      await tx.flush();
    });
  }

  async enable(em: EntityManager, actorId: string | null, id: string): Promise<User> {
    return this.act(em, actorId, id, 'ADMIN_ENABLED_USER', null, async (tx, user) => {
      Object.assign(user, { isActive: true, disabledReason: null, disabledUntil: null });
      await tx.flush();
    });
  }

  /**
   * Creates an account for `email` with `roles` and mails its owner an invitation: a link (to
   * INVITE_PATH, once, INVITE_TOKEN_TTL_SECONDS) whose token sets the first password with
   * `resetPassword`, which also verifies the address. Until then nobody can sign in to it.
   * Inviting an address whose invitation is still unanswered mails a new link (the older one
   * stops working) and gives the roles asked for now; any other account there is EMAIL_TAKEN.
   */
  async invite(em: EntityManager, actorId: string | null, email: string, roles: string[], locale: string): Promise<User> {
    const address = parseEmail(email);
    const wanted = this.roles.parse(roles);
    const { user, token } = await inTransaction(em, async (tx) => {
      const pending = await tx.findOne(User, { email: address }, { lockMode: LockMode.PESSIMISTIC_WRITE });
      if (pending && !(await isUnansweredInvite(tx, pending))) throw new AuthError(ErrorCode.EMAIL_TAKEN, { field: 'email' });
      const invited = pending ? Object.assign(pending, { roles: wanted }) : await this.registration.insert(tx, { email: address, roles: wanted });
      await this.audit.recordIn(tx, { type: 'ADMIN_INVITED_USER', success: true, userId: invited.id, actorId, detail: `${wanted.join(',')}${pending ? ' (again)' : ''}` });
      return { user: invited, token: await this.inviteToken(tx, invited) };
    });
    this.mailer.invitation({ email: address, locale }, token);
    return user;
  }

  private async inviteToken(tx: EntityManager, user: User): Promise<string> {
    await tx.flush();
    return (await this.emailTokens.issue(tx, user, EmailTokenPurpose.INVITE, user.email, this.inviteTtlSeconds)).token;
  }

  /** Re-enables the accounts whose ban has ended; returns how many. Run periodically (services) and by tests. */
  async liftExpiredBans(em: EntityManager): Promise<number> {
    const rows = await em.execute<{ id: string }[]>(
      'update users set is_active = true, disabled_reason = null, disabled_until = null where is_active = false and disabled_until <= ? returning id',
      [this.clock.now()],
    );
    for (const { id } of rows) this.audit.record({ type: 'BAN_ENDED', success: true, userId: id });
    return rows.length;
  }

  /** Ends every session, JWT family and API token of the user at once; the account stays. */
  async revokeCredentials(em: EntityManager, actorId: string | null, id: string): Promise<User> {
    return this.act(em, actorId, id, 'ADMIN_REVOKED_CREDENTIALS', null, async (tx, user) => {
      await this.sessions.revokeAllSessions(tx, user.id, 'admin_revoked');
      await this.apiTokens.revokeAll(tx, user.id);
    });
  }

  /**
   * Forces a new password: the old one stops working at once (the account has none until the
   * user follows the reset link mailed to them), and every session ends. An invitation not yet
   * answered is mailed again instead: its owner has no password to reset.
   */
  async requirePasswordReset(em: EntityManager, actorId: string | null, id: string, locale: string): Promise<User> {
    let invitation: string | null = null;
    const user = await this.act(em, actorId, id, 'ADMIN_REQUIRED_PASSWORD_RESET', null, async (tx, target) => {
      if (await isUnansweredInvite(tx, target)) {
        invitation = await this.inviteToken(tx, target);
        return;
      }
      target.passwordHash = null;
      await tx.flush();
      await this.sessions.revokeAllSessions(tx, target.id, 'password_reset_required');
    });
    if (invitation) this.mailer.invitation({ email: user.email, locale }, invitation);
    else await this.passwordReset.sendResetLink(em.fork(), user.email, locale);
    return user;
  }

  /** Whether the user must have a second factor whatever MFA says (sign-in then asks them to set one up). */
  async setMfaRequired(em: EntityManager, actorId: string | null, id: string, required: boolean): Promise<User> {
    return this.act(em, actorId, id, 'ADMIN_SET_MFA_REQUIRED', required ? 'on' : 'off', async (tx, user) => {
      user.mfaRequired = required;
      await tx.flush();
    });
  }

  async setRoles(em: EntityManager, actorId: string | null, id: string, roles: string[]): Promise<User> {
    if (id === actorId && !roles.includes('admin')) {
      throw new AuthError(ErrorCode.BAD_USER_INPUT, { field: 'roles', message: 'You cannot take the admin role from yourself.' });
    }
    const user = await this.user(em, id);
    return this.roles.set(em, user.id, roles, actorId);
  }

  /** TOTP and recovery codes removed, every session ended (see MfaService.resetFactors). */
  async resetSecondFactors(em: EntityManager, actorId: string | null, id: string, locale: string): Promise<User> {
    return this.act(em, actorId, id, 'ADMIN_RESET_SECOND_FACTORS', null, (tx, user) => this.mfa.resetFactors(tx, user, locale));
  }

  /** Any profile field, admin-only ones included (PROFILE_FIELDS). */
  async updateProfile(em: EntityManager, actorId: string | null, id: string, profile: Record<string, unknown>): Promise<User> {
    return this.act(em, actorId, id, 'ADMIN_UPDATED_PROFILE', Object.keys(profile).join(','), async (tx) => {
      await this.profile.updateAsAdmin(tx, id, profile);
    });
  }

  async verifyEmail(em: EntityManager, actorId: string | null, id: string): Promise<User> {
    return this.act(em, actorId, id, 'ADMIN_VERIFIED_EMAIL', null, async (tx, user) => {
      user.emailVerifiedAt ??= this.clock.now();
      await tx.flush();
    });
  }

  /** Deletes the account and every credential (the rows cascade); the audit trail keeps its entries. */
  async deleteUser(em: EntityManager, actorId: string | null, id: string): Promise<boolean> {
    if (id === actorId) throw new AuthError(ErrorCode.BAD_USER_INPUT, { field: 'id', message: 'Delete your own account with deleteAccount.' });
    await this.act(em, actorId, id, 'ADMIN_DELETED_USER', null, async (tx, user) => {
      await this.sessions.revokeAllSessions(tx, user.id, 'account_deleted');
      await tx.nativeDelete(User, { id: user.id });
    });
    return true;
  }

  /**
   * Runs `change` on the target under its row lock, in one transaction with the audit entry
   * (target: the user, actor: the administrator). The entry's user is the target's id, which a
   * deletion sets to null: the entry stays, with the actor.
   */
  private async act(em: EntityManager, actorId: string | null, id: string, type: string, detail: string | null, change: (tx: EntityManager, user: User) => Promise<void>): Promise<User> {
    if (!isUuid(id)) throw new AuthError(ErrorCode.NOT_FOUND);
    return inTransaction(em, async (tx) => {
      const user = await tx.findOne(User, { id }, { lockMode: LockMode.PESSIMISTIC_WRITE });
      if (!user) throw new AuthError(ErrorCode.NOT_FOUND);
      await this.audit.recordIn(tx, { type, success: true, userId: user.id, actorId, detail, email: user.email });
      await change(tx, user);
      return user;
    });
  }
}

/**
 * An account made by an invitation that its owner has not answered: no password, address not
 * verified, never signed in, no passkey or provider. Mailing it a new invitation gives nobody
 * anything the first one did not.
 */
async function isUnansweredInvite(em: EntityManager, user: User): Promise<boolean> {
  return user.passwordHash === null && user.emailVerifiedAt === null && user.lastLoginAt === null && !(await holdsPasskeyOrProvider(em, user.id));
}

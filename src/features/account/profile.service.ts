import type { EntityManager } from '@mikro-orm/postgresql';
import { User } from '../../db/entities';
import { checkProfile, type ProfileFieldSpec } from '../profile-fields/profile-fields';
import { AuthError, ErrorCode } from '../../errors';
import { SHIPPED_LOCALES } from '../../mail/templates';
import { parseDisplayName } from './text';

/** What `updateMe` may change; a field left out stays as it is, `null` clears it. */
export interface ProfileChange {
  displayName?: string | null;
  locale?: string | null;
  /** The app's profile fields (PROFILE_FIELDS) to change: only those given. */
  profile?: Record<string, unknown> | null;
}

/** The user's own editable account fields (never email, password, roles or verification: SEC-18). */
export class ProfileService {
  constructor(private readonly fields: readonly ProfileFieldSpec[]) {}

  /** `updateMe`: the user's own fields; admin-only profile fields are refused (BAD_USER_INPUT). */
  async update(em: EntityManager, user: User, change: ProfileChange): Promise<User> {
    if (change.displayName !== undefined) user.displayName = parseDisplayName(change.displayName);
    if (change.locale !== undefined) user.locale = parseLocale(change.locale);
    if (change.profile) user.profile = { ...user.profile, ...checkProfile(this.fields, change.profile, 'update') };
    await em.flush();
    return user;
  }

  /** An operator's change of any profile field, admin-only ones included (the admin API's updateUserProfile, the library's). */
  async updateAsAdmin(em: EntityManager, userId: string, profile: Record<string, unknown>): Promise<User> {
    const user = await em.findOne(User, { id: userId });
    if (!user) throw new AuthError(ErrorCode.NOT_FOUND);
    user.profile = { ...user.profile, ...checkProfile(this.fields, profile, 'admin') };
    await em.flush();
    return user;
  }
}

function parseLocale(raw: string | null): string | null {
  if (raw === null) return null;
  const locale = raw.trim().toLowerCase();
  if (!SHIPPED_LOCALES.includes(locale)) {
    throw new AuthError(ErrorCode.BAD_USER_INPUT, { field: 'locale', message: `Choose one of: ${SHIPPED_LOCALES.join(', ')}.` });
  }
  return locale;
}

import type { EntityManager } from '@mikro-orm/postgresql';
import type { User } from '../../db/entities';
import { AuthError, ErrorCode } from '../../errors';
import { SHIPPED_LOCALES } from '../../mail/templates';
import { parseDisplayName } from './text';

/** What `updateMe` may change; a field left out stays as it is, `null` clears it. */
export interface ProfileChange {
  displayName?: string | null;
  locale?: string | null;
}

/** The user's own editable account fields (never email, password, roles or verification: SEC-18). */
export class ProfileService {
  async update(em: EntityManager, user: User, change: ProfileChange): Promise<User> {
    if (change.displayName !== undefined) user.displayName = parseDisplayName(change.displayName);
    if (change.locale !== undefined) user.locale = parseLocale(change.locale);
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

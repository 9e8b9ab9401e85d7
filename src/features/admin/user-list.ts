import type { FilterQuery } from '@mikro-orm/core';
import { User } from '../../db/entities';
import { cursorParts, encodeCursor, invalidCursor } from '../../graphql/cursor';
import { isUuid } from '../credentials/credential-id';

export interface UserFilter {
  /** An email prefix (case-insensitive): `ada` finds ada@…, adam@… (index-backed, text_pattern_ops). */
  search?: string | null;
  role?: string | null;
  disabled?: boolean | null;
  verified?: boolean | null;
  createdAfter?: Date | null;
}

type UserCursor = { key: string; id: string };

/** The filter as a query, continuing after `from` in the list's order (by email when searching, else newest first). */
export function userFilterQuery(filter: UserFilter, from: UserCursor | null): FilterQuery<User> {
  const search = filter.search?.trim().toLowerCase();
  const where: Record<string, unknown>[] = [];
  // Emails are stored lower-cased; LIKE's own wildcards in the prefix are matched literally.
  if (search) where.push({ email: { $like: `${search.replace(/[\\%_]/g, (c) => `\\${c}`)}%` } });
  if (filter.role) where.push({ roles: { $contains: [filter.role] } });
  if (typeof filter.disabled === 'boolean') where.push({ isActive: !filter.disabled });
  if (typeof filter.verified === 'boolean') where.push({ emailVerifiedAt: filter.verified ? { $ne: null } : null });
  if (filter.createdAfter) where.push({ createdAt: { $gt: filter.createdAfter } });
  // Emails are unique, so the email alone continues a search. The `<=` bound on created_at is
  // what lets the index start at the cursor (the OR alone is only a filter: a deep page would
  // read every row before it); bench/ADMIN-USERS-PLAN.md shows both plans at 1M users.
  if (from && search) where.push({ email: { $gt: from.key } });
  if (from && !search) {
    const createdAt = new Date(from.key);
    where.push({ createdAt: { $lte: createdAt } }, { $or: [{ createdAt: { $lt: createdAt } }, { createdAt, id: { $lt: from.id } }] });
  }
  return (where.length > 0 ? { $and: where } : {}) as FilterQuery<User>;
}

export function encodeUserCursor(user: User, searching: boolean): string {
  return encodeCursor([searching ? 'e' : 'c', searching ? user.email : user.createdAt.toISOString(), user.id]);
}

/** A cursor this server made for this kind of list, or BAD_USER_INPUT. */
export function decodeUserCursor(cursor: string, searching: boolean): UserCursor {
  const invalid = () => invalidCursor('This cursor is not valid. Use the endCursor of a page of the same list.');
  const [kind, key, id] = cursorParts(cursor, 3, invalid) as [string, string, string];
  if (kind !== (searching ? 'e' : 'c') || key.length > 320 || !isUuid(id)) throw invalid();
  if (!searching && Number.isNaN(new Date(key).getTime())) throw invalid();
  return { key, id };
}

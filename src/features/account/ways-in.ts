import { LockMode } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { Passkey, SocialAccount, User } from '../../db/entities';
import { AuthError, ErrorCode } from '../../errors';

/**
 * Locks the user's row for the caller's transaction, so that changes to their ways in (linking,
 * unlinking, deleting a passkey) take turns; returns whether they have a password.
 */
export async function lockWaysIn(tx: EntityManager, userId: string): Promise<boolean> {
  const [row] = await tx.createQueryBuilder(User).select(['id', 'passwordHash']).where({ id: userId }).setLockMode(LockMode.PESSIMISTIC_WRITE).execute<{ passwordHash: string | null }[]>('all');
  return Boolean(row?.passwordHash);
}

/**
 * Runs `remove` (unlinking a provider, deleting a passkey) in the caller's transaction, holding
 * the user's row lock, and refuses with LAST_SIGN_IN_METHOD when it left the user no way to sign
 * in: no password, no social account, no passkey, and no email sign-in. The lock makes racing
 * removals of the last two take turns, so together they cannot strand the account.
 */
export async function removeUnlessLastWayIn(tx: EntityManager, userId: string, emailSignIn: boolean, remove: () => Promise<void>): Promise<void> {
  const hasPassword = await lockWaysIn(tx, userId);
  await remove();
  if (hasPassword || emailSignIn) return;
  if (!(await holdsPasskeyOrProvider(tx, userId))) throw new AuthError(ErrorCode.LAST_SIGN_IN_METHOD);
}

/** Whether the user has a passkey or a social account: the ways in that an account holds besides its password. */
export async function holdsPasskeyOrProvider(em: EntityManager, userId: string): Promise<boolean> {
  return (await em.count(SocialAccount, { user: userId })) + (await em.count(Passkey, { user: userId })) > 0;
}

import type { EntityManager } from '@mikro-orm/postgresql';

const afterCommitHooks = new WeakMap<EntityManager, (() => void)[]>();

/**
 * Runs `work` in one database transaction: everything it does through `tx` commits together or
 * not at all. Called inside another such transaction, it joins it (no savepoint: a part of a
 * change is never committed on its own). Hooks queued with `afterCommit` run once the outermost
 * transaction has committed, and never when it rolls back.
 */
export async function inTransaction<T>(em: EntityManager, work: (tx: EntityManager) => Promise<T>): Promise<T> {
  if (afterCommitHooks.has(em)) return work(em);
  const hooks: (() => void)[] = [];
  const result = await em.transactional((tx) => {
    afterCommitHooks.set(tx as EntityManager, hooks);
    return work(tx as EntityManager);
  });
  for (const hook of hooks) hook();
  return result;
}

/**
 * Runs `hook` when what `em` did is committed: at once outside a transaction, else after the
 * commit of `inTransaction`. For in-memory effects that must not outlive a rollback (this
 * instance's record of revoked sessions).
 */
export function afterCommit(em: EntityManager, hook: () => void): void {
  const hooks = afterCommitHooks.get(em);
  if (hooks) hooks.push(hook);
  else hook();
}

import type { EntityManager } from '@mikro-orm/postgresql';
import type { Logger } from './logger';

/**
 * Work run after the answer, on an EntityManager of its own, for work the answer must not depend
 * on, even through its timing (lookups of an address that may or may not have an account, lock
 * notices). Failures are logged. The tasks in flight are known, so shutdown can let them finish
 * and a test can wait for them instead of sleeping.
 */
export class BackgroundTasks {
  private readonly running = new Set<Promise<void>>();

  constructor(
    private readonly forkEm: () => EntityManager,
    private readonly logger: Logger,
  ) {}

  run(work: (em: EntityManager) => Promise<void>): void {
    const task = new Promise<void>((resolve) => setImmediate(resolve))
      .then(() => work(this.forkEm()))
      .catch((error: unknown) => this.logger.error({ err: error }, 'background task failed'))
      .finally(() => this.running.delete(task));
    this.running.add(task);
  }

  /** Resolves once no task is running, including tasks started by the ones awaited. */
  async settled(): Promise<void> {
    while (this.running.size > 0) await Promise.allSettled([...this.running]);
  }
}

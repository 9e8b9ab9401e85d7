import type { EntityManager } from '@mikro-orm/postgresql';
import type { Services } from '../../services';

/**
 * Runs work after the response, with its own EntityManager. Used where the answer must not depend
 * on the work, even through its timing (password reset and verification requests for an
 * address that may or may not have an account). Failures are logged.
 */
export function inBackground(services: Services, work: (em: EntityManager) => Promise<void>): void {
  setImmediate(() => {
    work(services.forkEm()).catch((error: unknown) => services.logger.error({ err: error }, 'background account-email task failed'));
  });
}

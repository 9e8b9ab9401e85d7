import { ConfigError } from '../config';
import { StartupError } from './startup-error';

/**
 * The last word of a process that could not start: one line for what the user can fix (a
 * setting), the stack only for what is a bug of ours. Exits 1.
 */
export function exitWithStartupFailure(error: unknown): never {
  if (error instanceof ConfigError || error instanceof StartupError) {
    process.stderr.write(`Gatehouse cannot start. ${error.message}\n`);
  } else {
    process.stderr.write(`Gatehouse failed to start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  }
  process.exit(1);
}

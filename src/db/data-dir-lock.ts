import { closeSync, mkdirSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { StartupError } from '../startup/startup-error';

export interface DataDirLock {
  release(): void;
}

const LOCK_FILE = 'gatehouse.pid';

/**
 * One Gatehouse per data dir while it runs the embedded PostgreSQL: a second start would stop
 * the first one's database (it looks like a leftover of a crash), so it is refused instead,
 * naming the running process. A lock left by a process that is gone is taken over.
 */
export function lockDataDir(dir: string): DataDirLock {
  mkdirSync(dir, { recursive: true });
  const file = join(dir, LOCK_FILE);
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(file, 'wx', 0o644); // atomic: of two starts at once, one creates it
      writeSync(fd, `${process.pid}\n`);
      closeSync(fd);
      return { release: () => releaseIfOurs(file) };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const owner = Number(readFileSync(file, 'utf8').trim());
    if (Number.isInteger(owner) && owner > 0 && owner !== process.pid && isGatehouse(owner)) {
      throw new StartupError(
        `Another Gatehouse (pid ${owner}) is running on the data dir ${dir} and its embedded PostgreSQL. ` +
          'Stop it first, or set GATEHOUSE_DATA_DIR to another folder (or DATABASE_URL to a PostgreSQL server).',
      );
    }
    unlinkSync(file); // its owner is gone (a crash or SIGKILL): ours now
  }
  throw new StartupError(`Could not lock the data dir ${dir}: another start is taking it at the same moment.`);
}

function releaseIfOurs(file: string): void {
  try {
    if (Number(readFileSync(file, 'utf8').trim()) === process.pid) unlinkSync(file);
  } catch {
    // already gone
  }
}

/** A live process that is a Node.js program (a reused pid of something else does not hold the dir). */
function isGatehouse(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  try {
    return /node/.test(readFileSync(`/proc/${pid}/cmdline`, 'utf8'));
  } catch {
    return true; // no /proc (not Linux): trust the pid
  }
}

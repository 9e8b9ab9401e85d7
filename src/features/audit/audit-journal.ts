import { appendFileSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The audit trail's durable outbox: entries the database did not take are appended to a file of
 * this process's under the data dir (`<pid>.jsonl`) and written later. A file is taken for
 * writing by renaming it (`<pid>-<unique>.draining`, atomic, so two instances never both take one) and
 * removed only once all of it is written; what could not be written goes back into the journal
 * first. A process that crashed leaves its files behind, and the next to drain takes them over.
 * Writes are idempotent (by entry id), so an entry written just before a crash may be held twice
 * but is stored once.
 *
 * Hand-written: it is append, rename and read, and the guarantee (an entry the database missed
 * survives this process) is ours to state.
 */
export class AuditJournal<T> {
  private readonly own: string;
  private batches = 0;
  /** The batches this process is writing now (a restarted container may reuse a dead one's pid). */
  private readonly inFlight = new Set<string>();

  constructor(private readonly dir: string) {
    this.own = join(dir, `${process.pid}.jsonl`);
  }

  /**
   * Keeps an entry until it is written. Synchronous, so no drain of this process splits it. The
   * folder is made on first use: a server whose database never refuses an entry needs no
   * writable data dir for it. Throws when the disk refuses (the caller logs the loss).
   */
  append(entry: T): void {
    mkdirSync(this.dir, { recursive: true, mode: 0o700 });
    appendFileSync(this.own, `${JSON.stringify(entry)}\n`, { mode: 0o600 });
  }

  /**
   * Writes every held entry with `write`, oldest file first; stops at the first entry it cannot
   * write (the database is still away), which goes back into the journal with the rest.
   * Returns how many were written. Callers run one drain at a time.
   */
  async drain(write: (entry: T) => Promise<void>): Promise<number> {
    let written = 0;
    if (!existsSync(this.dir)) return 0;
    for (const name of readdirSync(this.dir).sort()) {
      const batch = this.take(name);
      if (!batch) continue;
      this.inFlight.add(batch);
      const entries = parseLines<T>(readFileSync(batch, 'utf8'));
      let done = 0;
      try {
        for (const entry of entries) {
          await write(entry);
          done++;
        }
      } finally {
        for (const entry of entries.slice(done)) this.append(entry);
        unlinkSync(batch);
        this.inFlight.delete(batch);
        written += done;
      }
    }
    return written;
  }

  /** Renames a file this process may drain into a batch of its own; null when it may not. */
  private take(name: string): string | null {
    const match = /^(\d+)(?:\.jsonl|-[0-9a-z]+\.draining)$/.exec(name);
    if (!match) return null;
    // Our own journal, or anything of a process that is gone; never a batch we are writing.
    const owner = Number(match[1]);
    if (owner === process.pid ? this.inFlight.has(join(this.dir, name)) : isAlive(owner)) return null;
    // Unique also across a restart that reuses the pid, so a rename never replaces a leftover.
    const batch = join(this.dir, `${process.pid}-${Date.now().toString(36)}${(++this.batches).toString(36)}.draining`);
    try {
      renameSync(join(this.dir, name), batch);
      return batch;
    } catch {
      return null; // taken by another instance just now
    }
  }
}

function parseLines<T>(text: string): T[] {
  const entries: T[] = [];
  for (const line of text.split('\n')) {
    if (!line) continue;
    try {
      entries.push(JSON.parse(line) as T);
    } catch {
      // A line cut short by a crash mid-write: nothing of it can be recovered.
    }
  }
  return entries;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

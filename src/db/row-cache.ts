import type { DatabaseNotifications } from './notifications';

/** How long our own uncommitted change keeps a row out of the cache if its NOTIFY never comes (rollback). */
const PENDING_MS = 5_000;

/**
 * A bounded in-process cache of database rows by id, kept correct by the database's change
 * notifications: it answers only while the listener is current, is emptied when the listener is
 * lost or reconnects, and evicts a row when that row's NOTIFY arrives. Two races are closed:
 * - a read that began before a change but ends after its NOTIFY must not store the old row:
 *   `set` takes the epoch from `readStarted()` and refuses it if anything was evicted since;
 * - our own change is visible to our next request before its NOTIFY comes back: `changing(id)`
 *   keeps the row out of the cache until that NOTIFY arrives.
 * Least recently used rows leave first once `maxEntries` is reached.
 */
export class RowCache<T> {
  private readonly entries = new Map<string, T>();
  private readonly pending = new Map<string, number>(); // id → until (ms)
  private epoch = 0;

  constructor(
    private readonly notifications: DatabaseNotifications,
    channel: string,
    private readonly maxEntries: number,
  ) {
    notifications.subscribe(channel, (id) => this.invalidate(id), { catchUp: async () => this.clear(), lost: () => this.clear() });
  }

  get(id: string): T | undefined {
    if (!this.notifications.isCurrent || this.isPending(id)) return undefined;
    const value = this.entries.get(id);
    if (value !== undefined) {
      this.entries.delete(id); // re-inserted last: most recently used
      this.entries.set(id, value);
    }
    return value;
  }

  /** Call before reading a row from the database; pass the result to `set`. */
  readStarted(): number {
    return this.epoch;
  }

  set(id: string, value: T, readStartedAt: number): void {
    if (!this.notifications.isCurrent || readStartedAt !== this.epoch || this.isPending(id)) return;
    this.entries.set(id, value);
    if (this.entries.size > this.maxEntries) this.entries.delete(this.entries.keys().next().value!);
  }

  /** The row changed and its change is committed (its NOTIFY arrived). */
  invalidate(id: string): void {
    this.epoch++;
    this.entries.delete(id);
    this.pending.delete(id);
  }

  /** This instance is changing the row; it stays out of the cache until the NOTIFY arrives. */
  changing(id: string): void {
    this.invalidate(id);
    this.pending.set(id, Date.now() + PENDING_MS);
  }

  get size(): number {
    return this.entries.size;
  }

  private clear(): void {
    this.epoch++;
    this.entries.clear();
  }

  private isPending(id: string): boolean {
    if (this.pending.size === 0) return false;
    const until = this.pending.get(id);
    if (until === undefined) return false;
    if (until > Date.now()) return true;
    this.pending.delete(id);
    return false;
  }
}

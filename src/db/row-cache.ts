import type { DatabaseNotifications } from './notifications';

/** How long our own uncommitted change keeps a row out of the cache if its NOTIFY never comes (rollback). */
const PENDING_MS = 5_000;
/** A row is read again after this long whatever happens: a bound on any staleness we did not foresee. */
const MAX_AGE_MS = 60_000;

/**
 * A bounded in-process cache of database rows, looked up by a key (the id, or a token's hash) and
 * evicted by id, kept correct by the database's change notifications: it answers only while the
 * listener is current, is emptied when the listener is lost or reconnects, and evicts a row when
 * that row's NOTIFY arrives. Two races are closed:
 * - a read that began before a change but ends after its NOTIFY must not store the old row:
 *   `fill` notes the epoch before reading and stores nothing if anything was evicted since;
 * - our own change is visible to our next request before its NOTIFY comes back: `changing(id)`
 *   keeps the row out of the cache until that NOTIFY arrives.
 * Least recently used rows leave first once `maxEntries` is reached, and none is kept longer than
 * a minute.
 */
export class RowCache<T> {
  private readonly entries = new Map<string, { id: string; value: T; readAt: number }>(); // key → row
  private readonly keys = new Map<string, string>(); // id → key
  private readonly pending = new Map<string, number>(); // id → until (ms)
  private epoch = 0;
  /** Told of every lookup, whether memory had the row (the metrics' hit ratio). */
  onLookup: (hit: boolean) => void = () => {};

  constructor(
    private readonly notifications: DatabaseNotifications,
    channel: string,
    private readonly maxEntries: number,
  ) {
    notifications.subscribe(channel, (id) => this.invalidate(id), { catchUp: async () => this.clear(), lost: () => this.clear() });
  }

  get(key: string): T | null {
    const value = this.find(key);
    this.onLookup(value !== null);
    return value;
  }

  private find(key: string): T | null {
    if (!this.notifications.isCurrent) return null;
    const entry = this.entries.get(key);
    if (entry === undefined || this.isPending(entry.id)) return null;
    if (Date.now() - entry.readAt > MAX_AGE_MS) {
      this.evict(entry.id);
      return null;
    }
    this.entries.delete(key); // re-inserted last: most recently used
    this.entries.set(key, entry);
    return entry.value;
  }

  /**
   * Reads a row that `get` did not have and keeps it under `key`, unless it changed while being
   * read. `keep` says what to store (its id and value), or null to store nothing.
   */
  async fill<R>(key: string, read: () => Promise<R | null>, keep: (found: R) => { id: string; value: T } | null): Promise<R | null> {
    const started = this.epoch;
    const found = await read();
    const row = found === null ? null : keep(found);
    if (row) this.set(key, row.id, row.value, started);
    return found;
  }

  /** The row under `key`: from memory when it is there and `fresh` accepts it, else read as by `fill`. */
  async lookup(
    key: string,
    read: () => Promise<T | null>,
    keep: (found: T) => { id: string; value: T } | null,
    fresh: (cached: T) => boolean = () => true,
  ): Promise<T | null> {
    const cached = this.get(key);
    return cached !== null && fresh(cached) ? cached : this.fill(key, read, keep);
  }

  private set(key: string, id: string, value: T, readStartedAt: number): void {
    if (!this.notifications.isCurrent || readStartedAt !== this.epoch || this.isPending(id)) return;
    this.evict(id);
    this.entries.set(key, { id, value, readAt: Date.now() });
    this.keys.set(id, key);
    if (this.entries.size > this.maxEntries) this.evict(this.entries.values().next().value!.id);
  }

  /** The row changed and its change is committed (its NOTIFY arrived). */
  invalidate(id: string): void {
    this.epoch++;
    this.evict(id);
    this.pending.delete(id);
  }

  /** This instance is changing the row; it stays out of the cache until the NOTIFY arrives. */
  changing(id: string): void {
    this.invalidate(id);
    this.pending.set(id, Date.now() + PENDING_MS);
  }

  private evict(id: string): void {
    const key = this.keys.get(id);
    if (key === undefined) return;
    this.keys.delete(id);
    this.entries.delete(key);
  }

  private clear(): void {
    this.epoch++;
    this.entries.clear();
    this.keys.clear();
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

/** `keep` for credential rows: a revoked one is never worth keeping (it only ever fails). */
export function unlessRevoked<T extends { id: string; revokedAt: Date | null }>(row: T): { id: string; value: T } | null {
  return row.revokedAt === null ? { id: row.id, value: row } : null;
}

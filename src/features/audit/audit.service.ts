import type { FilterQuery } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { randomUUID } from 'node:crypto';
import type { Clock } from '../../clock';
import { AuthEvent, User } from '../../db/entities';
import { isUnavailable } from '../../db/unavailable';
import type { Logger } from '../../logger';
import { parseEmail } from '../account/email';
import { isUuid } from '../credentials/credential-id';
import { cursorParts, encodeCursor, invalidCursor } from '../../graphql/cursor';
import { AuditJournal } from './audit-journal';

export interface AuditEntry {
  type: string;
  success: boolean;
  /** The user's id, or their canonical email when only that is known (failed sign-ins). */
  userId?: string | null;
  email?: string | null;
  /** Who did it when not the user themselves (an administrator); the entry is on their trail too. */
  actorId?: string | null;
  detail?: string | null;
  credentialKind?: string | null;
  ipAddress?: string | null;
  userAgent?: string | null;
}

/** An entry as it is held until written: its id and time are fixed when it happens. */
interface HeldEntry extends AuditEntry {
  id: string;
  createdAt: string;
}

const MAX_USER_AGENT_LENGTH = 512;
/** How often held entries are retried while the database is away. */
const RETRY_MS = 1_000;

/**
 * The audit trail. Entries are written off the request path, on their own EntityManager, so
 * recording never slows or fails the operation it records. An entry the database does not take
 * (it is stopped, frozen or refusing) goes to a durable outbox under the data dir and is written
 * once the database is back, also after a crash or restart of this process: none is lost.
 */
export class AuditService {
  private readonly journal: AuditJournal<HeldEntry>;
  private readonly retry: NodeJS.Timeout;
  private draining: Promise<void> | null = null;
  /** Entries on their way to the database (written just after the answer). */
  private readonly writing = new Set<Promise<void>>();

  constructor(
    private readonly clock: Clock,
    private readonly forkEm: () => EntityManager,
    private readonly logger: Logger,
    outboxDir: string,
  ) {
    this.journal = new AuditJournal(outboxDir);
    this.retry = setInterval(() => void this.drain(), RETRY_MS);
    this.retry.unref();
  }

  record(entry: AuditEntry): void {
    const held: HeldEntry = { ...entry, id: randomUUID(), createdAt: this.clock.now().toISOString() };
    const writing = new Promise<void>((resolve) => setImmediate(resolve))
      .then(() => this.write(held))
      .catch((error: unknown) => {
        try {
          this.journal.append(held);
          this.logger.warn({ err: error, type: entry.type }, 'audit entry held in the outbox until the database takes it');
        } catch (diskError) {
          this.logger.error({ err: diskError, cause: error, type: entry.type }, 'audit entry lost: neither the database nor the outbox took it');
        }
      })
      .finally(() => this.writing.delete(writing));
    this.writing.add(writing);
  }

  /** Entries recorded and not yet written (the metrics). */
  get pending(): number {
    return this.writing.size;
  }

  /** Resolves once every entry recorded so far is written or held in the outbox (shutdown waits for it). */
  async settled(): Promise<void> {
    while (this.writing.size > 0) await Promise.all(this.writing);
  }

  /** Writes what the outbox holds (one drain at a time); resolves when this attempt is over. */
  drain(): Promise<void> {
    this.draining ??= this.journal
      .drain((entry) => this.writeHeld(entry))
      .then((written) => written > 0 && this.logger.info({ written }, 'audit entries written from the outbox'))
      .catch(() => {}) // the database is still away: the next tick tries again
      .then(() => void (this.draining = null));
    return this.draining;
  }

  close(): void {
    clearInterval(this.retry);
  }

  /**
   * Writes an entry in the caller's transaction: it commits with the change it records, or not at
   * all (an administrator's action is never done unrecorded, and never recorded undone).
   */
  async recordIn(tx: EntityManager, entry: AuditEntry): Promise<void> {
    await this.insert(tx, { ...entry, id: randomUUID(), createdAt: this.clock.now().toISOString() }, entry.userId ?? null);
  }

  /** The user's own events, and what they did to others as an administrator; newest first, `first` at a time after the `after` cursor. */
  async list(em: EntityManager, userId: string, first: number, after: string | null): Promise<{ events: AuthEvent[]; endCursor: string | null; hasMore: boolean }> {
    return this.page(em, { $or: [{ user: userId }, { actor: userId }] }, first, after);
  }

  /** Events across every user (the admin API), filtered, newest first. */
  async page(em: EntityManager, where: FilterQuery<AuthEvent>, first: number, after: string | null): Promise<{ events: AuthEvent[]; endCursor: string | null; hasMore: boolean }> {
    const from = after === null ? null : decodeEventCursor(after);
    const cursor = from ? { $or: [{ createdAt: { $lt: from.createdAt } }, { createdAt: from.createdAt, id: { $lt: from.id } }] } : {};
    const events = await em.find(AuthEvent, { $and: [where, cursor] }, { orderBy: [{ createdAt: 'desc' }, { id: 'desc' }], limit: first + 1 });
    const hasMore = events.length > first;
    const page = events.slice(0, first);
    const last = page.at(-1);
    return { events: page, hasMore, endCursor: last ? encodeEventCursor(last) : null };
  }

  /** An outboxed entry: kept while the database is away; dropped (and logged) if it can never be stored. */
  private async writeHeld(entry: HeldEntry): Promise<void> {
    try {
      await this.write(entry);
    } catch (error) {
      if (isUnavailable(error)) throw error;
      this.logger.error({ err: error, type: entry.type }, 'audit entry cannot be stored; dropped');
    }
  }

  /** Stores an entry once: a retry of one already written (by id) changes nothing. */
  private async write(entry: HeldEntry): Promise<void> {
    const em = this.forkEm();
    let userId = entry.userId ?? null;
    // Only an address that could be an account's is looked up: anything else (a NUL byte, which
    // PostgreSQL text cannot hold) would fail the lookup and lose the entry.
    if (!userId && entry.email && isValidEmail(entry.email)) userId = (await em.findOne(User, { email: entry.email }, { fields: ['id'] }))?.id ?? null;
    await this.insert(em, entry, userId);
  }

  private async insert(em: EntityManager, entry: HeldEntry, userId: string | null): Promise<void> {
    await em
      .createQueryBuilder(AuthEvent)
      .insert({
        id: entry.id,
        user: userId,
        actor: entry.actorId ?? null,
        type: entry.type,
        success: entry.success,
        detail: storable(entry.detail),
        credentialKind: storable(entry.credentialKind),
        ipAddress: storable(entry.ipAddress),
        userAgent: storable(entry.userAgent?.slice(0, MAX_USER_AGENT_LENGTH)),
        createdAt: new Date(entry.createdAt),
      })
      .onConflict('id')
      .ignore()
      .execute();
  }
}

function encodeEventCursor(event: AuthEvent): string {
  return encodeCursor([event.createdAt.toISOString(), event.id]);
}

/** A cursor this server made, or BAD_USER_INPUT: a crafted one must not reach the database. */
function decodeEventCursor(cursor: string): { createdAt: Date; id: string } {
  const [createdAt, id] = cursorParts(cursor, 2) as [string, string];
  // Exactly what encodeEventCursor writes: an ISO instant of a plausible year, and a UUID.
  if (!ISO_INSTANT.test(createdAt) || !isUuid(id)) throw invalidCursor();
  const date = new Date(createdAt);
  if (Number.isNaN(date.getTime()) || date.toISOString() !== createdAt) throw invalidCursor();
  return { createdAt: date, id };
}

const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

function isValidEmail(email: string): boolean {
  try {
    return parseEmail(email) === email;
  } catch {
    return false;
  }
}

/** PostgreSQL text cannot hold NUL; an entry is stored with it removed rather than lost. */
function storable(value: string | null | undefined): string | null {
  return value === null || value === undefined ? null : value.replace(/\u0000/g, '');
}

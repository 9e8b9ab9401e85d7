import type { EntityManager } from '@mikro-orm/postgresql';
import { randomUUID } from 'node:crypto';
import type { Clock } from '../../clock';
import { AuthEvent, User } from '../../db/entities';
import type { Logger } from '../../logger';

export interface AuditEntry {
  type: string;
  success: boolean;
  /** The user's id, or their canonical email when only that is known (failed sign-ins). */
  userId?: string | null;
  email?: string | null;
  detail?: string | null;
  credentialKind?: string | null;
  ipAddress?: string | null;
  userAgent?: string | null;
}

const MAX_USER_AGENT_LENGTH = 512;

/**
 * The audit trail. Entries are written off the request path, on their own EntityManager, so
 * recording never slows or fails the operation it records; a failure to record is logged.
 */
export class AuditService {
  constructor(
    private readonly clock: Clock,
    private readonly forkEm: () => EntityManager,
    private readonly logger: Logger,
  ) {}

  record(entry: AuditEntry): void {
    const createdAt = this.clock.now();
    setImmediate(() => {
      this.write(entry, createdAt).catch((error: unknown) => this.logger.error({ err: error, type: entry.type }, 'audit entry not written'));
    });
  }

  /** The user's own events, newest first, `first` at a time after the `after` cursor. */
  async list(em: EntityManager, userId: string, first: number, after: string | null): Promise<{ events: AuthEvent[]; endCursor: string | null; hasMore: boolean }> {
    const from = after ? decodeCursor(after) : null;
    const events = await em.find(
      AuthEvent,
      {
        user: userId,
        ...(from ? { $or: [{ createdAt: { $lt: from.createdAt } }, { createdAt: from.createdAt, id: { $lt: from.id } }] } : {}),
      },
      { orderBy: [{ createdAt: 'desc' }, { id: 'desc' }], limit: first + 1 },
    );
    const hasMore = events.length > first;
    const page = events.slice(0, first);
    const last = page.at(-1);
    return { events: page, hasMore, endCursor: last ? encodeCursor(last) : null };
  }

  private async write(entry: AuditEntry, createdAt: Date): Promise<void> {
    const em = this.forkEm();
    let userId = entry.userId ?? null;
    if (!userId && entry.email) userId = (await em.findOne(User, { email: entry.email }, { fields: ['id'] }))?.id ?? null;
    await em.insert(AuthEvent, {
      id: randomUUID(),
      user: userId,
      type: entry.type,
      success: entry.success,
      detail: entry.detail ?? null,
      credentialKind: entry.credentialKind ?? null,
      ipAddress: entry.ipAddress ?? null,
      userAgent: entry.userAgent?.slice(0, MAX_USER_AGENT_LENGTH) ?? null,
      createdAt,
    });
  }
}

function encodeCursor(event: AuthEvent): string {
  return Buffer.from(JSON.stringify([event.createdAt.toISOString(), event.id])).toString('base64url');
}

function decodeCursor(cursor: string): { createdAt: Date; id: string } | null {
  try {
    const [createdAt, id] = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as [string, string];
    const date = new Date(createdAt);
    if (Number.isNaN(date.getTime()) || !/^[0-9a-f-]{36}$/i.test(id)) return null;
    return { createdAt: date, id };
  } catch {
    return null;
  }
}

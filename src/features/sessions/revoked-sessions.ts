import type { DatabaseNotifications } from '../../db/notifications';

export const REVOCATION_CHANNEL = 'gatehouse_session_revoked';
const PRUNE_INTERVAL_MS = 60_000;

export interface RevokedSessionsOptions {
  notifications: DatabaseNotifications;
  /** How long an access token can outlive its session's revocation: its TTL plus clock tolerance. */
  retentionSeconds: number;
  /** Told how long each revocation took to reach this instance, in seconds (the metrics). */
  onHeard?: (lagSeconds: number) => void;
}

/**
 * The ids of recently revoked JWT sessions, held in memory so verifying an access token needs no
 * database read. The database NOTIFYs every revocation (see the revocation migration); after each
 * (re)connection the listener reads the sessions revoked within the retention window, a read
 * bounded by the access-token TTL. While the listener is not current, callers ask the database.
 */
export class RevokedSessions {
  private readonly revoked = new Map<string, number>(); // session id → forget after (ms)
  private readonly pruneTimer: NodeJS.Timeout;

  constructor(private readonly options: RevokedSessionsOptions) {
    this.pruneTimer = setInterval(() => this.prune(), PRUNE_INTERVAL_MS).unref();
    options.notifications.subscribe(REVOCATION_CHANNEL, (payload) => this.heard(payload), {
      catchUp: async (client) => {
        const { rows } = await client.query<{ id: string }>(
          `select id from sessions where credential_kind = 'JWT' and revoked_at is not null and revoked_at > now() - make_interval(secs => $1)`,
          [options.retentionSeconds],
        );
        for (const { id } of rows) this.add(id);
      },
    });
  }

  /** True while the listener is connected and caught up. */
  get isCurrent(): boolean {
    return this.options.notifications.isCurrent;
  }

  has(sessionId: string): boolean {
    return this.revoked.has(sessionId);
  }

  stop(): void {
    clearInterval(this.pruneTimer);
  }

  /** Records revocations made by this instance at once, before their NOTIFY comes back. */
  markRevoked(sessionIds: Iterable<string>): void {
    for (const id of sessionIds) this.add(id);
  }

  /** `<session id>:<epoch ms of the revoking statement>` (before Migration20261201185900: the id alone). */
  private heard(payload: string): void {
    const [id, at] = payload.split(':');
    this.add(id!);
    // Wall clocks on both sides (the database's and ours): a lag, not a lifetime.
    if (at) this.options.onHeard?.(Math.max(0, Date.now() - Number(at)) / 1000);
  }

  private add(sessionId: string): void {
    this.revoked.set(sessionId, Date.now() + this.options.retentionSeconds * 1000);
  }

  private prune(): void {
    const now = Date.now();
    for (const [id, forgetAfter] of this.revoked) if (forgetAfter <= now) this.revoked.delete(id);
  }
}

import pg from 'pg';
import type { Logger } from '../../logger';

export const REVOCATION_CHANNEL = 'gatehouse_session_revoked';
const RECONNECT_MIN_MS = 100;
const RECONNECT_MAX_MS = 5_000;
const PRUNE_INTERVAL_MS = 60_000;

export interface RevokedSessionsOptions {
  databaseUrl: string;
  /** How long an access token can outlive its session's revocation: its TTL plus clock tolerance. */
  retentionSeconds: number;
  logger: Logger;
}

/**
 * The ids of recently revoked JWT sessions, held in memory so verifying an access token needs no
 * database read. A dedicated connection LISTENs on the channel the database triggers NOTIFY on
 * (see the revocation migration), so every instance learns of a revocation at its commit. After
 * (re)connecting it LISTENs first, then reads the sessions revoked within the retention window:
 * nothing revoked while it was away is missed, and the read is bounded by the access-token TTL.
 * While disconnected, `isCurrent` is false and callers must ask the database instead.
 */
export class RevokedSessions {
  private readonly revoked = new Map<string, number>(); // session id → forget after (ms)
  private client: pg.Client | undefined;
  private current = false;
  private stopped = false;
  private reconnectDelay = RECONNECT_MIN_MS;
  private reconnectTimer: NodeJS.Timeout | undefined;
  private readonly pruneTimer: NodeJS.Timeout;

  constructor(private readonly options: RevokedSessionsOptions) {
    this.pruneTimer = setInterval(() => this.prune(), PRUNE_INTERVAL_MS).unref();
  }

  /** True while the listener is connected and caught up. */
  get isCurrent(): boolean {
    return this.current;
  }

  has(sessionId: string): boolean {
    return this.revoked.has(sessionId);
  }

  /** Connects and catches up; resolves once current (or throws if the first attempt fails). */
  async start(): Promise<void> {
    await this.connect();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.current = false;
    clearInterval(this.pruneTimer);
    clearTimeout(this.reconnectTimer);
    await this.client?.end().catch(() => {});
  }

  private async connect(): Promise<void> {
    const client = new pg.Client({ connectionString: this.options.databaseUrl, application_name: 'gatehouse-revocations' });
    client.on('error', (error) => this.lost(client, error));
    client.on('end', () => this.lost(client));
    client.on('notification', (message) => {
      if (message.channel === REVOCATION_CHANNEL && message.payload) this.add(message.payload);
    });
    this.client = client;
    await client.connect();
    await client.query(`listen ${REVOCATION_CHANNEL}`);
    const { rows } = await client.query<{ id: string }>(
      `select id from sessions where credential_kind = 'JWT' and revoked_at is not null and revoked_at > now() - make_interval(secs => $1)`,
      [this.options.retentionSeconds],
    );
    for (const { id } of rows) this.add(id);
    this.current = true;
    this.reconnectDelay = RECONNECT_MIN_MS;
  }

  /** Records revocations made by this instance at once, before their NOTIFY comes back. */
  markRevoked(sessionIds: Iterable<string>): void {
    for (const id of sessionIds) this.add(id);
  }

  private add(sessionId: string): void {
    this.revoked.set(sessionId, Date.now() + this.options.retentionSeconds * 1000);
  }

  private lost(client: pg.Client, error?: Error): void {
    if (client !== this.client || this.stopped) return;
    this.client = undefined;
    this.current = false;
    this.options.logger.warn({ err: error }, 'revocation listener disconnected; checking sessions in the database until it is back');
    client.end().catch(() => {});
    this.scheduleReconnect();
  }

  private scheduleReconnect(): void {
    if (this.stopped || this.reconnectTimer !== undefined) return;
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = undefined;
      this.connect().catch((error: unknown) => {
        this.options.logger.debug({ err: error }, 'revocation listener reconnect failed');
        const client = this.client;
        this.client = undefined;
        client?.end().catch(() => {});
        this.scheduleReconnect();
      });
    }, this.reconnectDelay).unref();
    this.reconnectDelay = Math.min(this.reconnectDelay * 2, RECONNECT_MAX_MS);
  }

  private prune(): void {
    const now = Date.now();
    for (const [id, forgetAfter] of this.revoked) if (forgetAfter <= now) this.revoked.delete(id);
  }
}

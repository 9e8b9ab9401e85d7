import pg from 'pg';
import type { Logger } from '../logger';

const RECONNECT_MIN_MS = 100;
// At most a second between attempts: the listener is back within a second of the database.
const RECONNECT_MAX_MS = 1_000;
/**
 * A connection can die or freeze without a word (a half-open TCP connection, a stalled database):
 * the listener would look current while hearing nothing, and the caches would answer from what
 * they last heard. A query every second, answered within a second, turns that silence into a
 * loss within two seconds at most; the caches then stop answering and the database is asked.
 */
const HEARTBEAT_MS = 1_000;
const CONNECT_TIMEOUT_MS = 3_000;

export interface DatabaseNotificationsOptions {
  databaseUrl: string;
  logger: Logger;
}

type Handler = (payload: string) => void;
/** Runs after LISTEN on every (re)connection, to learn what happened while nobody listened. */
type CatchUp = (client: pg.Client) => Promise<void>;

/**
 * One dedicated connection that LISTENs on the channels the database triggers NOTIFY on, so every
 * instance learns of a change at its commit, whoever made it (our services or an operator's SQL).
 * On (re)connecting it LISTENs first and then runs the catch-up hooks, so nothing that happened
 * while it was away is missed. While disconnected, `isCurrent` is false: whatever relies on these
 * notifications (the revoked-session set, the caller caches) must ask the database instead.
 */
export class DatabaseNotifications {
  private readonly handlers = new Map<string, Handler[]>();
  private readonly catchUps: CatchUp[] = [];
  private readonly lostHooks: (() => void)[] = [];
  private client: pg.Client | undefined;
  private current = false;
  private stopped = false;
  private reconnectDelay = RECONNECT_MIN_MS;
  private reconnectTimer: NodeJS.Timeout | undefined;
  private readonly heartbeatTimer: NodeJS.Timeout;

  constructor(private readonly options: DatabaseNotificationsOptions) {
    this.heartbeatTimer = setInterval(() => this.heartbeat(), HEARTBEAT_MS).unref();
  }

  /** True while the listener is connected and caught up. */
  get isCurrent(): boolean {
    return this.current;
  }

  /** Registers before start(): a handler per channel, an optional catch-up read, a hook on loss. */
  subscribe(channel: string, handler: Handler, hooks: { catchUp?: CatchUp; lost?: () => void } = {}): void {
    if (!/^[a-z_]+$/.test(channel)) throw new Error(`invalid channel name ${channel}`);
    this.handlers.set(channel, [...(this.handlers.get(channel) ?? []), handler]);
    if (hooks.catchUp) this.catchUps.push(hooks.catchUp);
    if (hooks.lost) this.lostHooks.push(hooks.lost);
  }

  /** Connects and catches up; resolves once current (or throws if the first attempt fails). */
  async start(): Promise<void> {
    await this.connect();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.setLost();
    clearTimeout(this.reconnectTimer);
    clearInterval(this.heartbeatTimer);
    await this.client?.end().catch(() => {});
  }

  private async connect(): Promise<void> {
    const client = new pg.Client({
      connectionString: this.options.databaseUrl,
      application_name: 'gatehouse-notifications',
      keepAlive: true,
      query_timeout: HEARTBEAT_MS,
      connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
    });
    client.on('error', (error) => this.lost(client, error));
    client.on('end', () => this.lost(client));
    client.on('notification', ({ channel, payload }) => {
      if (payload) for (const handler of this.handlers.get(channel) ?? []) handler(payload);
    });
    this.client = client;
    await client.connect();
    for (const channel of this.handlers.keys()) await client.query(`listen ${channel}`);
    for (const catchUp of this.catchUps) await catchUp(client);
    this.current = true;
    this.reconnectDelay = RECONNECT_MIN_MS;
  }

  private heartbeat(): void {
    const client = this.client;
    if (!client || !this.current) return;
    client.query('select 1').catch((error: Error) => this.lost(client, error));
  }

  private setLost(): void {
    this.current = false;
    for (const hook of this.lostHooks) hook();
  }

  private lost(client: pg.Client, error?: Error): void {
    if (client !== this.client || this.stopped) return;
    this.client = undefined;
    this.setLost();
    this.options.logger.warn({ err: error }, 'notification listener disconnected; asking the database until it is back');
    client.end().catch(() => {});
    this.scheduleReconnect();
  }

  private scheduleReconnect(): void {
    if (this.stopped || this.reconnectTimer !== undefined) return;
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = undefined;
      this.connect().catch((error: unknown) => {
        this.options.logger.debug({ err: error }, 'notification listener reconnect failed');
        const client = this.client;
        this.client = undefined;
        client?.end().catch(() => {});
        this.scheduleReconnect();
      });
    }, this.reconnectDelay).unref();
    this.reconnectDelay = Math.min(this.reconnectDelay * 2, RECONNECT_MAX_MS);
  }
}

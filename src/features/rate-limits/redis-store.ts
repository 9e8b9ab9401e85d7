import { Redis } from 'ioredis';
import type { Logger } from '../../logger';

/**
 * Bounds on the Redis counters' store (SEC-62). A command waits at most COMMAND for an answer; a
 * PING every HEARTBEAT that is not answered within HEARTBEAT drops the connection, so that later
 * commands fail at once (the client is then not "ready") instead of each waiting out its timeout;
 * reconnection is retried at least every RECONNECT_MAX.
 */
export const REDIS_TIMEOUTS_MS = { command: 500, connect: 1_000, heartbeat: 1_000, reconnectMax: 500 } as const;

export interface RedisStore {
  client: Redis;
  /** Whether Redis answered the last heartbeat and the connection is ready now. */
  isHealthy(): boolean;
  close(): void;
}

/**
 * A Redis connection for rate-limiter-flexible that never makes a caller wait on a stopped or
 * frozen server: the limiters then fall back to their insurance (PostgreSQL) until it is back.
 */
export function connectRedisStore(url: string, logger: Logger): RedisStore {
  const t = REDIS_TIMEOUTS_MS;
  const client = new Redis(url, {
    enableOfflineQueue: false,
    commandTimeout: t.command,
    connectTimeout: t.connect,
    maxRetriesPerRequest: 0,
    retryStrategy: (times) => Math.min(times * 100, t.reconnectMax),
  });
  let answered = false;
  let closed = false;
  client.on('error', (error: Error) => logger.warn({ err: error }, 'rate-limit store (Redis) error'));
  client.on('close', () => (answered = false));

  const beat = setInterval(() => {
    if (client.status !== 'ready') return;
    const timer = setTimeout(() => {
      if (closed || client.status !== 'ready') return;
      answered = false;
      logger.warn('rate-limit store (Redis) did not answer its heartbeat; reconnecting, limits use PostgreSQL meanwhile');
      client.disconnect(true);
    }, t.heartbeat);
    timer.unref();
    client.ping().then(
      () => {
        clearTimeout(timer);
        answered = true;
      },
      () => {}, // a timed-out PING: the timer above reconnects
    );
  }, t.heartbeat);
  beat.unref();
  client.on('ready', () => (answered = true));

  return {
    client,
    isHealthy: () => client.status === 'ready' && answered,
    close() {
      closed = true;
      clearInterval(beat);
      client.disconnect();
    },
  };
}

import pg from 'pg';
import { RateLimiterPostgres, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import type { Config, RateLimitName } from '../../config';
import { DATABASE_TIMEOUTS_MS } from '../../db/mikro-orm.config';
import { AuthError, ErrorCode } from '../../errors';
import type { Logger } from '../../logger';
import { connectRedisStore, type RedisStore } from './redis-store';

export type { RateLimitName };

/** What /healthz says of the counters' store: Redis when configured (PostgreSQL is the database's check). */
export type LimitStoreHealth = { redis: 'ok' | 'unavailable' } | Record<string, never>;

/**
 * Named limits over rate-limiter-flexible, stored in PostgreSQL (shared by every instance) or in
 * Redis when REDIS_URL is set. Each use is one atomic upsert/increment, so concurrent requests
 * never get past a limit together (SEC-13). Counting happens where a resolver does the work,
 * so aliases and batches are counted one by one (SEC-12).
 *
 * Never fail open, never hang (SEC-62): every store call is bounded (the pool's timeouts, Redis's
 * command timeout), and while Redis is stopped or frozen each limiter counts in PostgreSQL instead
 * (rate-limiter-flexible's insurance limiter), so limits keep holding across every instance. With
 * both stores down a limited operation is refused with SERVICE_UNAVAILABLE.
 */
export class RateLimitService {
  private readonly limiters = new Map<RateLimitName, RateLimiterAbstract>();
  private readonly pool?: pg.Pool;
  private readonly redis?: RedisStore;
  /** Told of every refusal, by limit name (the metrics). */
  onLimited: (name: RateLimitName) => void = () => {};

  constructor(config: Config, databaseUrl: string, logger: Logger) {
    const { enabled, redisUrl, keyPrefix, limits } = config.rateLimits;
    if (!enabled) return;
    const t = DATABASE_TIMEOUTS_MS;
    this.pool = new pg.Pool({
      connectionString: databaseUrl,
      max: 5,
      connectionTimeoutMillis: t.connect,
      query_timeout: t.read,
      statement_timeout: t.statement,
      lock_timeout: t.lock,
      application_name: 'gatehouse-rate-limits',
    });
    this.pool.on('error', (error: Error) => logger.warn({ err: error }, 'rate-limit store (PostgreSQL) error'));
    this.redis = redisUrl ? connectRedisStore(redisUrl, logger) : undefined;
    for (const [name, { points, seconds }] of Object.entries(limits) as [RateLimitName, { points: number; seconds: number }][]) {
      const options = { keyPrefix: `${keyPrefix}:${name}`, points, duration: seconds };
      const inPostgres = new RateLimiterPostgres({ ...options, storeClient: this.pool, storeType: 'pool', tableName: 'rate_limits', tableCreated: true, clearExpiredByTimeout: false });
      this.limiters.set(
        name,
        this.redis ? new RateLimiterRedis({ ...options, storeClient: this.redis.client, rejectIfRedisNotReady: true, insuranceLimiter: inPostgres }) : inPostgres,
      );
    }
  }

  /** Redis's state when it is configured; its outage is survivable (limits move to PostgreSQL). */
  health(): LimitStoreHealth {
    return this.redis ? { redis: this.redis.isHealthy() ? 'ok' : 'unavailable' } : {};
  }

  /** Uses one point of `name` for `key`, or throws RATE_LIMITED with the seconds to wait. */
  async consume(name: RateLimitName, key: string): Promise<void> {
    const used = await this.use(name, key);
    if (used && !used.ok) throw limited(used.res);
  }

  /** Throws RATE_LIMITED while `key` has used up `name` (a lock), without using a point. */
  async assertNotExhausted(name: RateLimitName, key: string): Promise<void> {
    const limiter = this.limiters.get(name);
    const state = limiter ? await limiter.get(key) : null;
    if (limiter && state && state.consumedPoints >= limiter.points) throw limited(state);
  }

  /**
   * Counts one event (a failure) after the fact. True when this very event used the last point:
   * the moment a lock begins, which happens once per window (a racing failure past the limit
   * finds it already locked).
   */
  async record(name: RateLimitName, key: string): Promise<boolean> {
    const used = await this.use(name, key);
    return Boolean(used?.ok && used.res.consumedPoints === used.limiter.points);
  }

  /**
   * Takes a point if one is left, else leaves the count as it was: a counting semaphore over the
   * store (a refused attempt's increment is undone, so only holders stay counted; each holder
   * gives its point back with `reward`).
   */
  async tryAcquire(name: RateLimitName, key: string): Promise<boolean> {
    const used = await this.use(name, key);
    if (used && !used.ok) await used.limiter.reward(key, 1);
    return !used || used.ok;
  }

  /** Uses a point if one is left: for work that is skipped, not refused, beyond a limit (mail caps). */
  async allow(name: RateLimitName, key: string): Promise<boolean> {
    const used = await this.use(name, key);
    return !used || used.ok;
  }

  /** One atomic use of a point: whether one was left, and the store's answer; null while limits are off. */
  private async use(name: RateLimitName, key: string): Promise<{ ok: boolean; res: RateLimiterRes; limiter: RateLimiterAbstract } | null> {
    const limiter = this.limiters.get(name);
    if (!limiter) return null;
    try {
      return { ok: true, res: await limiter.consume(key), limiter };
    } catch (rejection) {
      if (!(rejection instanceof RateLimiterRes)) throw rejection;
      this.onLimited(name);
      return { ok: false, res: rejection, limiter };
    }
  }

  /** Gives a point back (a login that succeeded was not a failure after all). */
  async reward(name: RateLimitName, key: string): Promise<void> {
    await this.limiters.get(name)?.reward(key, 1);
  }

  /** Forgets `key` under `name` (an unlocked account starts afresh). */
  async reset(name: RateLimitName, key: string): Promise<void> {
    await this.limiters.get(name)?.delete(key);
  }

  async close(): Promise<void> {
    this.redis?.close();
    await this.pool?.end();
  }
}

function limited(rejection: RateLimiterRes): AuthError {
  const retryAfter = Math.max(1, Math.ceil(rejection.msBeforeNext / 1000));
  return new AuthError(ErrorCode.RATE_LIMITED, { extensions: { retryAfter } });
}

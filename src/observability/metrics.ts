import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

/** What the metrics read at each scrape (gauges of the moment). */
export interface MetricSources {
  pool(): { used: number; free: number; pending: number } | null;
  mailOutbox(): number;
  auditPending(): number;
  webhookOutbox(): number;
}

const SECONDS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/**
 * Prometheus metrics (prom-client), one registry per server (tests run several in a process).
 * Labels are bounded: routes are Fastify's patterns, GraphQL operations their type and root field
 * (names from the schema, never from the client), sign-ins their entry point and outcome.
 */
export class Metrics {
  readonly registry = new Registry();
  readonly httpDuration = new Histogram({ name: 'gatehouse_http_request_duration_seconds', help: 'HTTP requests by route pattern, method and status.', labelNames: ['method', 'route', 'status'], buckets: SECONDS, registers: [this.registry] });
  readonly graphqlDuration = new Histogram({ name: 'gatehouse_graphql_operation_duration_seconds', help: 'GraphQL operations by type and first root field.', labelNames: ['type', 'field', 'outcome'], buckets: SECONDS, registers: [this.registry] });
  readonly signIns = new Counter({ name: 'gatehouse_sign_ins_total', help: 'Sign-in attempts by entry point (LOGIN, REGISTER, PASSKEY_SIGN_IN, …) and outcome.', labelNames: ['method', 'outcome'], registers: [this.registry] });
  readonly rateLimited = new Counter({ name: 'gatehouse_rate_limited_total', help: 'Requests refused by a rate limit, by limit.', labelNames: ['limit'], registers: [this.registry] });
  readonly lockouts = new Counter({ name: 'gatehouse_account_lockouts_total', help: 'Accounts locked after failed passwords.', registers: [this.registry] });
  readonly cacheLookups = new Counter({ name: 'gatehouse_caller_cache_lookups_total', help: 'Caller-cache lookups by cache and result (hit, miss): the hit ratio is hit / (hit + miss).', labelNames: ['cache', 'result'], registers: [this.registry] });

  readonly revocationLag = new Histogram({ name: 'gatehouse_revocation_propagation_seconds', help: 'From the statement that revoked a JWT session to this instance hearing of it (NOTIFY at commit).', buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5], registers: [this.registry] });
  readonly webhookAttempts = new Counter({ name: 'gatehouse_webhook_attempts_total', help: 'Webhook delivery attempts by endpoint and outcome (delivered, failed, dead).', labelNames: ['endpoint', 'outcome'], registers: [this.registry] });

  constructor(sources: MetricSources) {
    collectDefaultMetrics({ register: this.registry, prefix: 'gatehouse_' }); // gatehouse_process_*, gatehouse_nodejs_*
    new Gauge({
      name: 'gatehouse_db_pool_connections',
      help: 'The serving pool’s connections by state.',
      labelNames: ['state'],
      registers: [this.registry],
      collect() {
        const pool = sources.pool();
        if (!pool) return;
        for (const [state, count] of Object.entries(pool)) this.set({ state }, count);
      },
    });
    new Gauge({ name: 'gatehouse_mail_outbox_depth', help: 'Mails waiting to be sent (or retried).', registers: [this.registry], collect() { this.set(sources.mailOutbox()); } });
    new Gauge({ name: 'gatehouse_audit_pending', help: 'Audit entries not yet written to the database.', registers: [this.registry], collect() { this.set(sources.auditPending()); } });
    new Gauge({ name: 'gatehouse_webhook_outbox_depth', help: 'Webhook deliveries pending (waiting, in flight or to be retried), at the relay’s last count.', registers: [this.registry], collect() { this.set(sources.webhookOutbox()); } });
  }

  /** The counter for a cache, for RowCache to call on each lookup. */
  cacheCounter(cache: string): (hit: boolean) => void {
    const hits = this.cacheLookups.labels(cache, 'hit');
    const misses = this.cacheLookups.labels(cache, 'miss');
    return (hit) => (hit ? hits.inc() : misses.inc());
  }
}

import type { EntityManager } from '@mikro-orm/postgresql';
import { Webhook } from 'standardwebhooks';
import type { Clock } from '../../clock';
import type { Config } from '../../config';
import type { DatabaseNotifications } from '../../db/notifications';
import type { Logger } from '../../logger';
import type { WebhookEndpointSpec } from './webhook-config';

/** Announced by the triggers at the commit of every event (migration Migration20261201184618). */
export const WEBHOOK_CHANNEL = 'gatehouse_webhook';

/**
 * Seconds before the 2nd, 3rd, … attempt: Standard Webhooks' schedule (as Svix runs it), about a
 * day and a half in all. After the last one fails the delivery is dead (the admin API lists it).
 */
export const RETRY_SCHEDULE_SECONDS = [5, 5 * 60, 30 * 60, 2 * 3600, 5 * 3600, 10 * 3600, 10 * 3600];
/** Deliveries claimed per round; each is the oldest pending event of its user and endpoint. */
const BATCH = 20;

interface Claimed {
  id: string;
  event_id: string;
  endpoint_id: string;
  payload: Record<string, unknown>;
  attempts: number;
}

export type DeliveryOutcome = 'delivered' | 'failed' | 'dead';

/**
 * Delivers the events the triggers wrote, at least once, in order per user and endpoint. A
 * delivery is claimed by pushing its `next_attempt_at` past the attempt's longest time (a lease),
 * so another instance does not send it at the same time and a crash mid-attempt only delays it.
 * An event waits while an earlier one of the same user and endpoint is pending: a receiver never
 * sees a user's events out of order, whichever instance sends them. Only events whose transaction
 * is older than every running one are taken (`pg_snapshot_xmin`): a change still being committed
 * can never end up before an event already sent.
 *
 * Hand-written: the outbox's claim and its order are ours to guarantee; signing is the
 * standardwebhooks library's, sending is Node's fetch.
 */
export class WebhookRelay {
  private readonly endpoints: Map<string, { spec: WebhookEndpointSpec; signers: Webhook[] }>;
  private running: Promise<void> | null = null;
  private again = false;
  private closed = false;
  private timer: NodeJS.Timeout | undefined;
  private unavailable = false;
  /** Pending deliveries at the last count (the outbox depth metric). */
  depth = 0;
  /** Called after each attempt (the metrics). */
  onAttempt: (endpoint: string, outcome: DeliveryOutcome) => void = () => {};

  constructor(
    private readonly config: Config['webhooks'],
    private readonly clock: Clock,
    private readonly forkEm: () => EntityManager,
    private readonly logger: Logger,
    notifications: DatabaseNotifications,
  ) {
    this.endpoints = new Map(config.endpoints.map((spec) => [spec.id, { spec, signers: [spec.secret, ...(spec.previousSecrets ?? [])].map((secret) => new Webhook(secret)) }]));
    if (this.endpoints.size > 0) notifications.subscribe(WEBHOOK_CHANNEL, () => this.wake());
  }

  /**
   * Writes the configured endpoints where the triggers read them, and starts delivering. An
   * endpoint gone from the configuration stops getting new events; what it had pending stays
   * listed. Every instance must be given the same WEBHOOK_ENDPOINTS.
   */
  async start(): Promise<void> {
    const em = this.forkEm();
    const ids = [...this.endpoints.keys()];
    for (const { spec } of this.endpoints.values()) {
      await em.execute(
        `insert into webhook_endpoints (id, url, events, active) values (?, ?, ?::text[], true)
         on conflict (id) do update set url = excluded.url, events = excluded.events, active = true`,
        [spec.id, spec.url, `{${(spec.events ?? []).join(',')}}`],
      );
    }
    await em.execute(`update webhook_endpoints set active = false where active and id not in (select jsonb_array_elements_text(?::jsonb))`, [JSON.stringify(ids)]);
    if (this.endpoints.size === 0) return;
    // Retries come due without a commit to announce them; a lost notification is caught here too.
    this.timer = setInterval(() => this.wake(), this.config.pollIntervalMs);
    this.timer.unref();
    this.wake();
  }

  /** Delivers what is due now; a wake-up during a round runs another round after it. */
  wake(): void {
    if (this.closed) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = this.deliverDue().finally(() => {
      this.running = null;
      if (this.again) {
        this.again = false;
        this.wake();
      }
    });
  }

  /** Resolves once no round is running (tests, shutdown). */
  async idle(): Promise<void> {
    while (this.running) await this.running;
  }

  async close(): Promise<void> {
    this.closed = true;
    clearInterval(this.timer);
    await this.idle();
  }

  private async deliverDue(): Promise<void> {
    try {
      for (;;) {
        const claimed = await this.claim();
        if (claimed.length === 0) break;
        await Promise.all(claimed.map((delivery) => this.attempt(delivery)));
      }
      const [row] = await this.forkEm().execute<{ depth: string }[]>(`select count(*) as depth from webhook_deliveries where status = 'PENDING'`);
      this.depth = Number(row?.depth ?? 0);
      if (this.unavailable) this.logger.info('webhook deliveries resumed');
      this.unavailable = false;
    } catch (error) {
      // Once per outage, not once per poll: the database being away is logged by every part.
      if (!this.unavailable) this.logger.warn({ err: error }, 'webhook deliveries could not be read now; trying again every poll');
      this.unavailable = true;
    }
  }

  /** The oldest due delivery of each user and endpoint, leased to this instance. */
  private claim(): Promise<Claimed[]> {
    const now = this.clock.now();
    const leaseEnds = new Date(now.getTime() + 2 * this.config.timeoutSeconds * 1000);
    return this.forkEm().execute<Claimed[]>(
      `update webhook_deliveries set next_attempt_at = ? where id in (
         select d.id from webhook_deliveries d
          where d.status = 'PENDING' and d.endpoint_id in (select jsonb_array_elements_text(?::jsonb))
            and (d.next_attempt_at is null or d.next_attempt_at <= ?)
            and d.tx < pg_snapshot_xmin(pg_current_snapshot())
            and not exists (select 1 from webhook_deliveries e
                             where e.status = 'PENDING' and e.endpoint_id = d.endpoint_id and e.user_id = d.user_id and (e.tx, e.id) < (d.tx, d.id))
          order by d.tx, d.id limit ${BATCH} for update skip locked)
       returning id, event_id, endpoint_id, payload, attempts`,
      [leaseEnds, JSON.stringify([...this.endpoints.keys()]), now],
    );
  }

  private async attempt(delivery: Claimed): Promise<void> {
    const { spec, signers } = this.endpoints.get(delivery.endpoint_id)!;
    const body = JSON.stringify(delivery.payload);
    // The receiver checks the timestamp against its own clock (replay protection): wall time.
    const sentAt = new Date();
    let failure: string | null = null;
    try {
      const response = await fetch(spec.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'user-agent': 'Gatehouse-Webhooks/1',
          'webhook-id': delivery.event_id,
          'webhook-timestamp': String(Math.floor(sentAt.getTime() / 1000)),
          // One signature per secret, space-separated: the current one, then any being rotated out.
          'webhook-signature': signers.map((signer) => signer.sign(delivery.event_id, sentAt, body)).join(' '),
        },
        body,
        redirect: 'manual', // a redirect is a misconfigured endpoint, not somewhere to send events
        signal: AbortSignal.timeout(this.config.timeoutSeconds * 1000),
      });
      await response.body?.cancel();
      if (response.status < 200 || response.status > 299) failure = `HTTP ${response.status}`;
    } catch (error) {
      failure = (error as Error).name === 'TimeoutError' ? `no answer within ${this.config.timeoutSeconds} s` : 'could not connect';
    }
    await this.record(delivery, failure);
  }

  private async record(delivery: Claimed, failure: string | null): Promise<void> {
    const now = this.clock.now();
    const attempts = delivery.attempts + 1;
    const em = this.forkEm();
    if (failure === null) {
      await em.execute(`update webhook_deliveries set status = 'DELIVERED', attempts = ?, delivered_at = ?, next_attempt_at = null, last_error = null where id = ?`, [attempts, now, delivery.id]);
      this.onAttempt(delivery.endpoint_id, 'delivered');
      return;
    }
    const wait = RETRY_SCHEDULE_SECONDS[attempts - 1];
    const dead = wait === undefined;
    await em.execute(`update webhook_deliveries set status = ?, attempts = ?, next_attempt_at = ?, last_error = ? where id = ?`, [
      dead ? 'DEAD' : 'PENDING',
      attempts,
      dead ? null : new Date(now.getTime() + wait * 1000),
      failure,
      delivery.id,
    ]);
    this.onAttempt(delivery.endpoint_id, dead ? 'dead' : 'failed');
    const log = { endpoint: delivery.endpoint_id, eventId: delivery.event_id, attempts, failure };
    if (dead) this.logger.error(log, 'webhook delivery failed for good (dead letter); redeliverWebhook sends it again');
    else this.logger.warn(log, 'webhook delivery failed; it will be retried');
  }
}

import type { EntityManager } from '@mikro-orm/postgresql';
import type { Clock } from '../../clock';
import { EmailToken, OAuthFlow, SignInFlow, WebAuthnChallenge, WebhookDelivery, WebhookDeliveryStatus } from '../../db/entities';

/** Rows past their end are kept this long (a day) for diagnosis, then deleted. */
const KEEP_ENDED_MS = 24 * 60 * 60 * 1000;
/** Delivered webhook events are kept a week (the admin API shows them), then deleted; dead letters stay until an operator acts. */
const KEEP_DELIVERED_MS = 7 * 24 * 60 * 60 * 1000;

/**
 * Deletes what can never be used again: passkey challenges, pending sign-ins, OAuth flows and
 * mailed tokens that expired more than a day ago, and webhook events delivered more than a week ago. Every one of them is refused by its expiry
 * anyway; this only keeps the tables small. Run periodically by the server (app.ts).
 */
export class HousekeepingService {
  constructor(private readonly clock: Clock) {}

  async sweep(em: EntityManager): Promise<Record<string, number>> {
    const before = new Date(this.clock.now().getTime() - KEEP_ENDED_MS);
    return {
      webauthnChallenges: await em.nativeDelete(WebAuthnChallenge, { expiresAt: { $lt: before } }),
      signInFlows: await em.nativeDelete(SignInFlow, { expiresAt: { $lt: before } }),
      oauthFlows: await em.nativeDelete(OAuthFlow, { expiresAt: { $lt: before } }),
      emailTokens: await em.nativeDelete(EmailToken, { expiresAt: { $lt: before } }),
      webhookDeliveries: await em.nativeDelete(WebhookDelivery, {
        status: WebhookDeliveryStatus.DELIVERED,
        deliveredAt: { $lt: new Date(this.clock.now().getTime() - KEEP_DELIVERED_MS) },
      }),
    };
  }
}

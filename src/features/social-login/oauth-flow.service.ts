import type { EntityManager } from '@mikro-orm/postgresql';
import { randomUUID } from 'node:crypto';
import type { Clock } from '../../clock';
import { hashToken } from '../../crypto/opaque-token';
import { OAuthFlow } from '../../db/entities';

/** RFC 9700: authorization state is short-lived. */
export const FLOW_LIFETIME_SECONDS = 10 * 60;

export interface NewFlow {
  provider: string;
  state: string;
  nonce: string;
  codeVerifier: string;
  returnTo: string;
}

/** What a flow keeps for its callback. */
export type PendingFlow = Omit<NewFlow, 'state'>;

/** Redirect-flow sign-ins in progress, kept server-side and consumed once. */
export class OAuthFlowService {
  constructor(private readonly clock: Clock) {}

  /** Records a flow that is leaving for the provider; expired flows are swept on the way. */
  async start(em: EntityManager, flow: NewFlow): Promise<void> {
    const now = this.clock.now();
    await em.nativeDelete(OAuthFlow, { expiresAt: { $lt: now } });
    const { state, ...rest } = flow;
    await em.insert(OAuthFlow, {
      id: randomUUID(),
      ...rest,
      stateHash: hashToken(state),
      createdAt: now,
      expiresAt: new Date(now.getTime() + FLOW_LIFETIME_SECONDS * 1000),
    });
  }

  /**
   * The flow of `state` for `provider`, removed in the same statement: of two callbacks with the
   * same state (a copied cookie, a replayed URL) exactly one finds it. Null when there is none,
   * it belongs to another provider or it has expired.
   */
  async consume(em: EntityManager, provider: string, state: string): Promise<PendingFlow | null> {
    // MikroORM's query builder drops RETURNING from a DELETE, so this one statement is spelled out.
    const rows = await em.execute<{ provider: string; code_verifier: string; nonce: string; return_to: string; expires_at: Date }[]>(
      'delete from oauth_flows where state_hash = ? returning provider, code_verifier, nonce, return_to, expires_at',
      [hashToken(state)],
    );
    const row = rows[0];
    if (!row || row.provider !== provider || new Date(row.expires_at) <= this.clock.now()) return null;
    return { provider: row.provider, codeVerifier: row.code_verifier, nonce: row.nonce, returnTo: row.return_to };
  }
}

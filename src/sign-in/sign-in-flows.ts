import { LockMode } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { Clock } from '../clock';
import type { MfaConfig } from '../config';
import { createOpaqueToken, hashToken } from '../crypto/opaque-token';
import { type CredentialKind, SignInFlow, type SignInFlowStep, type User } from '../db/entities';

/** Prefix of flow tokens (a pending sign-in). */
export const FLOW_TOKEN_PREFIX = 'gthf_';
/** Ended flows stay this long, for whoever investigates a sign-in (the audit trail has the rest). */
const KEEP_ENDED_FLOWS_MS = 24 * 60 * 60 * 1000;

export interface StartedFlow {
  token: string;
  expiresAt: Date;
}

/**
 * Pending sign-ins as rows (SEC-54): a flow token of 256 random bits, stored as its SHA-256,
 * bound to the user, the first factor and the credential kind; it lives minutes, is used once,
 * and is void after too many wrong codes.
 */
export class SignInFlows {
  constructor(
    private readonly config: Pick<MfaConfig, 'flowTtlSeconds' | 'flowMaxAttempts'>,
    private readonly clock: Clock,
  ) {}

  /**
   * A new flow for `user`, committed with the caller's transaction. The user's flows that ended
   * a day ago or more are deleted on the way, so the table holds only recent sign-ins.
   */
  async start(em: EntityManager, user: User, step: SignInFlowStep, credentialKind: CredentialKind, amr: string[]): Promise<StartedFlow> {
    const token = createOpaqueToken(FLOW_TOKEN_PREFIX);
    const now = this.clock.now();
    await em.nativeDelete(SignInFlow, { user: user.id, expiresAt: { $lt: new Date(now.getTime() - KEEP_ENDED_FLOWS_MS) } });
    const expiresAt = new Date(now.getTime() + this.config.flowTtlSeconds * 1000);
    em.create(SignInFlow, { tokenHash: hashToken(token), user, step, credentialKind, amr, createdAt: now, expiresAt });
    return { token, expiresAt };
  }

  /**
   * The live flow of `step` a token names, locked for the caller's transaction (so attempts on
   * one flow take turns and each wrong one is counted before the next is checked), or null when
   * the token is unknown, used, expired, of another step, or out of attempts.
   */
  async lock(em: EntityManager, token: string, step: SignInFlowStep): Promise<SignInFlow | null> {
    if (typeof token !== 'string' || !token.startsWith(FLOW_TOKEN_PREFIX) || token.length > 100) return null;
    const flow = await em.findOne(SignInFlow, { tokenHash: hashToken(token) }, { lockMode: LockMode.PESSIMISTIC_WRITE, populate: ['user'] });
    return flow && this.isLive(flow, step) ? flow : null;
  }

  /** Counts a wrong code against the flow; the caller flushes. */
  failed(flow: SignInFlow): void {
    flow.failedAttempts += 1;
  }

  /** Ends the flow: it cannot be used again. The caller flushes. */
  used(flow: SignInFlow): void {
    flow.usedAt = this.clock.now();
  }

  private isLive(flow: SignInFlow, step: SignInFlowStep): boolean {
    return flow.step === step && flow.usedAt === null && flow.expiresAt > this.clock.now() && flow.failedAttempts < this.config.flowMaxAttempts && flow.user.isActive;
  }
}

import type { EntityManager } from '@mikro-orm/postgresql';
import {
  type AuthenticationResponseJSON,
  generateAuthenticationOptions,
  generateRegistrationOptions,
  type RegistrationResponseJSON,
  verifyAuthenticationResponse,
  verifyRegistrationResponse,
} from '@simplewebauthn/server';
import { createHmac } from 'node:crypto';
import type { Clock } from '../../clock';
import type { Config } from '../../config';
import type { AuthenticatedCaller } from '../../context/context';
import { createOpaqueToken, hashToken } from '../../crypto/opaque-token';
import { Passkey, User, WebAuthnCeremony, WebAuthnChallenge } from '../../db/entities';
import { inTransaction } from '../../db/transaction';
import { AuthError, ErrorCode } from '../../errors';
import type { Logger } from '../../logger';
import { removeUnlessLastWayIn } from '../account/ways-in';
import type { AuditService } from '../audit/audit.service';

/** Prefix of passkey sign-in flow tokens. */
export const PASSKEY_FLOW_PREFIX = 'gthp_';
/** A ceremony must finish within this time (the browser's own timeout is shorter). */
const CHALLENGE_LIFETIME_MS = 5 * 60 * 1000;
const MAX_NAME_LENGTH = 60;

export interface PasskeySignInStart {
  flowToken: string;
  options: Record<string, unknown>;
}

/** A verified assertion: whose passkey it was. */
export interface ProvedPasskey {
  user: User;
  passkey: Passkey;
}

/**
 * Passkeys with @simplewebauthn/server: registration for a signed-in user, and assertions for
 * sign-in. Challenges are kept as SHA-256 only, bound to their ceremony and user, used once and
 * within minutes; user verification is required in both ceremonies (SEC-58); the origin and
 * RP id are checked against WEBAUTHN_ORIGINS and WEBAUTHN_RP_ID.
 */
export class PasskeyService {
  constructor(
    private readonly config: Pick<Config, 'webauthn' | 'secretKeys' | 'emailSignIn'>,
    private readonly clock: Clock,
    private readonly logger: Logger,
    private readonly audit: AuditService,
  ) {}

  /** FORBIDDEN unless PASSKEYS_ENABLED. */
  assertEnabled(): void {
    if (!this.config.webauthn.enabled) throw new AuthError(ErrorCode.FORBIDDEN, { message: 'Passkeys are turned off.' });
  }

  /** Creation options for a new passkey of the caller (the resolver checks the sign-in is recent); their passkeys are excluded. */
  async beginRegistration(em: EntityManager, caller: AuthenticatedCaller): Promise<Record<string, unknown>> {
    this.assertEnabled();
    const user = caller.user;
    const existing = await em.find(Passkey, { user: user.id });
    const options = await generateRegistrationOptions({
      rpName: this.config.webauthn.rpName,
      rpID: this.config.webauthn.rpId,
      userName: user.email,
      userID: Buffer.from(user.id.replace(/-/g, ''), 'hex'),
      attestationType: 'none',
      excludeCredentials: existing.map((p) => ({ id: p.credentialId, transports: p.transports })),
      authenticatorSelection: { residentKey: 'preferred', userVerification: 'required' },
    });
    await this.storeChallenge(em, options.challenge, WebAuthnCeremony.REGISTRATION, user, null);
    return options as unknown as Record<string, unknown>;
  }

  /** Verifies a registration response against the caller's live challenge and keeps the passkey. */
  async finishRegistration(em: EntityManager, caller: AuthenticatedCaller, response: Record<string, unknown>, name: string | null | undefined): Promise<Passkey> {
    this.assertEnabled();
    const user = caller.user;
    const challenge = challengeOf(response);
    if (!challenge || !(await this.claimChallenge(em, { challengeHash: hashToken(challenge), ceremony: WebAuthnCeremony.REGISTRATION, user: user.id }))) {
      throw new AuthError(ErrorCode.PASSKEY_FAILED, { message: 'This passkey setup has expired. Please start again.' });
    }
    const verified = await this.guard(() =>
      verifyRegistrationResponse({
        response: response as unknown as RegistrationResponseJSON,
        expectedChallenge: challenge,
        expectedOrigin: [...this.config.webauthn.origins],
        expectedRPID: this.config.webauthn.rpId,
        requireUserVerification: true,
      }),
    );
    if (!verified.verified) throw new AuthError(ErrorCode.PASSKEY_FAILED);
    const info = verified.registrationInfo;
    const passkey = em.create(Passkey, {
      user,
      credentialId: info.credential.id,
      publicKey: Buffer.from(info.credential.publicKey).toString('base64url'),
      counter: String(info.credential.counter),
      transports: info.credential.transports ?? [],
      aaguid: info.aaguid,
      deviceType: info.credentialDeviceType,
      backedUp: info.credentialBackedUp,
      name: cleanName(name) ?? 'Passkey',
      createdAt: this.clock.now(),
    });
    await em.flush();
    return passkey;
  }

  /**
   * Request options for a sign-in and the flow token that finishes it. With an email, the
   * account's passkeys are allowed; an address without any (or without an account) gets one
   * stable made-up credential instead, so the answer does not tell them apart. Without an
   * email: any discoverable passkey of this site (conditional UI, autofill).
   */
  async beginSignIn(em: EntityManager, email: string | null): Promise<PasskeySignInStart> {
    this.assertEnabled();
    // One statement whether or not the address has an account or passkeys, so timing tells no more than the answer.
    const passkeys = email ? await em.find(Passkey, { user: { email, isActive: true } }) : [];
    const user = passkeys[0]?.user ?? null;
    const allowCredentials = email
      ? passkeys.length > 0
        ? passkeys.map((p) => ({ id: p.credentialId, transports: p.transports as AuthenticatorTransportFuture[] }))
        : [{ id: this.madeUpCredentialId(email), transports: ['internal', 'hybrid'] as AuthenticatorTransportFuture[] }]
      : [];
    const options = await generateAuthenticationOptions({ rpID: this.config.webauthn.rpId, allowCredentials, userVerification: 'required' });
    const flowToken = createOpaqueToken(PASSKEY_FLOW_PREFIX);
    await this.storeChallenge(em, options.challenge, WebAuthnCeremony.SIGN_IN, user, hashToken(flowToken));
    return { flowToken, options: options as unknown as Record<string, unknown> };
  }

  /**
   * Verifies an assertion for a sign-in flow. The challenge is used up first, in its own
   * statement, whatever follows; the passkey must be one we know, of the flow's user if it named
   * one (see `checkAssertion`).
   */
  async verifySignIn(em: EntityManager, flowToken: string, response: Record<string, unknown>): Promise<ProvedPasskey> {
    this.assertEnabled();
    if (typeof flowToken !== 'string' || !flowToken.startsWith(PASSKEY_FLOW_PREFIX)) throw new AuthError(ErrorCode.INVALID_TOKEN, { field: 'flowToken' });
    const row = await em.findOne(WebAuthnChallenge, { tokenHash: hashToken(flowToken), ceremony: WebAuthnCeremony.SIGN_IN });
    if (!row || !(await this.claimChallenge(em, { id: row.id }))) throw new AuthError(ErrorCode.INVALID_TOKEN, { field: 'flowToken', message: 'This sign-in has expired or is finished. Sign in again.' });
    const passkey = await this.checkAssertion(em, row, response);
    if (!passkey) throw new AuthError(ErrorCode.PASSKEY_FAILED);
    return { user: passkey.user, passkey };
  }

  /** How many passkeys the user has (a second-factor method when they have any). */
  count(em: EntityManager, userId: string): Promise<number> {
    return em.count(Passkey, { user: userId });
  }

  /**
   * Request options for a passkey of `user` as a second factor or a step-up, its challenge bound
   * to the user and, for a second step, to the flow (`flowTokenHash`).
   */
  async assertionOptions(em: EntityManager, user: User, flowTokenHash: string | null): Promise<Record<string, unknown>> {
    const passkeys = await em.find(Passkey, { user: user.id });
    const options = await generateAuthenticationOptions({
      rpID: this.config.webauthn.rpId,
      allowCredentials: passkeys.map((p) => ({ id: p.credentialId, transports: p.transports as AuthenticatorTransportFuture[] })),
      userVerification: 'required',
    });
    await this.storeChallenge(em, options.challenge, WebAuthnCeremony.SIGN_IN, user, flowTokenHash);
    return options as unknown as Record<string, unknown>;
  }

  /**
   * Whether `response` is a valid assertion by a passkey of `user` for a challenge issued to them
   * (for `flowTokenHash`'s flow, or for a step-up when null); the challenge is used up either way.
   */
  async verifyFor(em: EntityManager, user: User, response: Record<string, unknown>, flowTokenHash: string | null): Promise<boolean> {
    if (!this.config.webauthn.enabled) return false;
    const challenge = challengeOf(response);
    if (!challenge) return false;
    const row = await em.findOne(WebAuthnChallenge, { challengeHash: hashToken(challenge), ceremony: WebAuthnCeremony.SIGN_IN, user: user.id, tokenHash: flowTokenHash });
    if (!row || !(await this.claimChallenge(em, { id: row.id }))) return false;
    try {
      const passkey = await this.checkAssertion(em, row, response);
      if (passkey) await em.flush();
      return passkey !== null;
    } catch (error) {
      if (error instanceof AuthError) return false;
      throw error;
    }
  }

  /**
   * The passkey a response is from, verified against a claimed challenge: ours, of the
   * challenge's user if it named one, signed with user verification, with a counter that moved
   * forward (a counter going back on a passkey that is not synced suggests a cloned
   * authenticator: refused, and logged). Null when it is not one of ours or not theirs; its
   * counter and last use are updated for the caller to flush.
   */
  private async checkAssertion(em: EntityManager, row: WebAuthnChallenge, response: Record<string, unknown>): Promise<Passkey | null> {
    const challenge = challengeOf(response);
    if (!challenge || hashToken(challenge) !== row.challengeHash) return null;
    const credentialId = typeof response.id === 'string' ? response.id : '';
    const passkey = await em.findOne(Passkey, { credentialId }, { populate: ['user'] });
    if (!passkey || (row.user && row.user.id !== passkey.user.id) || !passkey.user.isActive) return null;
    const verified = await this.guard(
      () =>
        verifyAuthenticationResponse({
          response: response as unknown as AuthenticationResponseJSON,
          expectedChallenge: challenge,
          expectedOrigin: [...this.config.webauthn.origins],
          expectedRPID: this.config.webauthn.rpId,
          credential: { id: passkey.credentialId, publicKey: Buffer.from(passkey.publicKey, 'base64url'), counter: Number(passkey.counter), transports: passkey.transports as AuthenticatorTransportFuture[] },
          requireUserVerification: true,
        }),
      passkey,
    );
    if (!verified.verified) return null;
    const info = verified.authenticationInfo;
    passkey.counter = String(info.newCounter);
    passkey.backedUp = info.credentialBackedUp;
    passkey.lastUsedAt = this.clock.now();
    return passkey;
  }

  /** The user's passkeys, newest first. */
  list(em: EntityManager, userId: string): Promise<Passkey[]> {
    return em.find(Passkey, { user: userId }, { orderBy: { createdAt: 'desc' } });
  }

  /** Renames one of the user's passkeys; NOT_FOUND for an id that is not theirs. */
  async rename(em: EntityManager, userId: string, id: string, name: string): Promise<Passkey> {
    const passkey = await this.own(em, userId, id);
    passkey.name = cleanName(name) ?? passkey.name;
    await em.flush();
    return passkey;
  }

  /** Deletes one of the user's passkeys, unless it is their last way to sign in. */
  async remove(em: EntityManager, caller: AuthenticatedCaller, id: string): Promise<void> {
    const userId = caller.userView.id;
    if (!/^[0-9a-f-]{36}$/i.test(id)) throw new AuthError(ErrorCode.NOT_FOUND);
    await inTransaction(em, (tx) =>
      removeUnlessLastWayIn(tx, userId, this.config.emailSignIn.enabled, async () => {
        if ((await tx.nativeDelete(Passkey, { id, user: userId })) === 0) throw new AuthError(ErrorCode.NOT_FOUND);
      }),
    );
  }

  private async own(em: EntityManager, userId: string, id: string): Promise<Passkey> {
    const passkey = /^[0-9a-f-]{36}$/i.test(id) ? await em.findOne(Passkey, { id, user: userId }) : null;
    if (!passkey) throw new AuthError(ErrorCode.NOT_FOUND);
    return passkey;
  }

  private async storeChallenge(em: EntityManager, challenge: string, ceremony: WebAuthnCeremony, user: User | null, tokenHash: string | null): Promise<void> {
    const now = this.clock.now();
    em.create(WebAuthnChallenge, { challengeHash: hashToken(challenge), ceremony, user, tokenHash, createdAt: now, expiresAt: new Date(now.getTime() + CHALLENGE_LIFETIME_MS) });
    await em.flush();
  }

  /** Uses a live challenge up: one conditional UPDATE, so a challenge works once (SEC-58). */
  private async claimChallenge(em: EntityManager, where: Record<string, unknown>): Promise<boolean> {
    const now = this.clock.now();
    return (await em.nativeUpdate(WebAuthnChallenge, { ...where, usedAt: null, expiresAt: { $gt: now } }, { usedAt: now })) === 1;
  }

  /** The library's verdicts as our code: a refused response is PASSKEY_FAILED, its reason logged only. */
  private async guard<T>(verify: () => Promise<T>, passkey?: Passkey): Promise<T> {
    try {
      return await verify();
    } catch (error) {
      const counter = /counter/i.test((error as Error).message);
      if (counter && passkey) {
        this.logger.warn({ passkeyId: passkey.id, userId: passkey.user.id, backedUp: passkey.backedUp }, 'passkey counter went back: a possibly cloned authenticator');
        // On the user's own trail (and their securityEvents), not only in our log.
        this.audit.record({ type: 'PASSKEY_POSSIBLY_CLONED', success: false, userId: passkey.user.id, detail: passkey.id });
      }
      throw new AuthError(ErrorCode.PASSKEY_FAILED, { cause: error });
    }
  }

  private madeUpCredentialId(email: string): string {
    return createHmac('sha256', this.config.secretKeys[0]!).update(`gatehouse-passkey:${email}`).digest('base64url');
  }
}

type AuthenticatorTransportFuture = 'ble' | 'cable' | 'hybrid' | 'internal' | 'nfc' | 'smart-card' | 'usb';

/** The challenge a response's client data names, or null. */
function challengeOf(response: Record<string, unknown>): string | null {
  const inner = response.response as { clientDataJSON?: unknown } | undefined;
  if (typeof inner?.clientDataJSON !== 'string' || inner.clientDataJSON.length > 10_000) return null;
  try {
    const data = JSON.parse(Buffer.from(inner.clientDataJSON, 'base64url').toString('utf8')) as { challenge?: unknown };
    return typeof data.challenge === 'string' ? data.challenge : null;
  } catch {
    return null;
  }
}

function cleanName(name: string | null | undefined): string | null {
  const trimmed = name?.trim().replace(/[\p{Cc}\p{Cf}]/gu, '');
  return trimmed ? trimmed.slice(0, MAX_NAME_LENGTH) : null;
}

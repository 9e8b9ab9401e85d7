import type { EntityManager } from '@mikro-orm/postgresql';
import { type SecondFactor, SecondFactorKind, type User } from '../../db/entities';
import { afterCommit } from '../../db/transaction';
import { AuthError, ErrorCode } from '../../errors';
import { type Mailer, recipient } from '../../mail/mailer';
import type { PasskeyService } from '../passkeys/passkeys.service';
import type { RateLimitService } from '../rate-limits/rate-limit.service';
import type { RecoveryCodeService } from './recovery-codes.service';
import type { TotpService } from './totp.service';

/** A second factor as a client sends it: exactly one of them. */
export interface SecondFactorProof {
  totpCode?: string | null;
  recoveryCode?: string | null;
  /** What navigator.credentials.get() returned for the step's `passkeyOptions`. */
  webauthnResponse?: Record<string, unknown> | null;
}

/** The RFC 8176 `amr` value each proof adds. */
export type SecondFactorMethod = 'otp' | 'recovery_code' | 'webauthn';

/** When a user has this few recovery codes left, the mail says to make new ones. */
const FEW_RECOVERY_CODES = 3;

/** What a user can prove as a second factor, and the one check every second step uses. */
export class SecondFactorService {
  constructor(
    private readonly totp: TotpService,
    private readonly recoveryCodes: RecoveryCodeService,
    private readonly passkeys: PasskeyService,
    private readonly limits: RateLimitService,
    private readonly mailer: Mailer,
  ) {}

  /** The second factors that are on, for `me { secondFactors }`. */
  async enabled(em: EntityManager, userId: string): Promise<SecondFactor[]> {
    const totp = await this.totp.enabledFactor(em, userId);
    return totp ? [totp] : [];
  }

  /** Whether the user has a second factor (and so every sign-in has a second step). */
  hasSecondFactor(em: EntityManager, userId: string): Promise<boolean> {
    return this.totp.isEnabled(em, userId);
  }

  /**
   * The ways the user can finish a second step now; empty without a second factor. Passkeys are
   * one of the ways once two-factor authentication is on, not a way to turn it on: that takes an
   * authenticator app, which brings the recovery codes a lost passkey would otherwise leave none of.
   */
  async methods(em: EntityManager, userId: string): Promise<SecondFactorKind[]> {
    if (!(await this.totp.isEnabled(em, userId))) return [];
    const methods = [SecondFactorKind.TOTP];
    if ((await this.recoveryCodes.left(em, userId)) > 0) methods.push(SecondFactorKind.RECOVERY_CODE);
    if ((await this.passkeys.count(em, userId)) > 0) methods.push(SecondFactorKind.WEBAUTHN);
    return methods;
  }

  /** Request options for the user's passkeys, for a second step (`flowTokenHash`) or a step-up (null). */
  passkeyOptions(em: EntityManager, user: User, flowTokenHash: string | null): Promise<Record<string, unknown>> {
    return this.passkeys.assertionOptions(em, user, flowTokenHash);
  }

  /**
   * Checks a second factor of `user`; returns the method it proved, or null for a wrong code.
   * Wrong codes count per account across every flow and step-up (10 per 15 minutes by default),
   * so guessing a 6-digit code stays hopeless. A used recovery code is mailed about after commit.
   */
  async prove(em: EntityManager, user: User, proof: SecondFactorProof, locale: string, flowTokenHash: string | null = null): Promise<SecondFactorMethod | null> {
    const { kind, code } = parseProof(proof);
    await this.limits.assertNotExhausted('second_factor_failed_account', user.id);
    let method: SecondFactorMethod | null = null;
    if (kind === 'webauthn') {
      if (await this.passkeys.verifyFor(em, user, proof.webauthnResponse!, flowTokenHash)) method = 'webauthn';
    } else if (kind === 'totp') {
      if (await this.totp.verify(em, user.id, code)) method = 'otp';
    } else if (await this.totp.isEnabled(em, user.id)) {
      const left = await this.recoveryCodes.use(em, user.id, code);
      if (left !== null) {
        method = 'recovery_code';
        afterCommit(em, () => this.mailer.recoveryCodeUsed(recipient(user, locale), left, left < FEW_RECOVERY_CODES));
      }
    }
    if (!method) await this.limits.record('second_factor_failed_account', user.id);
    return method;
  }
}

/** Exactly one of a TOTP code, a recovery code and a passkey response, or BAD_USER_INPUT. */
export function parseProof(proof: SecondFactorProof): { kind: 'totp' | 'recovery' | 'webauthn'; code: string } {
  const totp = proof.totpCode?.trim();
  const recovery = proof.recoveryCode?.trim();
  const given = [totp, recovery, proof.webauthnResponse].filter(Boolean).length;
  if (given !== 1) {
    throw new AuthError(ErrorCode.BAD_USER_INPUT, { field: 'totpCode', message: 'Send one of: a code from your authenticator app, a recovery code, a passkey response.' });
  }
  if (proof.webauthnResponse) return { kind: 'webauthn', code: '' };
  if (totp && totp.length > 16) throw new AuthError(ErrorCode.BAD_USER_INPUT, { field: 'totpCode', message: 'The code is 6 digits.' });
  if (recovery && recovery.length > 64) throw new AuthError(ErrorCode.BAD_USER_INPUT, { field: 'recoveryCode', message: 'This is not a recovery code.' });
  return totp ? { kind: 'totp', code: totp.replace(/\s/g, '') } : { kind: 'recovery', code: recovery! };
}

/** Whether an `amr` list includes a second factor: the session is then aal2. */
export function isSecondFactorAmr(amr: readonly string[]): boolean {
  return amr.includes('otp') || amr.includes('recovery_code') || amr.includes('webauthn') || amr.includes('mfa');
}

import type { EntityManager } from '@mikro-orm/postgresql';
import { SecondFactorKind, type User } from '../../db/entities';
import { afterCommit } from '../../db/transaction';
import { AuthError, ErrorCode } from '../../errors';
import type { Mailer } from '../../mail/mailer';
import type { RateLimitService } from '../rate-limits/rate-limit.service';
import type { RecoveryCodeService } from './recovery-codes.service';
import type { TotpService } from './totp.service';

/** A second factor as a client sends it: exactly one of the two. */
export interface SecondFactorProof {
  totpCode?: string | null;
  recoveryCode?: string | null;
}

/** The RFC 8176 `amr` value each proof adds. */
export type SecondFactorMethod = 'otp' | 'recovery_code';

/** When a user has this few recovery codes left, the mail says to make new ones. */
const FEW_RECOVERY_CODES = 3;

/** What a user can prove as a second factor, and the one check every second step uses. */
export class SecondFactorService {
  constructor(
    private readonly totp: TotpService,
    private readonly recoveryCodes: RecoveryCodeService,
    private readonly limits: RateLimitService,
    private readonly mailer: Mailer,
  ) {}

  /** Whether the user has a second factor (and so every sign-in has a second step). */
  hasSecondFactor(em: EntityManager, userId: string): Promise<boolean> {
    return this.totp.isEnabled(em, userId);
  }

  /** The ways the user can finish a second step now; empty without a second factor. */
  async methods(em: EntityManager, userId: string): Promise<SecondFactorKind[]> {
    if (!(await this.totp.isEnabled(em, userId))) return [];
    const left = await this.recoveryCodes.left(em, userId);
    return left > 0 ? [SecondFactorKind.TOTP, SecondFactorKind.RECOVERY_CODE] : [SecondFactorKind.TOTP];
  }

  /**
   * Checks a second factor of `user`; returns the method it proved, or null for a wrong code.
   * Wrong codes count per account across every flow and step-up (10 per 15 minutes by default),
   * so guessing a 6-digit code stays hopeless. A used recovery code is mailed about after commit.
   */
  async prove(em: EntityManager, user: User, proof: SecondFactorProof, locale: string): Promise<SecondFactorMethod | null> {
    const { kind, code } = parseProof(proof);
    await this.limits.assertNotExhausted('second_factor_failed_account', user.id);
    let method: SecondFactorMethod | null = null;
    if (kind === 'totp') {
      if (await this.totp.verify(em, user.id, code)) method = 'otp';
    } else if (await this.totp.isEnabled(em, user.id)) {
      const left = await this.recoveryCodes.use(em, user.id, code);
      if (left !== null) {
        method = 'recovery_code';
        afterCommit(em, () => this.mailer.recoveryCodeUsed({ email: user.email, locale }, left, left < FEW_RECOVERY_CODES));
      }
    }
    if (!method) await this.limits.record('second_factor_failed_account', user.id);
    return method;
  }
}

/** Exactly one of a TOTP code and a recovery code, or BAD_USER_INPUT. */
export function parseProof(proof: SecondFactorProof): { kind: 'totp' | 'recovery'; code: string } {
  const totp = proof.totpCode?.trim();
  const recovery = proof.recoveryCode?.trim();
  if (Boolean(totp) === Boolean(recovery)) {
    throw new AuthError(ErrorCode.BAD_USER_INPUT, { field: 'totpCode', message: 'Send either a code from your authenticator app or a recovery code.' });
  }
  if (totp && totp.length > 16) throw new AuthError(ErrorCode.BAD_USER_INPUT, { field: 'totpCode', message: 'The code is 6 digits.' });
  if (recovery && recovery.length > 64) throw new AuthError(ErrorCode.BAD_USER_INPUT, { field: 'recoveryCode', message: 'This is not a recovery code.' });
  return totp ? { kind: 'totp', code: totp.replace(/\s/g, '') } : { kind: 'recovery', code: recovery! };
}

/** Whether an `amr` list includes a second factor: the session is then aal2. */
export function isSecondFactorAmr(amr: readonly string[]): boolean {
  return amr.includes('otp') || amr.includes('recovery_code') || amr.includes('webauthn') || amr.includes('mfa');
}

import type { EntityManager } from '@mikro-orm/postgresql';
import QRCode from 'qrcode';
import type { AuthenticatedCaller } from '../../context/context';
import type { User } from '../../db/entities';
import { afterCommit, inTransaction } from '../../db/transaction';
import { AuthError, ErrorCode } from '../../errors';
import { type Mailer, recipient } from '../../mail/mailer';
import type { ReauthenticationService } from '../reauthentication/reauthentication.service';
import type { SecurityStateService } from '../security-state/security-state.service';
import type { RecoveryCodeService } from './recovery-codes.service';
import type { SecondFactorService } from './second-factors.service';
import type { TotpService } from './totp.service';
import type { TotpEnrollment } from './mfa.types';

const WRONG_ENROLMENT_CODE = 'The code is not correct. Check that the app shows this account and that the phone’s clock is right.';

/** Turning two-factor authentication on and off, and recovery codes: each a security state change. */
export class MfaService {
  constructor(
    private readonly policy: 'optional' | 'required',
    private readonly totp: TotpService,
    private readonly recoveryCodes: RecoveryCodeService,
    private readonly secondFactors: SecondFactorService,
    private readonly reauthentication: ReauthenticationService,
    private readonly securityState: SecurityStateService,
    private readonly mailer: Mailer,
  ) {}

  /** `beginTotpEnrollment` of a signed-in user: needs a recent sign-in (SEC-33). */
  async beginTotp(em: EntityManager, caller: AuthenticatedCaller): Promise<TotpEnrollment> {
    await this.reauthentication.requireRecent(em, caller);
    return this.beginTotpFor(em, caller.user);
  }

  /** A new seed for `user` with its QR code; BAD_USER_INPUT when an authenticator is already on. */
  async beginTotpFor(em: EntityManager, user: User): Promise<TotpEnrollment> {
    const enrolment = await this.totp.begin(em, user);
    if (!enrolment) throw new AuthError(ErrorCode.BAD_USER_INPUT, { message: 'Two-factor authentication is already on. Turn it off first to set up another app.' });
    const qrCodeSvg = await QRCode.toString(enrolment.uri, { type: 'svg', errorCorrectionLevel: 'M', margin: 2 });
    return { secret: enrolment.secret, otpauthUri: enrolment.uri, qrCodeSvg };
  }

  /** `confirmTotpEnrollment` of a signed-in user: the factor is on and this session is aal2. */
  confirmTotp(em: EntityManager, caller: AuthenticatedCaller, code: string, locale: string): Promise<string[]> {
    return inTransaction(em, async (tx) => {
      const codes = await this.enable(tx, caller.user, code, caller.sessionId, locale);
      if (!codes) throw new AuthError(ErrorCode.INVALID_CREDENTIALS, { field: 'code', message: WRONG_ENROLMENT_CODE });
      if (caller.sessionId) await this.reauthentication.recordSecondFactor(tx, caller.sessionId, 'otp');
      return codes;
    });
  }

  /**
   * Confirms the user's pending authenticator with a code, in the caller's transaction: the
   * factor, its first recovery codes, what a security change ends (other sessions, trusted
   * devices, mailed tokens) and a mail after commit. Null for a wrong code.
   */
  async enable(tx: EntityManager, user: User, code: string, keepSessionId: string | null, locale: string): Promise<string[] | null> {
    if (!(await this.totp.confirm(tx, user.id, code.trim()))) return null;
    const codes = await this.recoveryCodes.replace(tx, user);
    await tx.flush();
    await this.securityState.changed(tx, user.id, 'SECOND_FACTOR_ENABLED', keepSessionId);
    afterCommit(tx, () => this.mailer.secondFactorEnabled(recipient(user, locale)));
    return codes;
  }

  /** `disableTotp(code)`: a current code (or a recovery code) turns it off, with its recovery codes. */
  async disableTotp(em: EntityManager, caller: AuthenticatedCaller, code: string, locale: string): Promise<void> {
    const { user } = caller;
    if (mustHaveSecondFactor(this.policy, user)) throw new AuthError(ErrorCode.FORBIDDEN, { message: 'Two-factor authentication is required here and cannot be turned off.' });
    const proof = /^\d{6}$/.test(code.trim()) ? { totpCode: code } : { recoveryCode: code };
    await inTransaction(em, async (tx) => {
      if (!(await this.secondFactors.hasSecondFactor(tx, user.id))) throw new AuthError(ErrorCode.BAD_USER_INPUT, { message: 'Two-factor authentication is not on.' });
      if (!(await this.secondFactors.prove(tx, user, proof, locale))) throw new AuthError(ErrorCode.INVALID_CREDENTIALS, { field: 'code', message: 'The code is not correct.' });
      await this.totp.remove(tx, user.id);
      await this.recoveryCodes.removeAll(tx, user.id);
      await this.securityState.changed(tx, user.id, 'SECOND_FACTOR_DISABLED', caller.sessionId);
      afterCommit(tx, () => this.mailer.secondFactorDisabled(recipient(user, locale)));
    });
  }

  /**
   * An administrator's reset (a user who lost their authenticator): TOTP and recovery codes go,
   * every session ends and trusted devices are forgotten, in the caller's transaction; the user
   * is told. Passkeys stay: they are ways to sign in, which the user manages.
   */
  async resetFactors(tx: EntityManager, user: User, locale: string): Promise<void> {
    await this.totp.remove(tx, user.id);
    await this.recoveryCodes.removeAll(tx, user.id);
    await this.securityState.changed(tx, user.id, 'SECOND_FACTOR_DISABLED', null);
    afterCommit(tx, () => this.mailer.secondFactorDisabled(recipient(user, locale)));
  }

  /** `regenerateRecoveryCodes`: needs a second factor proved within the window; the old set is void. */
  async regenerateRecoveryCodes(em: EntityManager, caller: AuthenticatedCaller): Promise<string[]> {
    if (!(await this.secondFactors.hasSecondFactor(em, caller.userView.id))) {
      throw new AuthError(ErrorCode.BAD_USER_INPUT, { message: 'Turn on two-factor authentication first.' });
    }
    await this.reauthentication.requireRecent(em, caller);
    return inTransaction(em, async (tx) => {
      const codes = await this.recoveryCodes.replace(tx, caller.user);
      await tx.flush();
      return codes;
    });
  }
}

/** Whether `user` must have a second factor before signing in: MFA=required, or their own requirement. */
export function mustHaveSecondFactor(policy: 'optional' | 'required', user: Pick<User, 'mfaRequired'>): boolean {
  return policy === 'required' || user.mfaRequired;
}

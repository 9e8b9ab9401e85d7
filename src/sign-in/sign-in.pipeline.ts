import { UniqueConstraintViolationException } from '@mikro-orm/core';
import type { Config } from '../config';
import { CredentialKind, type User } from '../db/entities';
import { afterCommit, inTransaction } from '../db/transaction';
import { AuthError } from '../errors';
import { canonicalEmail } from '../features/account/email';
import type { AuditService } from '../features/audit/audit.service';
import type { DeviceTokens } from '../features/lockout/device-token';
import type { EmailVerificationService } from '../features/email-verification/email-verification.service';
import type { RateLimitService } from '../features/rate-limits/rate-limit.service';
import type { CheckedAccount, NewAccount, RegistrationService } from '../features/registration/registration.service';
import type { LoginService, PasswordCredentials } from '../features/sessions/login.service';
import type { RefreshTokenService } from '../features/sessions/refresh-token.service';
import type { SessionService } from '../features/sessions/session.service';
import type { ProviderIdentity, SocialProvider } from '../features/social-login/providers';
import type { SocialAccountService } from '../features/social-login/social-accounts.service';
import { AuthSuccess, type PendingStep, pendingStep, PendingStepKind } from '../graphql/auth-result';
import type { BackgroundTasks } from '../background';
import type { SignInRequest } from './sign-in-request';

export type SignInResult = AuthSuccess | PendingStep;

export interface SignInPipelineDeps {
  config: Pick<Config, 'accountEmails'>;
  login: LoginService;
  registration: RegistrationService;
  socialAccounts: SocialAccountService;
  sessions: SessionService;
  refreshTokens: RefreshTokenService;
  emailVerification: EmailVerificationService;
  rateLimits: RateLimitService;
  audit: AuditService;
  devices: DeviceTokens;
  /** Work run after the answer, on an EntityManager of its own. */
  background: BackgroundTasks;
}

/**
 * The one way in. Every entry point (login, register, socialLogin, the browser redirect flow,
 * Authorization: Basic) proves a first factor here and then passes the same gates: rate limits
 * and lockout where the factor is checked, the verification gate (EMAIL_VERIFICATION=mandatory),
 * the audit trail, and a brand-new session whose creation commits with everything the sign-in
 * changed. No resolver or route applies policy of its own, so none can skip a gate (SEC-55).
 */
export class SignInPipeline {
  constructor(private readonly deps: SignInPipelineDeps) {}

  /** Email and password (`login`). */
  password(req: SignInRequest, credentials: PasswordCredentials, kind: CredentialKind): Promise<SignInResult> {
    return this.audited('LOGIN', req, kind, credentials.email, async () => {
      const user = await this.deps.login.authenticate(req.em, credentials, req.clientKey, req.deviceToken);
      return inTransaction(req.em, (tx) => this.finish({ ...req, em: tx }, user, kind));
    });
  }

  /**
   * A new account (`register`). With mandatory verification nobody is signed in, so the answer
   * is PendingStep VERIFY_EMAIL for a new address and a taken one alike, given after the same
   * work (validation, screening, hashing); the account lookup, the new user and its link, or the
   * notice to the owner of a taken address, follow after the answer, so neither the answer nor its
   * timing tells them apart (SEC-16). Otherwise the user, their link and their session commit in
   * one transaction.
   */
  register(req: SignInRequest, input: NewAccount, kind: CredentialKind): Promise<SignInResult> {
    return this.audited('REGISTER', req, kind, input.email, async () => {
      await this.deps.rateLimits.consume('register_ip', req.clientKey);
      const account = await this.deps.registration.check(input);
      if (this.mandatoryVerification) {
        this.deps.background.run((em) => this.createAccount({ ...req, em }, account, null).then(() => {}));
        return pendingStep(PendingStepKind.VERIFY_EMAIL);
      }
      return (await this.createAccount(req, account, kind)) ?? pendingStep(PendingStepKind.VERIFY_EMAIL);
    });
  }

  /** A provider identity (`socialLogin` and the redirect flow): rate-limited per address like every entry point. */
  social(req: SignInRequest, provider: SocialProvider, identity: () => Promise<ProviderIdentity>, kind: CredentialKind): Promise<SignInResult> {
    return this.audited('SOCIAL_LOGIN', req, kind, null, async () => {
      await this.deps.rateLimits.consume('social_login_ip', req.clientKey);
      const proved = await identity();
      return inTransaction(req.em, async (tx) => {
        const user = await this.deps.socialAccounts.signInWith(tx, provider, proved);
        return this.finish({ ...req, em: tx }, user, kind);
      });
    }, provider.id);
  }

  /**
   * `Authorization: Basic`, on every request: the checks of `login`, and the same gates; it
   * cannot answer with a pending step, so a user who must verify their address first is refused.
   * Returns the user, or null for a refused credential. Only failures are audited: a success is
   * the use of a credential, not a sign-in.
   */
  async basic(req: SignInRequest, credentials: PasswordCredentials): Promise<User | null> {
    try {
      const user = await this.deps.login.authenticate(req.em, credentials, req.clientKey, req.deviceToken);
      if (this.mustVerify(user)) throw new AuthError('UNAUTHENTICATED', { cause: new Error('email not verified') });
      return user;
    } catch (error) {
      if (!(error instanceof AuthError)) throw error;
      this.record('BASIC_AUTH', req, { success: false, email: credentials.email, kind: null, detail: error.code });
      if (error.code === 'RATE_LIMITED') throw error;
      return null;
    }
  }

  private get mandatoryVerification(): boolean {
    return this.deps.config.accountEmails.verification === 'mandatory';
  }

  private mustVerify(user: User): boolean {
    return this.mandatoryVerification && !user.emailVerifiedAt;
  }

  /** After a first factor: the verification gate, then a session. */
  private async finish(req: SignInRequest, user: User, kind: CredentialKind): Promise<SignInResult> {
    if (this.mustVerify(user)) {
      await req.em.flush(); // keep what the proof changed (a rehashed password, a linked identity)
      await this.deps.emailVerification.send(req.em, user, req.locale);
      return pendingStep(PendingStepKind.VERIFY_EMAIL);
    }
    return this.signIn(req, user, kind);
  }

  /**
   * A brand-new session (never one the client brought, so a planted id is useless: no fixation,
   * SEC-28), the session the request arrived with ended, and the credential the client asked
   * for, each secret returned exactly once. The caller's transaction commits it all. The client
   * also gets a device token for this user (a cookie; apps also get it in the answer), so that
   * later failures of strangers cannot lock it out (SEC-61).
   */
  private async signIn(req: SignInRequest, user: User, kind: CredentialKind): Promise<AuthSuccess> {
    const { em, caller } = req;
    if (caller.kind === 'user' && caller.sessionId) await this.deps.sessions.revokeSession(em, caller.sessionId, 'replaced_by_sign_in');
    const { session, token } = this.deps.sessions.createSession(em, user, kind, req.origin);
    user.lastLoginAt = session.createdAt;
    const result = Object.assign(new AuthSuccess(), { user, session });
    if (kind === CredentialKind.JWT) {
      const issued = this.deps.refreshTokens.issue(em, session);
      Object.assign(result, { accessToken: issued.access.token, accessTokenExpiresAt: issued.access.expiresAt, refreshToken: issued.refreshToken });
    }
    await em.flush();
    if (kind === CredentialKind.SESSION_TOKEN) result.sessionToken = token!;
    const device = this.deps.devices.issue(user.id);
    if (kind !== CredentialKind.COOKIE) result.deviceToken = device;
    // Cookies name the session, so they are handed out once it is committed.
    afterCommit(em, () => {
      if (kind === CredentialKind.COOKIE) req.setSessionCookie(token!, session.expiresAt);
      req.setDeviceCookie(device);
    });
    return result;
  }

  /**
   * The new user, their verification link and (given a `kind`) their session, in one transaction.
   * A lost race for the address (the unique index) gets the usual answer for a taken one.
   */
  private async createAccount(req: SignInRequest, account: CheckedAccount, kind: CredentialKind | null): Promise<AuthSuccess | null> {
    try {
      return await inTransaction(req.em, async (tx) => {
        const user = await this.deps.registration.create(tx, account, req.locale);
        return user && kind ? this.signIn({ ...req, em: tx }, user, kind) : null;
      });
    } catch (error) {
      if (!(error instanceof UniqueConstraintViolationException)) throw error;
      return this.deps.registration.taken(req.em, account.email, req.locale, error);
    }
  }

  /** One audit entry per sign-in attempt, whatever its outcome. */
  private async audited(type: string, req: SignInRequest, kind: CredentialKind, email: string | null, run: () => Promise<SignInResult>, provider?: string): Promise<SignInResult> {
    try {
      const result = await run();
      this.record(type, req, { success: true, userId: result instanceof AuthSuccess ? result.user.id : null, email, kind, detail: provider ?? null });
      return result;
    } catch (error) {
      this.record(type, req, { success: false, email, kind, detail: error instanceof AuthError ? error.code : 'INTERNAL_SERVER_ERROR' });
      throw error;
    }
  }

  private record(type: string, req: SignInRequest, entry: { success: boolean; userId?: string | null; email: string | null; kind: CredentialKind | null; detail: string | null }): void {
    const callerId = req.caller.kind === 'user' ? req.caller.userView.id : null;
    this.deps.audit.record({
      type,
      success: entry.success,
      detail: entry.detail,
      userId: entry.userId ?? callerId,
      email: entry.email === null ? null : canonicalEmail(entry.email),
      credentialKind: entry.kind,
      ipAddress: req.origin.ipAddress,
      userAgent: req.origin.userAgent,
    });
  }
}

import { UniqueConstraintViolationException } from '@mikro-orm/core';
import type { Config } from '../config';
import { CredentialKind, SecondFactorKind, type SignInFlow, SignInFlowStep, User } from '../db/entities';
import { afterCommit, inTransaction } from '../db/transaction';
import { AuthError, ErrorCode } from '../errors';
import { canonicalEmail, parseEmail } from '../features/account/email';
import type { AuditService } from '../features/audit/audit.service';
import type { EmailSignInService } from '../features/email-sign-in/email-sign-in.service';
import type { PasskeyService } from '../features/passkeys/passkeys.service';
import { type DeviceTokens, newDeviceNonce } from '../features/lockout/device-token';
import { isSecondFactorAmr, parseProof, type SecondFactorProof, type SecondFactorService } from '../features/mfa/second-factors.service';
import { type MfaService, mustHaveSecondFactor } from '../features/mfa/mfa.service';
import type { TrustedDeviceService } from '../features/mfa/trusted-devices.service';
import { type Mailer, recipient } from '../mail/mailer';
import type { EmailVerificationService } from '../features/email-verification/email-verification.service';
import type { RateLimitService } from '../features/rate-limits/rate-limit.service';
import type { CheckedAccount, NewAccount, RegistrationService } from '../features/registration/registration.service';
import type { LoginService, PasswordCredentials } from '../features/sessions/login.service';
import type { RefreshTokenService } from '../features/sessions/refresh-token.service';
import type { SessionAssurance, SessionService } from '../features/sessions/session.service';
import type { ProviderIdentity, SocialProvider } from '../features/social-login/providers';
import type { SocialAccountService } from '../features/social-login/social-accounts.service';
import { AuthSuccess, PendingStep, pendingStep, PendingStepKind } from '../graphql/auth-result';
import type { BackgroundTasks } from '../background';
import type { SignInRequest } from './sign-in-request';
import { hashToken } from '../crypto/opaque-token';
import type { SignInFlows } from './sign-in-flows';

export type SignInResult = AuthSuccess | PendingStep;

const FLOW_OVER = 'This sign-in has expired or is finished. Sign in again.';

/** `completeSignIn`: the flow token of a SECOND_FACTOR step and one second factor. */
export interface SecondStep extends SecondFactorProof {
  flowToken: string;
  /** Skip the second step on this device from now on (TRUSTED_DEVICE_DAYS). */
  trustDevice?: boolean | null;
}

/** How a sign-in was proved, as its session records it; and what else the sign-in does. */
interface Proof extends SessionAssurance {
  trustDevice?: boolean;
  /** Mail the user when this device is new to them (users with a second factor). */
  notifyNewDevice?: boolean;
}

/** What an audit entry says; an entry point fills in what it learns on the way. */
interface AuditFacts {
  kind: CredentialKind | null;
  email: string | null;
  userId?: string | null;
  detail?: string | null;
}

export interface SignInPipelineDeps {
  config: Pick<Config, 'accountEmails' | 'mfa' | 'emailSignIn'>;
  login: LoginService;
  registration: RegistrationService;
  socialAccounts: SocialAccountService;
  sessions: SessionService;
  refreshTokens: RefreshTokenService;
  emailVerification: EmailVerificationService;
  rateLimits: RateLimitService;
  audit: AuditService;
  devices: DeviceTokens;
  secondFactors: SecondFactorService;
  trustedDevices: TrustedDeviceService;
  flows: SignInFlows;
  mfa: MfaService;
  emailSignIn: EmailSignInService;
  passkeys: PasskeyService;
  mailer: Mailer;
  /** Work run after the answer, on an EntityManager of its own. */
  background: BackgroundTasks;
  /** Told of each attempt's outcome (success, pending: a further step, failure): the metrics. */
  onAttempt?: (type: string, outcome: 'success' | 'pending' | 'failure') => void;
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
    const facts: AuditFacts = { kind, email: credentials.email };
    return this.audited('LOGIN', req, facts, async () => {
      const user = await this.deps.login.authenticate(req.em, credentials, req.clientKey, req.deviceToken);
      facts.userId = user.id; // the password was right: the user's own trail shows it, pending step or not
      return inTransaction(req.em, (tx) => this.finish({ ...req, em: tx }, user, kind, ['pwd']));
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
    return this.audited('REGISTER', req, { kind, email: input.email }, async () => {
      await this.deps.rateLimits.consume('register_ip', req.clientKey);
      const account = await this.deps.registration.check(input);
      if (account.passwordHash === null && (this.deps.config.emailSignIn.enabled || this.deps.emailSignIn.finishesAccounts)) {
        // No password: the account is finished by the mailed sign-in link, which proves the address.
        this.deps.background.run((em) => this.createByEmail({ ...req, em }, account));
        return pendingStep(PendingStepKind.VERIFY_EMAIL);
      }
      if (this.mandatoryVerification) {
        this.deps.background.run((em) => this.createAccount({ ...req, em }, account, null).then(() => {}));
        return pendingStep(PendingStepKind.VERIFY_EMAIL);
      }
      return (await this.createAccount(req, account, kind)) ?? pendingStep(PendingStepKind.VERIFY_EMAIL);
    });
  }

  /** A provider identity (`socialLogin` and the redirect flow): rate-limited per address like every entry point. */
  social(req: SignInRequest, provider: SocialProvider, identity: () => Promise<ProviderIdentity>, kind: CredentialKind): Promise<SignInResult> {
    return this.audited('SOCIAL_LOGIN', req, { kind, email: null, detail: provider.id }, async () => {
      await this.deps.rateLimits.consume('social_login_ip', req.clientKey);
      const proved = await identity();
      // MFA_TRUST_PROVIDER: the provider's own second factor (its ID token says `mfa`) counts here.
      const amr = this.deps.config.mfa.trustProviderMfa && proved.amr.includes('mfa') ? ['social', 'mfa'] : ['social'];
      return inTransaction(req.em, async (tx) => {
        const user = await this.deps.socialAccounts.signInWith(tx, provider, proved);
        return this.finish({ ...req, em: tx }, user, kind, amr);
      });
    });
  }

  /**
   * `signInWithEmailLink`: the mailed link is the first factor (`email`) and proves the address;
   * the token is claimed in the transaction that signs in, so a failure leaves it usable.
   */
  emailLink(req: SignInRequest, token: string, kind: CredentialKind): Promise<SignInResult> {
    return this.audited('EMAIL_SIGN_IN', req, { kind, email: null, detail: 'link' }, async () => {
      this.deps.emailSignIn.assertReachable();
      await this.deps.rateLimits.consume('sign_in_code_ip', req.clientKey);
      return inTransaction(req.em, async (tx) => {
        const user = await this.deps.emailSignIn.byLink(tx, token);
        await this.deps.emailSignIn.assertMaySignIn(tx, user);
        return this.finish({ ...req, em: tx }, user, kind, ['email']);
      });
    });
  }

  /**
   * `signInWithEmailCode`: the code is checked first, each wrong one counted in its own statement
   * (a transaction rolled back by the refusal would forget it); then the same gates.
   */
  emailCode(req: SignInRequest, email: string, code: string, kind: CredentialKind): Promise<SignInResult> {
    return this.audited('EMAIL_SIGN_IN', req, { kind, email, detail: 'code' }, async () => {
      this.deps.emailSignIn.assertReachable();
      await this.deps.rateLimits.consume('sign_in_code_ip', req.clientKey);
      const user = await this.deps.emailSignIn.byCode(req.em, parseEmail(email), code);
      await this.deps.emailSignIn.assertMaySignIn(req.em, user);
      return inTransaction(req.em, (tx) => this.finish({ ...req, em: tx }, user, kind, ['email']));
    });
  }

  /**
   * `finishPasskeySignIn`: a user-verified passkey proves possession and the user (a PIN or a
   * biometric) at once, so it counts as both factors (aal2) and no second step follows.
   */
  passkey(req: SignInRequest, flowToken: string, response: Record<string, unknown>, kind: CredentialKind): Promise<SignInResult> {
    const facts: AuditFacts = { kind, email: null, detail: 'passkey' };
    return this.audited('PASSKEY_SIGN_IN', req, facts, async () => {
      await this.deps.rateLimits.consume('passkey_sign_in_ip', req.clientKey);
      const { user } = await this.deps.passkeys.verifySignIn(req.em, flowToken, response);
      Object.assign(facts, { userId: user.id, email: user.email });
      return inTransaction(req.em, (tx) => this.finish({ ...req, em: tx }, user, kind, ['webauthn', 'mfa']));
    });
  }

  /**
   * `completeSignIn`: finishes a SECOND_FACTOR flow with a TOTP or recovery code, signing in
   * with the credential kind chosen at the first step. Attempts on one flow take turns (its row
   * is locked), a wrong code counts against the flow (void after 5) and the account, and the
   * flow is used up by the success, all in one transaction. Rate-limited per address too.
   */
  complete(req: SignInRequest, input: SecondStep): Promise<SignInResult> {
    const facts: AuditFacts = { kind: null, email: null };
    return this.audited('SECOND_FACTOR', req, facts, async () => {
      const { kind } = parseProof(input);
      const field = ({ totp: 'totpCode', recovery: 'recoveryCode', webauthn: 'webauthnResponse' } as const)[kind];
      const wrong = { field, message: kind === 'webauthn' ? 'This passkey could not be verified.' : 'The code is not correct.' };
      const extra = { trustDevice: input.trustDevice === true, notifyNewDevice: true };
      return this.attemptFlow(req, facts, SignInFlowStep.SECOND_FACTOR, input.flowToken, wrong, extra, async (tx, flow) => {
        const method = await this.deps.secondFactors.prove(tx, flow.user, input, req.locale, hashToken(input.flowToken));
        if (method) facts.detail = method;
        return method && [method, 'mfa'];
      });
    });
  }

  /** The user of a live ENROLL_SECOND_FACTOR flow (`beginTotpEnrollment(flowToken)`); the flow stays open. */
  async enrolmentUser(em: SignInRequest['em'], flowToken: string): Promise<User> {
    const flow = await inTransaction(em, (tx) => this.deps.flows.lock(tx, flowToken, SignInFlowStep.ENROLL_SECOND_FACTOR));
    if (!flow) throw new AuthError(ErrorCode.INVALID_TOKEN, { field: 'flowToken', message: FLOW_OVER });
    return flow.user;
  }

  /**
   * `confirmTotpEnrollment(flowToken)` under MFA=required: the authenticator is confirmed, its
   * recovery codes made, and the sign-in finished (aal2), in one transaction; a wrong code counts
   * against the flow like a wrong second-step code.
   */
  async completeEnrolment(req: SignInRequest, flowToken: string, code: string): Promise<{ codes: string[]; signIn: AuthSuccess }> {
    const facts: AuditFacts = { kind: null, email: null, detail: 'otp' };
    let codes: string[] = [];
    const signIn = await this.audited('ENROLL_SECOND_FACTOR', req, facts, () =>
      this.attemptFlow(req, facts, SignInFlowStep.ENROLL_SECOND_FACTOR, flowToken, { field: 'code', message: 'The code is not correct.' }, {}, async (tx, flow) => {
        const enabled = await this.deps.mfa.enable(tx, flow.user, code, null, req.locale);
        if (enabled) codes = enabled;
        return enabled && ['otp', 'mfa'];
      }),
    );
    return { codes, signIn: signIn as AuthSuccess };
  }

  /**
   * One attempt at a flow's step, in one transaction: the flow is locked (attempts on it take
   * turns), `check` runs; a failure counts against the flow (void after the maximum) and is
   * committed before it is answered; a success uses the flow up and signs in with the credential
   * kind of the first step and its `amr` plus what `check` proved. Rate-limited per address.
   */
  private async attemptFlow(
    req: SignInRequest,
    facts: AuditFacts,
    step: SignInFlowStep,
    flowToken: string,
    wrong: { field: string; message: string },
    extra: Pick<Proof, 'trustDevice' | 'notifyNewDevice'>,
    check: (tx: SignInRequest['em'], flow: SignInFlow) => Promise<string[] | null>,
  ): Promise<AuthSuccess> {
    await this.deps.rateLimits.consume('second_factor_ip', req.clientKey);
    const outcome = await inTransaction(req.em, async (tx): Promise<AuthSuccess | ErrorCode> => {
      const flow = await this.deps.flows.lock(tx, flowToken, step);
      if (!flow) return ErrorCode.INVALID_TOKEN;
      Object.assign(facts, { userId: flow.user.id, kind: flow.credentialKind, email: flow.user.email });
      const proved = await check(tx, flow);
      if (!proved) {
        this.deps.flows.failed(flow);
        await tx.flush();
        return ErrorCode.INVALID_CREDENTIALS;
      }
      this.deps.flows.used(flow);
      return this.signIn({ ...req, em: tx }, flow.user, flow.credentialKind, { amr: [...flow.amr, ...proved], secondFactor: true, ...extra });
    });
    if (outcome === ErrorCode.INVALID_TOKEN) throw new AuthError(outcome, { field: 'flowToken', message: FLOW_OVER });
    if (typeof outcome === 'string') throw new AuthError(outcome, wrong);
    return outcome;
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
      // A password alone on every request cannot be the second step: such accounts sign in instead.
      if (await this.needsSecondStep(req.em, user)) throw new AuthError(ErrorCode.SECOND_FACTOR_REQUIRED);
      return user;
    } catch (error) {
      if (!(error instanceof AuthError)) throw error;
      this.record('BASIC_AUTH', req, { success: false, email: credentials.email, kind: null, detail: error.code });
      if (error.code === 'RATE_LIMITED' || error.code === 'SECOND_FACTOR_REQUIRED') throw error;
      return null;
    }
  }

  private get mandatoryVerification(): boolean {
    return this.deps.config.accountEmails.verification === 'mandatory';
  }

  private mustVerify(user: User): boolean {
    return this.mandatoryVerification && !user.emailVerifiedAt;
  }

  private async needsSecondStep(em: SignInRequest['em'], user: User): Promise<boolean> {
    return mustHaveSecondFactor(this.deps.config.mfa.policy, user) || (await this.deps.secondFactors.hasSecondFactor(em, user.id));
  }

  /** After a first factor (`amr`): the verification gate, then the second-factor gate. */
  private async finish(req: SignInRequest, user: User, kind: CredentialKind, amr: string[]): Promise<SignInResult> {
    if (this.mustVerify(user)) {
      await req.em.flush(); // keep what the proof changed (a rehashed password, a linked identity)
      await this.deps.emailVerification.send(req.em, user, req.locale);
      return pendingStep(PendingStepKind.VERIFY_EMAIL);
    }
    return this.secondFactorGate(req, user, kind, amr);
  }

  /**
   * The second-factor gate (SEC-55): a user with a second factor gets a SECOND_FACTOR flow,
   * unless this device is one they trusted; under MFA=required (or the user's own requirement) a
   * user without one gets an ENROLL_SECOND_FACTOR flow. A first factor that already included a second (a provider's
   * `mfa`, trusted by configuration) passes.
   */
  private async secondFactorGate(req: SignInRequest, user: User, kind: CredentialKind, amr: string[]): Promise<SignInResult> {
    const both = isSecondFactorAmr(amr);
    const methods = await this.deps.secondFactors.methods(req.em, user.id);
    if (methods.length === 0) {
      if (mustHaveSecondFactor(this.deps.config.mfa.policy, user) && !both) return this.pending(req, user, PendingStepKind.ENROLL_SECOND_FACTOR, kind, amr, [SecondFactorKind.TOTP]);
      return this.signIn(req, user, kind, { amr, secondFactor: both });
    }
    if (both) return this.signIn(req, user, kind, { amr, secondFactor: true, notifyNewDevice: true });
    const device = this.ownDevice(req, user);
    if (device && (await this.deps.trustedDevices.isTrusted(req.em, user.id, device.nonce))) return this.signIn(req, user, kind, { amr, secondFactor: false });
    return this.pending(req, user, PendingStepKind.SECOND_FACTOR, kind, amr, methods);
  }

  /** A flow that continues this sign-in, committed with what the first factor changed. */
  private async pending(req: SignInRequest, user: User, step: PendingStepKind.SECOND_FACTOR | PendingStepKind.ENROLL_SECOND_FACTOR, kind: CredentialKind, amr: string[], methods: SecondFactorKind[]): Promise<PendingStep> {
    const flow = await this.deps.flows.start(req.em, user, step === PendingStepKind.SECOND_FACTOR ? SignInFlowStep.SECOND_FACTOR : SignInFlowStep.ENROLL_SECOND_FACTOR, kind, amr);
    await req.em.flush();
    // A passkey's challenge is bound to this flow: it finishes this sign-in and nothing else.
    const passkeyOptions = methods.includes(SecondFactorKind.WEBAUTHN) ? await this.deps.secondFactors.passkeyOptions(req.em, user, hashToken(flow.token)) : undefined;
    return pendingStep(step, { flowToken: flow.token, expiresAt: flow.expiresAt, methods, passkeyOptions });
  }

  /** The device the client presented, when its token is ours and names this user. */
  private ownDevice(req: SignInRequest, user: User) {
    const device = this.deps.devices.read(req.deviceToken);
    return device?.userId === user.id ? device : null;
  }

  /**
   * A brand-new session (never one the client brought, so a planted id is useless: no fixation,
   * SEC-28), the session the request arrived with ended, and the credential the client asked
   * for, each secret returned exactly once. The caller's transaction commits it all. The client
   * also gets a device token for this user (a cookie; apps also get it in the answer), so that
   * later failures of strangers cannot lock it out (SEC-61).
   */
  private async signIn(req: SignInRequest, user: User, kind: CredentialKind, proof: Proof): Promise<AuthSuccess> {
    const { em, caller } = req;
    if (caller.kind === 'user' && caller.sessionId) await this.deps.sessions.revokeSession(em, caller.sessionId, 'replaced_by_sign_in');
    const { session, token } = this.deps.sessions.createSession(em, user, kind, req.origin, proof);
    const known = this.ownDevice(req, user);
    const nonce = known?.nonce ?? newDeviceNonce();
    const device = this.deps.devices.issue(user.id, nonce);
    if (proof.trustDevice) await this.deps.trustedDevices.trust(em, user, nonce, req.origin);
    user.lastLoginAt = session.createdAt;
    const result = Object.assign(new AuthSuccess(), { user, session });
    if (kind === CredentialKind.JWT) {
      const issued = this.deps.refreshTokens.issue(em, session);
      Object.assign(result, { accessToken: issued.access.token, accessTokenExpiresAt: issued.access.expiresAt, refreshToken: issued.refreshToken });
    }
    await em.flush();
    if (kind === CredentialKind.SESSION_TOKEN) result.sessionToken = token!;
    if (kind !== CredentialKind.COOKIE) result.deviceToken = device;
    if (proof.notifyNewDevice && !known) afterCommit(em, () => this.deps.mailer.newDeviceSignIn(recipient(user, req.locale), session.createdAt, req.origin.ipAddress, req.origin.userAgent));
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
  private async createAccount(req: SignInRequest, account: CheckedAccount, kind: CredentialKind | null): Promise<SignInResult | null> {
    try {
      return await inTransaction(req.em, async (tx) => {
        const user = await this.deps.registration.create(tx, account, req.locale);
        return user && kind ? this.secondFactorGate({ ...req, em: tx }, user, kind, ['pwd']) : null;
      });
    } catch (error) {
      if (!(error instanceof UniqueConstraintViolationException)) throw error;
      return this.deps.registration.taken(req.em, account.email, req.locale, error);
    }
  }

  /**
   * An account without a password, finished by a mailed sign-in link (after the answer, like
   * mandatory verification, so a taken address answers the same): a new address gets the account
   * and the link; a taken one, a sign-in link to its owner, which changes nothing unless used.
   */
  private async createByEmail(req: SignInRequest, account: CheckedAccount): Promise<void> {
    const { em, locale } = req;
    if (!(await this.deps.registration.exists(em, account.email))) {
      try {
        await inTransaction(em, (tx) => this.deps.registration.create(tx, account, locale, false));
      } catch (error) {
        if (!(error instanceof UniqueConstraintViolationException)) throw error; // a racing registration won: the owner gets the link
      }
    }
    const fresh = em.fork();
    if (!this.deps.emailSignIn.finishesAccounts) return this.deps.emailSignIn.send(fresh, account.email, locale);
    // Email sign-in is off: only an account with no way in yet gets a link; another owner, the notice.
    const user = await fresh.findOneOrFail(User, { email: account.email });
    if (await this.deps.emailSignIn.needsFinishing(fresh, user)) await this.deps.emailSignIn.mail(fresh, user, locale);
    else await this.deps.registration.taken(fresh, account.email, locale);
  }

  /** One audit entry per sign-in attempt, whatever its outcome. */
  private async audited(type: string, req: SignInRequest, facts: AuditFacts, run: () => Promise<SignInResult>): Promise<SignInResult> {
    try {
      const result = await run();
      const userId = result instanceof AuthSuccess ? result.user.id : (facts.userId ?? null);
      const detail = facts.detail ?? (result instanceof PendingStep ? result.step : null);
      this.record(type, req, { ...facts, success: true, userId, detail });
      this.deps.onAttempt?.(type, result instanceof PendingStep ? 'pending' : 'success');
      return result;
    } catch (error) {
      this.record(type, req, { ...facts, success: false, detail: error instanceof AuthError ? error.code : 'INTERNAL_SERVER_ERROR' });
      this.deps.onAttempt?.(type, 'failure');
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

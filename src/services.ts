import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import { join } from 'node:path';
import type { Clock } from './clock';
import type { Config } from './config';
import { CredentialWatch } from './context/credential-watch';
import { UserCache } from './context/user-cache';
import { AccessTokenSigner, CLOCK_TOLERANCE_SECONDS } from './crypto/jwt';
import { PasswordHasher } from './crypto/password';
import { DatabaseNotifications } from './db/notifications';
import { PasswordScreening } from './features/account/password-screening';
import { AuditService } from './features/audit/audit.service';
import { RolesService } from './features/roles/roles.service';
import { AdminService } from './features/admin/admin.service';
import { ProfileService } from './features/account/profile.service';
import { SecurityEventBus } from './features/audit/security-event-bus';
import { AccountDeletionService } from './features/account-deletion/account-deletion.service';
import { EmailTokenService } from './features/account-emails/email-token.service';
import { ApiTokenService } from './features/api-tokens/api-token.service';
import { EmailChangeService } from './features/email-change/email-change.service';
import { EmailVerificationService } from './features/email-verification/email-verification.service';
import { PasswordChangeService } from './features/password-change/password-change.service';
import { DeviceTokens } from './features/lockout/device-token';
import { LockoutService } from './features/lockout/lockout.service';
import { PasswordAttempts } from './features/lockout/password-attempts';
import { PasswordResetService } from './features/password-reset/password-reset.service';
import { RateLimitService } from './features/rate-limits/rate-limit.service';
import { ReauthenticationService } from './features/reauthentication/reauthentication.service';
import { RegistrationService } from './features/registration/registration.service';
import { LoginService } from './features/sessions/login.service';
import { RefreshTokenService } from './features/sessions/refresh-token.service';
import { RevokedSessions } from './features/sessions/revoked-sessions';
import { SessionService } from './features/sessions/session.service';
import { SocialProviders } from './features/social-login/providers';
import { OAuthFlowService } from './features/social-login/oauth-flow.service';
import { SocialAccountService } from './features/social-login/social-accounts.service';
import { SecurityStateService } from './features/security-state/security-state.service';
import { MfaService } from './features/mfa/mfa.service';
import { EmailSignInService } from './features/email-sign-in/email-sign-in.service';
import { PasskeyService } from './features/passkeys/passkeys.service';
import { RecoveryCodeService } from './features/mfa/recovery-codes.service';
import { SecondFactorService } from './features/mfa/second-factors.service';
import { TotpService } from './features/mfa/totp.service';
import { TrustedDeviceService } from './features/mfa/trusted-devices.service';
import { SecretBox } from './crypto/secret-box';
import { SignInFlows } from './sign-in/sign-in-flows';
import type { Logger } from './logger';
import { BackgroundTasks } from './background';
import { Mailer } from './mail/mailer';
import { MailOutbox } from './mail/outbox';
import { Metrics } from './observability/metrics';
import { HousekeepingService } from './features/housekeeping/housekeeping.service';
import { WebhookRelay } from './features/webhooks/webhook-relay';
import { WebhookDeliveryService } from './features/webhooks/webhook-deliveries.service';
import { DEFAULT_LOCALE } from './mail/templates';
import { SignInPipeline } from './sign-in/sign-in.pipeline';

/** The long-lived service objects, built once per server from the config. */
export interface Services {
  config: Config;
  clock: Clock;
  logger: Logger;
  /** A fresh EntityManager, for work that outlives a request. */
  forkEm(): EntityManager;
  /** Work run after the answer (see BackgroundTasks); shutdown and tests wait for it. */
  background: BackgroundTasks;
  passwords: PasswordHasher;
  /** Every way to sign in goes through it: first factor, gates, audit, session. */
  signIn: SignInPipeline;
  /** The checks of a new account (the command line's create-user uses them too). */
  registration: RegistrationService;
  sessions: SessionService;
  accessTokens: AccessTokenSigner;
  refreshTokens: RefreshTokenService;
  /** The LISTEN connection behind the revoked-session set and the caller caches; app.ts starts it. */
  notifications: DatabaseNotifications;
  revokedSessions: RevokedSessions;
  users: UserCache;
  apiTokens: ApiTokenService;
  reauthentication: ReauthenticationService;
  outbox: MailOutbox;
  mailer: Mailer;
  emailTokens: EmailTokenService;
  emailVerification: EmailVerificationService;
  securityState: SecurityStateService;
  passwordReset: PasswordResetService;
  passwordChange: PasswordChangeService;
  emailChange: EmailChangeService;
  accountDeletion: AccountDeletionService;
  socialProviders: SocialProviders;
  socialAccounts: SocialAccountService;
  oauthFlows: OAuthFlowService;
  rateLimits: RateLimitService;
  passwordScreening: PasswordScreening;
  lockout: LockoutService;
  /** Two-factor authentication: enrolment, recovery codes, and the checks of every second step. */
  mfa: MfaService;
  secondFactors: SecondFactorService;
  recoveryCodes: RecoveryCodeService;
  trustedDevices: TrustedDeviceService;
  emailSignIn: EmailSignInService;
  passkeys: PasskeyService;
  audit: AuditService;
  /** The admin API's operations (who may call them is the resolver's `assertAdmin`). */
  admin: AdminService;
  /** The user's own editable fields (`updateMe`). */
  profile: ProfileService;
  /** Users' roles (`@Authorized('admin')`), from the configured set. */
  roles: RolesService;
  /** Live security events for subscriptions, from the database's announcements. */
  securityEvents: SecurityEventBus;
  /** Credentials of long-lived connections, checked again on every change and every second. */
  credentialWatch: CredentialWatch;
  /** Prometheus metrics of this server (GET /metrics). */
  metrics: Metrics;
  /** Deletes rows that can never be used again (expired challenges, flows, mailed tokens). */
  housekeeping: HousekeepingService;
  /** Delivers the outgoing events (webhooks) the database triggers write; app.ts starts it. */
  webhooks: WebhookRelay;
  /** The webhook outbox for the admin API: deliveries, dead letters, redelivery. */
  webhookDeliveries: WebhookDeliveryService;
}

export function createServices(config: Config, clock: Clock, logger: Logger, orm: MikroORM): Services {
  const passwords = new PasswordHasher(config.passwordHash);
  const background = new BackgroundTasks(() => orm.em.fork(), logger);
  const screening = new PasswordScreening(config, logger);
  const rateLimits = new RateLimitService(config, orm.config.get('clientUrl')!, logger);
  const notifications = new DatabaseNotifications({ databaseUrl: orm.config.get('clientUrl')!, logger });
  const revokedSessions = new RevokedSessions({
    notifications,
    retentionSeconds: config.jwt.accessTokenTtlSeconds + CLOCK_TOLERANCE_SECONDS,
    onHeard: (lagSeconds) => metrics.revocationLag.observe(lagSeconds),
  });
  const users = new UserCache(notifications, config.callerCacheSize);
  const outbox = new MailOutbox(config, logger);
  orm.em.getEventManager().registerSubscriber(users.subscriber());
  const sessions = new SessionService(config, clock, notifications, users, (ids) => revokedSessions.markRevoked(ids));
  const accessTokens = new AccessTokenSigner(config.jwt, config.callerCacheSize);
  const mailer = new Mailer(config, outbox);
  const emailTokens = new EmailTokenService(config, clock);
  const emailVerification = new EmailVerificationService(config, clock, emailTokens, mailer, rateLimits);
  const audit = new AuditService(clock, () => orm.em.fork(), logger, join(config.dataDir, 'audit-outbox'));
  const webhooks = new WebhookRelay(config.webhooks, clock, () => orm.em.fork(), logger, notifications);
  const metrics = new Metrics({ pool: () => poolUsage(orm), mailOutbox: () => outbox.depth, auditPending: () => audit.pending, webhookOutbox: () => webhooks.depth });
  webhooks.onAttempt = (endpoint, outcome) => metrics.webhookAttempts.inc({ endpoint, outcome });
  users.observe(metrics.cacheCounter('users'));
  sessions.observeCache(metrics.cacheCounter('sessions'));
  rateLimits.onLimited = (name) => metrics.rateLimited.inc({ limit: name });
  const lockout = new LockoutService(config, emailTokens, rateLimits, mailer, audit);
  // The moment a lock begins, after answering, like every lookup that must not show in the timing.
  const attempts = new PasswordAttempts(rateLimits, (email) => {
    metrics.lockouts.inc();
    background.run(async (em) => void (await lockout.notifyLocked(em, email, DEFAULT_LOCALE)));
  });
  const devices = new DeviceTokens(config);
  const totp = new TotpService(clock, new SecretBox(config.mfa.encryptionKeys), config.mfa.issuer);
  const recoveryCodes = new RecoveryCodeService(clock);
  const passkeys = new PasskeyService(config, clock, logger, audit);
  const secondFactors = new SecondFactorService(totp, recoveryCodes, passkeys, rateLimits, mailer);
  const trustedDevices = new TrustedDeviceService(clock, config.mfa.trustedDeviceDays);
  const reauthentication = new ReauthenticationService(config, clock, passwords, attempts, secondFactors);
  const apiTokens = new ApiTokenService(config, clock, notifications, users, (em, userId) => secondFactors.hasSecondFactor(em, userId));
  apiTokens.observeCache(metrics.cacheCounter('api_tokens'));
  const securityState = new SecurityStateService(config, sessions, emailTokens, apiTokens, trustedDevices);
  const mfa = new MfaService(config.mfa.policy, totp, recoveryCodes, secondFactors, reauthentication, securityState, mailer);
  const login = new LoginService(passwords, rateLimits, attempts, devices);
  const registration = new RegistrationService(config, clock, passwords, screening, emailVerification, mailer, rateLimits);
  const refreshTokens = new RefreshTokenService(config, clock, accessTokens, sessions);
  const socialAccounts = new SocialAccountService(clock, sessions, config.emailSignIn.enabled);
  const flows = new SignInFlows(config.mfa, clock);
  const emailSignIn = new EmailSignInService(config, clock, emailTokens, mailer, rateLimits);
  const signIn = new SignInPipeline({
    config,
    login,
    registration,
    socialAccounts,
    sessions,
    refreshTokens,
    emailVerification,
    rateLimits,
    audit,
    devices,
    background,
    secondFactors,
    trustedDevices,
    flows,
    mfa,
    emailSignIn,
    passkeys,
    mailer,
    onAttempt: (type, outcome) => metrics.signIns.inc({ method: type, outcome }),
  });
  const passwordReset = new PasswordResetService(config, clock, passwords, screening, emailTokens, securityState, mailer, rateLimits);
  const roles = new RolesService(config, securityState, audit);
  const profile = new ProfileService(config.profileFields);
  return {
    config,
    clock,
    logger,
    forkEm: () => orm.em.fork(),
    background,
    passwords,
    signIn,
    registration,
    sessions,
    accessTokens,
    refreshTokens,
    notifications,
    revokedSessions,
    users,
    apiTokens,
    reauthentication,
    outbox,
    mailer,
    emailTokens,
    emailVerification,
    securityState,
    passwordReset,
    passwordChange: new PasswordChangeService(reauthentication, passwords, screening, securityState, mailer),
    emailChange: new EmailChangeService(config, clock, emailTokens, securityState, mailer, rateLimits),
    accountDeletion: new AccountDeletionService(reauthentication, sessions, mailer),
    socialProviders: new SocialProviders(config.social),
    socialAccounts,
    oauthFlows: new OAuthFlowService(clock),
    rateLimits,
    passwordScreening: screening,
    lockout,
    mfa,
    secondFactors,
    recoveryCodes,
    trustedDevices,
    emailSignIn,
    passkeys,
    audit,
    profile,
    roles,
    admin: new AdminService(clock, sessions, apiTokens, passwordReset, roles, mfa, profile, emailTokens, mailer, audit, registration, config.accountEmails.inviteTokenTtlSeconds),
    securityEvents: new SecurityEventBus(notifications, () => orm.em.fork(), logger),
    credentialWatch: new CredentialWatch(notifications),
    metrics,
    housekeeping: new HousekeepingService(clock),
    webhooks,
    webhookDeliveries: new WebhookDeliveryService(audit),
  };
}

/** The serving pool's connections (knex's tarn pool), for the metrics; null before it exists. */
function poolUsage(orm: MikroORM): { used: number; free: number; pending: number } | null {
  const pool = (orm.em.getConnection().getKnex().client as { pool?: { numUsed(): number; numFree(): number; numPendingAcquires(): number } }).pool;
  return pool ? { used: pool.numUsed(), free: pool.numFree(), pending: pool.numPendingAcquires() } : null;
}

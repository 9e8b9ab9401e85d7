import type { ProfileFieldSpec } from './features/profile-fields/profile-fields';
import type { WebhookEndpointSpec } from './features/webhooks/webhook-config';
/** The shapes of Gatehouse's configuration; parsed from the environment by config.ts. */

/** The environment as read from the process: every value is an optional string. */
export type Env = Record<string, string | undefined>;

export type CookieSecurity = 'auto' | 'always' | 'never';

export interface PasswordHashParams {
  memoryCost: number;
  timeCost: number;
  parallelism: number;
  /** Hashes computed at once, and hashes allowed to wait; beyond that, RATE_LIMITED. */
  concurrency: number;
  queueLimit: number;
}

export interface SessionLifetimes {
  idleTimeoutSeconds: number;
  absoluteTimeoutSeconds: number;
}

export interface JwtConfig {
  algorithm: 'ES256' | 'HS256';
  /** ES256: PKCS#8 PEM private key. HS256: the shared secret. */
  signingKey: string;
  /** Retired keys still accepted for verification: PEM public keys (ES256) or secrets (HS256). */
  previousKeys: readonly string[];
  issuer: string;
  audience: string;
  accessTokenTtlSeconds: number;
  refreshReuseGraceSeconds: number;
}

/** Everything Gatehouse reads from its environment, parsed once and frozen. */
export interface Config {
  env: 'development' | 'production' | 'test';
  host: string;
  port: number;
  /** Undefined: start the embedded PostgreSQL under `dataDir`. */
  databaseUrl: string | undefined;
  dataDir: string;
  /** The first key signs; all of them verify (rotation). */
  secretKeys: readonly string[];
  /**
   * Every cookie of ours: Secure by `security`; SameSite (`none` only with Secure); a Domain only
   * when set (then named `__Secure-…` over https instead of `__Host-…`, which forbids a Domain).
   */
  cookie: { security: CookieSecurity; name: string; sameSite: 'lax' | 'strict' | 'none'; domain: string | undefined };
  /** Lifetimes of browser (cookie) sessions. */
  session: SessionLifetimes & { touchIntervalSeconds: number };
  /** Lifetimes of app sessions: SESSION_TOKEN sessions and JWT refresh families. */
  tokenSession: SessionLifetimes;
  jwt: JwtConfig;
  /** A sensitive operation needs a sign-in (or password) at most this old. */
  reauthWindowSeconds: number;
  /** How many callers' rows each instance keeps in memory (kept correct by NOTIFY); 0: none. */
  callerCacheSize: number;
  /** Open subscription sockets one user, and one client address, may hold. */
  webSockets: { maxPerUser: number; maxPerAddress: number };
  basicAuth: { enabled: boolean };
  /** A password reset (account recovery) also revokes the user's API tokens. */
  revokeApiTokensOnPasswordReset: boolean;
  apiTokens: { defaultLifetimeDays: number; maxLifetimeDays: number };
  /** DRF's RemoteUser: identity asserted by a proxy in `header`, believed only from `trustedFrom`. */
  proxyAuth: { header: string | undefined; trustedFrom: readonly string[] };
  passwordHash: PasswordHashParams;
  corsOrigins: readonly string[];
  frontendUrl: string;
  /** Express's `trust proxy`: false, a hop count, or a list of addresses/CIDRs. */
  trustProxy: boolean | number | string[];
  graphql: { introspection: boolean; landingPage: boolean; maskSchemaDetails: boolean };
  mail: MailConfig;
  accountEmails: AccountEmailConfig;
  rateLimits: RateLimitConfig;
  passwordScreening: { hibpEnabled: boolean; hibpApiUrl: string; hibpFailClosed: boolean };
  /** This server's own public base URL, for the redirect flow's callback (never taken from Host). */
  publicUrl: string;
  social: SocialConfig;
  mfa: MfaConfig;
  /** Signing in by a mailed link or code, without a password (EMAIL_SIGN_IN_ENABLED). */
  emailSignIn: { enabled: boolean; linkTtlSeconds: number; codeTtlSeconds: number; createsAccounts: boolean };
  /** Passkeys (WebAuthn): the relying party, and the exact origins a ceremony may come from. */
  webauthn: { enabled: boolean; rpId: string; rpName: string; origins: readonly string[] };
  /** The roles a user may hold (every account has `user`), and the access-token claim that lists them. */
  roles: { names: readonly string[]; jwtClaim: string };
  /** The app's profile fields (PROFILE_FIELDS), typed in the schema as `User.profile`. */
  profileFields: readonly ProfileFieldSpec[];
  /** Who may read GET /metrics: these addresses (proxy-addr syntax: `loopback`, CIDRs), or a bearer of `token`. */
  metrics: { allowFrom: readonly string[]; token: string | undefined };
  /** Outgoing events: the receivers, how long one attempt may take, and how often the outbox is read (besides each commit's wake-up). */
  webhooks: { endpoints: readonly WebhookEndpointSpec[]; timeoutSeconds: number; pollIntervalMs: number };
  logLevel: string;
  logFormat: 'json' | 'pretty';
}

/** Second factors: the policy, the keys TOTP seeds are encrypted with, and the flows' bounds. */
export interface MfaConfig {
  /** `required`: a user without a second factor must enrol one before they are signed in. */
  policy: 'optional' | 'required';
  /** The first key encrypts; all of them decrypt (rotation). */
  encryptionKeys: readonly string[];
  /** How long a pending sign-in (flow token) lives. */
  flowTtlSeconds: number;
  /** Wrong codes a flow allows before it is void. */
  flowMaxAttempts: number;
  /** How long "trust this device" skips the second step; 0 turns trusting off. */
  trustedDeviceDays: number;
  /** A social sign-in whose ID token says `amr: ["mfa"]` counts as both factors. */
  trustProviderMfa: boolean;
  /** The name authenticator apps show next to the account. */
  issuer: string;
}

export interface MailConfig {
  /** smtp(s)://user:pass@host:port; undefined: development writes .eml files and logs them. */
  smtpUrl: string | undefined;
  from: string;
  productName: string;
  /** Frontend paths the links in mails point to; the token is added as `?token=`. */
  paths: { verifyEmail: string; resetPassword: string; confirmEmailChange: string; unlockAccount: string; secondFactor: string; signIn: string; invite: string };
}

/** A limit: `points` uses per `seconds`, per key (account, client address, …). */
export interface RateLimit {
  points: number;
  seconds: number;
}

export const RATE_LIMIT_NAMES = [
  'login_ip',
  'login_failed_ip',
  'login_failed_account',
  'login_failed_device',
  'login_concurrent',
  'lock_mail_account',
  'reset_mail_recipient',
  'verification_mail_recipient',
  'notice_mail_recipient',
  'register_ip',
  'password_reset_ip',
  'password_reset_email',
  'verification_ip',
  'verify_code_ip',
  'refresh_ip',
  'social_login_ip',
  'second_factor_ip',
  'sign_in_email_ip',
  'sign_in_mail_recipient',
  'sign_in_code_ip',
  'passkey_sign_in_ip',
  'second_factor_failed_account',
] as const;

export type RateLimitName = (typeof RATE_LIMIT_NAMES)[number];

export interface RateLimitConfig {
  enabled: boolean;
  /** Redis instead of PostgreSQL for the counters. */
  redisUrl: string | undefined;
  /** Namespace of the counters' keys, for a Redis shared with other applications. */
  keyPrefix: string;
  limits: Readonly<Record<RateLimitName, RateLimit>>;
}

export interface SocialProviderConfig {
  id: string;
  displayName: string;
  kind: 'oidc' | 'github';
  /** OIDC: the issuer to discover. GitHub: its web base URL (github.com, or GitHub Enterprise). */
  issuer: string;
  /** GitHub only: the REST API base URL. */
  apiUrl?: string;
  clientId: string;
  clientSecret: string;
  scopes: readonly string[];
}

export interface SocialConfig {
  providers: readonly SocialProviderConfig[];
  /** Exact-match allow-list of redirect URIs SPAs and apps may exchange codes for. */
  redirectUris: readonly string[];
  /** Exact-match allow-list of where the browser redirect flow may send the user back to. */
  returnToUrls: readonly string[];
  /** Accept http:// issuers (local testing only). */
  allowInsecure: boolean;
}

export interface AccountEmailConfig {
  verification: 'optional' | 'mandatory';
  verificationTokenTtlSeconds: number;
  verificationCodeTtlSeconds: number;
  resetTokenTtlSeconds: number;
  /** How long an administrator's invitation link lives. */
  inviteTokenTtlSeconds: number;
  emailChangeTokenTtlSeconds: number;
  /** A new verification mail for the same user at most this often. */
  resendCooldownSeconds: number;
}

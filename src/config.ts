import { createPrivateKey, generateKeyPairSync, randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { isAbsolute, join, resolve } from 'node:path';
import { z } from 'zod';
import type { Config, Env, RateLimit, RateLimitName, SocialProviderConfig } from './config-types';
import { RATE_LIMIT_NAMES } from './config-types';
import { parseProfileFields, type ProfileFieldSpec } from './features/profile-fields/profile-fields';
import { parseWebhookEndpoints, type WebhookEndpointSpec } from './features/webhooks/webhook-config';

export * from './config-types';

/**
 * Defaults modelled on django-allauth's, and the OWASP Authentication cheat sheet: failed logins
 * 5 per 5 minutes per account and 10 per minute per address; logins 30 per minute per address.
 * Each can be overridden as RATE_LIMIT_<NAME>=<points>/<seconds>, e.g. RATE_LIMIT_LOGIN_IP=60/60.
 */
const DEFAULT_RATE_LIMITS: Record<RateLimitName, RateLimit> = {
  login_ip: { points: 30, seconds: 60 },
  login_failed_ip: { points: 10, seconds: 60 },
  login_failed_account: { points: 5, seconds: 300 },
  // A device that signed in before (OWASP device cookies) is limited on its own, not by the account.
  login_failed_device: { points: 5, seconds: 300 },
  // Password checks of one account (or device) running at once (the others wait their turn), so
  // concurrent guesses cannot all be checked before the first failure is counted. The window
  // bounds how long a crashed check can hold the turn.
  login_concurrent: { points: 1, seconds: 10 },
  // Mails anyone can make us send to an address: at most this many per recipient.
  lock_mail_account: { points: 1, seconds: 3600 },
  reset_mail_recipient: { points: 10, seconds: 86_400 },
  verification_mail_recipient: { points: 10, seconds: 86_400 },
  // "Someone tried to sign up with your address": registering or moving an account to a taken address.
  notice_mail_recipient: { points: 5, seconds: 86_400 },
  register_ip: { points: 10, seconds: 60 },
  password_reset_ip: { points: 5, seconds: 60 },
  password_reset_email: { points: 5, seconds: 60 },
  verification_ip: { points: 5, seconds: 60 },
  verify_code_ip: { points: 10, seconds: 60 },
  refresh_ip: { points: 150, seconds: 300 },
  social_login_ip: { points: 30, seconds: 60 },
  // Second-factor codes: tries per address, and wrong codes per account across all its flows (a
  // 6-digit code has a million values; 10 per 15 minutes keeps guessing hopeless).
  second_factor_ip: { points: 30, seconds: 60 },
  // Email sign-in: requests per address, mails per recipient (anyone can ask), code tries per address.
  sign_in_email_ip: { points: 5, seconds: 60 },
  sign_in_mail_recipient: { points: 10, seconds: 86_400 },
  sign_in_code_ip: { points: 10, seconds: 60 },
  passkey_sign_in_ip: { points: 30, seconds: 60 },
  second_factor_failed_account: { points: 10, seconds: 900 },
};

function rateLimits(env: Env): Record<RateLimitName, RateLimit> {
  const problems: string[] = [];
  const limits = { ...DEFAULT_RATE_LIMITS };
  for (const name of RATE_LIMIT_NAMES) {
    const variable = `RATE_LIMIT_${name.toUpperCase()}`;
    const value = env[variable];
    if (value === undefined) continue;
    const match = /^(\d+)\/(\d+)$/.exec(value.trim());
    if (!match || Number(match[1]) < 1 || Number(match[2]) < 1) problems.push(`${variable} must look like 5/300 (points/seconds)`);
    else limits[name] = { points: Number(match[1]), seconds: Number(match[2]) };
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return limits;
}

/** Thrown when the environment cannot make a safe configuration; the message names every problem. */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

// OWASP Password Storage Cheat Sheet minimums for argon2id. Only NODE_ENV=test may go lower,
// so that the suite can hash thousands of passwords quickly.
const MIN_ARGON2 = { memoryCost: 19_456, timeCost: 2, parallelism: 1 };
const MIN_SECRET_LENGTH = 32;
// Apollo Sandbox runs in an iframe from these origins; allowed only in development.
const SANDBOX_ORIGINS = ['https://sandbox.embed.apollographql.com', 'https://studio.apollographql.com'];

/** Claims an access token already carries; the roles claim may not take their place. */
const OWN_CLAIMS = ['iss', 'sub', 'aud', 'exp', 'nbf', 'iat', 'jti', 'sid', 'amr', 'acr', 'typ'];

const bool = z.enum(['true', 'false', '1', '0']).transform((v) => v === 'true' || v === '1');
const seconds = z.coerce.number().int().positive();
const path = z.string().regex(/^\/[A-Za-z0-9/_-]*$/, 'must be a path such as /reset-password');
const list = z.string().transform((v) => v.split(',').map((s) => s.trim()).filter(Boolean));

const schema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  HOST: z.string().min(1).optional(),
  PORT: z.coerce.number().int().min(0).max(65_535).default(4000),
  DATABASE_URL: z.url({ protocol: /^postgres(ql)?$/ }).optional(),
  GATEHOUSE_DATA_DIR: z.string().min(1).default('.gatehouse'),
  SECRET_KEY: z.string().min(MIN_SECRET_LENGTH, `must be at least ${MIN_SECRET_LENGTH} characters`).optional(),
  SECRET_KEY_FALLBACKS: list.default([]),
  COOKIE_SECURE: z.enum(['auto', 'true', 'false']).optional(),
  SESSION_COOKIE_NAME: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/).default('gatehouse_session'),
  SESSION_COOKIE_SAMESITE: z.enum(['lax', 'strict', 'none']).default('lax'),
  SESSION_COOKIE_DOMAIN: z.string().regex(/^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+$/, 'must be a host name such as example.com').optional(),
  SESSION_IDLE_TIMEOUT_SECONDS: seconds.default(30 * 60),
  SESSION_ABSOLUTE_TIMEOUT_SECONDS: seconds.default(12 * 60 * 60),
  SESSION_TOUCH_INTERVAL_SECONDS: seconds.default(60),
  PASSWORD_HASH_MEMORY_KIB: z.coerce.number().int().positive().default(MIN_ARGON2.memoryCost),
  PASSWORD_HASH_ITERATIONS: z.coerce.number().int().positive().default(MIN_ARGON2.timeCost),
  PASSWORD_HASH_PARALLELISM: z.coerce.number().int().positive().default(MIN_ARGON2.parallelism),
  PASSWORD_HASH_CONCURRENCY: z.coerce.number().int().positive().default(Math.max(2, availableParallelism())),
  PASSWORD_HASH_QUEUE_LIMIT: z.coerce.number().int().min(0).default(64),
  FRONTEND_URL: z.url({ protocol: /^https?$/ }).default('http://localhost:3000'),
  CORS_ORIGINS: list.optional(),
  TRUST_PROXY: z.string().optional(),
  GRAPHQL_INTROSPECTION: bool.optional(),
  TOKEN_SESSION_IDLE_TIMEOUT_SECONDS: seconds.default(7 * 24 * 60 * 60),
  TOKEN_SESSION_ABSOLUTE_TIMEOUT_SECONDS: seconds.default(30 * 24 * 60 * 60),
  JWT_ALGORITHM: z.enum(['ES256', 'HS256']).default('ES256'),
  JWT_PRIVATE_KEY: z.string().transform(unescapeNewlines).refine(isEcP256PrivateKey, 'must be a PEM P-256 private key').optional(),
  JWT_PREVIOUS_PUBLIC_KEYS: z.string().transform(unescapeNewlines).transform(splitPemBlocks).default([]),
  JWT_SECRET: z.string().min(MIN_SECRET_LENGTH, `must be at least ${MIN_SECRET_LENGTH} characters`).optional(),
  JWT_PREVIOUS_SECRETS: list.default([]),
  JWT_ISSUER: z.string().min(1).default('gatehouse'),
  JWT_AUDIENCE: z.string().min(1).default('gatehouse'),
  // RFC 8725 and the OWASP JWT cheat sheet: access tokens stay short-lived.
  ACCESS_TOKEN_TTL_SECONDS: seconds.max(3600).default(15 * 60),
  REFRESH_REUSE_GRACE_SECONDS: z.coerce.number().int().min(0).max(60).default(10),
  REAUTH_WINDOW_SECONDS: seconds.max(3600).default(5 * 60),
  CALLER_CACHE_SIZE: z.coerce.number().int().min(0).default(10_000),
  WS_MAX_SOCKETS_PER_USER: z.coerce.number().int().min(1).default(10),
  WS_MAX_SOCKETS_PER_ADDRESS: z.coerce.number().int().min(1).default(50),
  AUTH_BASIC_ENABLED: bool.default(false),
  REVOKE_API_TOKENS_ON_PASSWORD_RESET: bool.default(true),
  API_TOKEN_DEFAULT_LIFETIME_DAYS: z.coerce.number().int().positive().default(90),
  API_TOKEN_MAX_LIFETIME_DAYS: z.coerce.number().int().positive().default(366),
  TRUSTED_PROXY_AUTH_HEADER: z.string().regex(/^[A-Za-z0-9-]+$/).transform((v) => v.toLowerCase()).optional(),
  TRUSTED_PROXY_AUTH_FROM: list.default([]),
  SMTP_URL: z.url({ protocol: /^smtps?$/ }).optional(),
  MAIL_FROM: z.string().min(3).default('Gatehouse <no-reply@localhost>'),
  PRODUCT_NAME: z.string().min(1).max(60).default('Gatehouse'),
  VERIFY_EMAIL_PATH: path.default('/verify-email'),
  RESET_PASSWORD_PATH: path.default('/reset-password'),
  CONFIRM_EMAIL_CHANGE_PATH: path.default('/confirm-email-change'),
  UNLOCK_ACCOUNT_PATH: path.default('/unlock-account'),
  MFA_PATH: path.default('/two-factor'),
  SIGN_IN_PATH: path.default('/sign-in-link'),
  INVITE_PATH: path.default('/accept-invite'),
  INVITE_TOKEN_TTL_SECONDS: seconds.max(30 * 24 * 60 * 60).default(7 * 24 * 60 * 60),
  EMAIL_SIGN_IN_ENABLED: bool.default(false),
  EMAIL_SIGN_IN_CREATES_ACCOUNTS: bool.default(false),
  PASSKEYS_ENABLED: bool.default(true),
  WEBAUTHN_RP_ID: z.string().regex(/^[a-z0-9.-]+$/, 'must be a host name such as example.com').optional(),
  WEBAUTHN_RP_NAME: z.string().min(1).max(60).optional(),
  WEBAUTHN_ORIGINS: list.optional(),
  // The OWASP cheat sheets: mailed sign-in links and codes are short-lived.
  EMAIL_SIGN_IN_LINK_TTL_SECONDS: seconds.max(15 * 60).default(15 * 60),
  EMAIL_SIGN_IN_CODE_TTL_SECONDS: seconds.max(10 * 60).default(10 * 60),
  MFA: z.enum(['optional', 'required']).default('optional'),
  MFA_ENCRYPTION_KEY: z.string().min(MIN_SECRET_LENGTH, `must be at least ${MIN_SECRET_LENGTH} characters`).optional(),
  MFA_ENCRYPTION_KEY_FALLBACKS: list.default([]),
  SIGN_IN_FLOW_TTL_SECONDS: seconds.max(15 * 60).default(5 * 60),
  TRUSTED_DEVICE_DAYS: z.coerce.number().int().min(0).max(365).default(30),
  MFA_TRUST_PROVIDER: bool.default(false),
  EMAIL_VERIFICATION: z.enum(['optional', 'mandatory']).default('optional'),
  EMAIL_VERIFICATION_TOKEN_TTL_SECONDS: seconds.default(24 * 60 * 60),
  EMAIL_VERIFICATION_CODE_TTL_SECONDS: seconds.max(15 * 60).default(10 * 60),
  // The OWASP Forgot Password cheat sheet: reset links are short-lived.
  PASSWORD_RESET_TOKEN_TTL_SECONDS: seconds.max(60 * 60).default(60 * 60),
  EMAIL_CHANGE_TOKEN_TTL_SECONDS: seconds.default(24 * 60 * 60),
  EMAIL_RESEND_COOLDOWN_SECONDS: z.coerce.number().int().min(0).default(60),
  PUBLIC_URL: z.url({ protocol: /^https?$/ }).optional(),
  GOOGLE_CLIENT_ID: z.string().min(1).optional(),
  GOOGLE_CLIENT_SECRET: z.string().min(1).optional(),
  GITHUB_CLIENT_ID: z.string().min(1).optional(),
  GITHUB_CLIENT_SECRET: z.string().min(1).optional(),
  GITHUB_URL: z.url({ protocol: /^https?$/ }).default('https://github.com'),
  GITHUB_API_URL: z.url({ protocol: /^https?$/ }).default('https://api.github.com'),
  OAUTH_REDIRECT_URIS: list.optional(),
  AUTH_RETURN_TO_URLS: list.optional(),
  OIDC_ALLOW_INSECURE: bool.default(false),
  RATE_LIMITS_ENABLED: bool.default(true),
  HIBP_ENABLED: bool.default(false),
  HIBP_API_URL: z.url({ protocol: /^https?$/ }).default('https://api.pwnedpasswords.com'),
  HIBP_FAIL_CLOSED: bool.default(false),
  REDIS_URL: z.url({ protocol: /^rediss?$/ }).optional(),
  RATE_LIMIT_KEY_PREFIX: z.string().regex(/^[A-Za-z0-9_.-]{1,40}$/).default('gatehouse'),
  ROLES: list.pipe(z.array(z.string().regex(/^[a-z][a-z0-9_-]{0,39}$/, 'each role must be a lower-case name such as admin'))).default(['user', 'admin']),
  PROFILE_FIELDS: z.string().optional(),
  METRICS_ALLOW_FROM: list.default(['loopback']),
  METRICS_TOKEN: z.string().min(MIN_SECRET_LENGTH, `must be at least ${MIN_SECRET_LENGTH} characters`).optional(),
  JWT_ROLES_CLAIM: z
    .string()
    .regex(/^[A-Za-z][A-Za-z0-9_:/.-]{0,99}$/)
    .refine((claim) => !OWN_CLAIMS.includes(claim), `must not be one of ${OWN_CLAIMS.join(', ')}`)
    .default('roles'),
  WEBHOOK_ENDPOINTS: z.string().optional(),
  WEBHOOK_TIMEOUT_SECONDS: seconds.max(60).default(10),
  WEBHOOK_POLL_INTERVAL_MS: z.coerce.number().int().min(10).max(60_000).default(1_000),
  LOG_FORMAT: z.enum(['json', 'pretty']).optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).optional(),
});

/**
 * The name of a setting, as an environment variable: the library takes the same settings as an
 * object, so a typo is a type error.
 */
export type SettingName = keyof z.input<typeof schema> | `RATE_LIMIT_${Uppercase<RateLimitName>}` | `OIDC_${string}`;

/** Parses the environment into a Config, generating development secrets under the data dir. */
export function loadConfig(env: Env = process.env, cwd = process.cwd()): Config {
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`));
  }
  const e = parsed.data;
  const production = e.NODE_ENV === 'production';
  const dataDir = isAbsolute(e.GATEHOUSE_DATA_DIR) ? e.GATEHOUSE_DATA_DIR : resolve(cwd, e.GATEHOUSE_DATA_DIR);
  assertSafe(e, production);
  const secretKey = e.SECRET_KEY ?? loadOrCreateDevFile(dataDir, 'secret-key', () => randomBytes(32).toString('base64url'));
  return deepFreeze({
    env: e.NODE_ENV,
    host: e.HOST ?? (production ? '0.0.0.0' : 'localhost'),
    port: e.PORT,
    databaseUrl: e.DATABASE_URL,
    dataDir,
    secretKeys: [secretKey, ...e.SECRET_KEY_FALLBACKS],
    cookie: {
      security: ({ true: 'always', false: 'never', auto: 'auto' } as const)[e.COOKIE_SECURE ?? 'auto'],
      name: e.SESSION_COOKIE_NAME,
      sameSite: e.SESSION_COOKIE_SAMESITE,
      domain: e.SESSION_COOKIE_DOMAIN,
    },
    session: {
      idleTimeoutSeconds: e.SESSION_IDLE_TIMEOUT_SECONDS,
      absoluteTimeoutSeconds: e.SESSION_ABSOLUTE_TIMEOUT_SECONDS,
      touchIntervalSeconds: e.SESSION_TOUCH_INTERVAL_SECONDS,
    },
    tokenSession: {
      idleTimeoutSeconds: e.TOKEN_SESSION_IDLE_TIMEOUT_SECONDS,
      absoluteTimeoutSeconds: e.TOKEN_SESSION_ABSOLUTE_TIMEOUT_SECONDS,
    },
    jwt: {
      algorithm: e.JWT_ALGORITHM,
      signingKey: e.JWT_ALGORITHM === 'HS256' ? e.JWT_SECRET! : (e.JWT_PRIVATE_KEY ?? loadOrCreateDevFile(dataDir, 'jwt-private-key.pem', createEcPrivateKey)),
      previousKeys: e.JWT_ALGORITHM === 'HS256' ? e.JWT_PREVIOUS_SECRETS : e.JWT_PREVIOUS_PUBLIC_KEYS,
      issuer: e.JWT_ISSUER,
      audience: e.JWT_AUDIENCE,
      accessTokenTtlSeconds: e.ACCESS_TOKEN_TTL_SECONDS,
      refreshReuseGraceSeconds: e.REFRESH_REUSE_GRACE_SECONDS,
    },
    reauthWindowSeconds: e.REAUTH_WINDOW_SECONDS,
    callerCacheSize: e.CALLER_CACHE_SIZE,
    webSockets: { maxPerUser: e.WS_MAX_SOCKETS_PER_USER, maxPerAddress: e.WS_MAX_SOCKETS_PER_ADDRESS },
    basicAuth: { enabled: e.AUTH_BASIC_ENABLED },
    revokeApiTokensOnPasswordReset: e.REVOKE_API_TOKENS_ON_PASSWORD_RESET,
    apiTokens: { defaultLifetimeDays: e.API_TOKEN_DEFAULT_LIFETIME_DAYS, maxLifetimeDays: e.API_TOKEN_MAX_LIFETIME_DAYS },
    proxyAuth: { header: e.TRUSTED_PROXY_AUTH_HEADER, trustedFrom: e.TRUSTED_PROXY_AUTH_FROM },
    passwordHash: {
      memoryCost: e.PASSWORD_HASH_MEMORY_KIB,
      timeCost: e.PASSWORD_HASH_ITERATIONS,
      parallelism: e.PASSWORD_HASH_PARALLELISM,
      concurrency: e.PASSWORD_HASH_CONCURRENCY,
      queueLimit: e.PASSWORD_HASH_QUEUE_LIMIT,
    },
    corsOrigins: e.CORS_ORIGINS ?? [new URL(e.FRONTEND_URL).origin, ...(production ? [] : SANDBOX_ORIGINS)],
    frontendUrl: e.FRONTEND_URL,
    trustProxy: parseTrustProxy(e.TRUST_PROXY),
    graphql: {
      introspection: e.GRAPHQL_INTROSPECTION ?? !production,
      landingPage: !production,
      maskSchemaDetails: production,
    },
    mail: {
      smtpUrl: e.SMTP_URL,
      from: e.MAIL_FROM,
      productName: e.PRODUCT_NAME,
      paths: {
        verifyEmail: e.VERIFY_EMAIL_PATH,
        resetPassword: e.RESET_PASSWORD_PATH,
        confirmEmailChange: e.CONFIRM_EMAIL_CHANGE_PATH,
        unlockAccount: e.UNLOCK_ACCOUNT_PATH,
        secondFactor: e.MFA_PATH,
        signIn: e.SIGN_IN_PATH,
        invite: e.INVITE_PATH,
      },
    },
    accountEmails: {
      verification: e.EMAIL_VERIFICATION,
      verificationTokenTtlSeconds: e.EMAIL_VERIFICATION_TOKEN_TTL_SECONDS,
      verificationCodeTtlSeconds: e.EMAIL_VERIFICATION_CODE_TTL_SECONDS,
      resetTokenTtlSeconds: e.PASSWORD_RESET_TOKEN_TTL_SECONDS,
      inviteTokenTtlSeconds: e.INVITE_TOKEN_TTL_SECONDS,
      emailChangeTokenTtlSeconds: e.EMAIL_CHANGE_TOKEN_TTL_SECONDS,
      resendCooldownSeconds: e.EMAIL_RESEND_COOLDOWN_SECONDS,
    },
    passwordScreening: { hibpEnabled: e.HIBP_ENABLED, hibpApiUrl: e.HIBP_API_URL.replace(/\/$/, ''), hibpFailClosed: e.HIBP_FAIL_CLOSED },
    rateLimits: { enabled: e.RATE_LIMITS_ENABLED, redisUrl: e.REDIS_URL, keyPrefix: e.RATE_LIMIT_KEY_PREFIX, limits: rateLimits(env) },
    publicUrl: (e.PUBLIC_URL ?? `http://localhost:${e.PORT}`).replace(/\/$/, ''),
    social: {
      providers: socialProviders(env, e),
      redirectUris: e.OAUTH_REDIRECT_URIS ?? [new URL('/auth/callback', e.FRONTEND_URL).toString()],
      returnToUrls: e.AUTH_RETURN_TO_URLS ?? [e.FRONTEND_URL],
      allowInsecure: e.OIDC_ALLOW_INSECURE,
    },
    mfa: {
      policy: e.MFA,
      encryptionKeys: [e.MFA_ENCRYPTION_KEY ?? loadOrCreateDevFile(dataDir, 'mfa-encryption-key', () => randomBytes(32).toString('base64url')), ...e.MFA_ENCRYPTION_KEY_FALLBACKS],
      flowTtlSeconds: e.SIGN_IN_FLOW_TTL_SECONDS,
      flowMaxAttempts: 5,
      trustedDeviceDays: e.TRUSTED_DEVICE_DAYS,
      trustProviderMfa: e.MFA_TRUST_PROVIDER,
      issuer: e.PRODUCT_NAME,
    },
    webauthn: {
      enabled: e.PASSKEYS_ENABLED,
      // The frontend's host by default: passkeys belong to the site the user sees.
      rpId: e.WEBAUTHN_RP_ID ?? new URL(e.FRONTEND_URL).hostname,
      rpName: e.WEBAUTHN_RP_NAME ?? e.PRODUCT_NAME,
      origins: e.WEBAUTHN_ORIGINS ?? [new URL(e.FRONTEND_URL).origin],
    },
    emailSignIn: {
      enabled: e.EMAIL_SIGN_IN_ENABLED,
      linkTtlSeconds: e.EMAIL_SIGN_IN_LINK_TTL_SECONDS,
      codeTtlSeconds: e.EMAIL_SIGN_IN_CODE_TTL_SECONDS,
      createsAccounts: e.EMAIL_SIGN_IN_CREATES_ACCOUNTS,
    },
    roles: { names: [...new Set(['user', ...e.ROLES])], jwtClaim: e.JWT_ROLES_CLAIM },
    profileFields: profileFields(e.PROFILE_FIELDS),
    metrics: { allowFrom: e.METRICS_ALLOW_FROM, token: e.METRICS_TOKEN },
    webhooks: { endpoints: webhookEndpoints(e.WEBHOOK_ENDPOINTS), timeoutSeconds: e.WEBHOOK_TIMEOUT_SECONDS, pollIntervalMs: e.WEBHOOK_POLL_INTERVAL_MS },
    logLevel: e.LOG_LEVEL ?? (e.NODE_ENV === 'test' ? 'silent' : 'info'),
    // Pretty for a developer at a terminal; JSON for everything that reads the lines (and production).
    logFormat: e.LOG_FORMAT ?? (e.NODE_ENV === 'development' && process.stdout.isTTY ? 'pretty' : 'json'),
  });
}

function profileFields(json: string | undefined): ProfileFieldSpec[] {
  try {
    return parseProfileFields(json);
  } catch (error) {
    const issues = error instanceof z.ZodError ? error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ') : (error as Error).message;
    throw new ConfigError([`PROFILE_FIELDS: ${issues.replace(/^PROFILE_FIELDS: /, '')}`]);
  }
}

function webhookEndpoints(json: string | undefined): WebhookEndpointSpec[] {
  try {
    return parseWebhookEndpoints(json);
  } catch (error) {
    throw new ConfigError([(error as Error).message]);
  }
}

/** Production refuses to guess: every setting that protects users must be explicit. */
function assertSafe(e: z.infer<typeof schema>, production: boolean): void {
  const problems: string[] = [];
  if (production) {
    if (!e.SECRET_KEY) problems.push('SECRET_KEY is required in production (32+ random characters)');
    if (!e.DATABASE_URL) problems.push('DATABASE_URL is required in production (the embedded database is for development)');
    if (e.COOKIE_SECURE !== 'true') problems.push('COOKIE_SECURE=true is required in production (serve over https)');
    if (!e.MFA_ENCRYPTION_KEY) problems.push('MFA_ENCRYPTION_KEY is required in production (32+ random characters; it encrypts TOTP secrets)');
    if (!e.SMTP_URL) problems.push('SMTP_URL is required in production (mail would otherwise only be written to files)');
    if (e.JWT_ALGORITHM === 'ES256' && !e.JWT_PRIVATE_KEY) {
      problems.push('JWT_PRIVATE_KEY is required in production (PEM P-256 key: `openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256`)');
    }
  }
  if (e.API_TOKEN_DEFAULT_LIFETIME_DAYS > e.API_TOKEN_MAX_LIFETIME_DAYS) {
    problems.push('API_TOKEN_DEFAULT_LIFETIME_DAYS must not exceed API_TOKEN_MAX_LIFETIME_DAYS');
  }
  // Browsers drop a SameSite=None cookie that is not Secure (and localhost counts as secure).
  if (e.SESSION_COOKIE_SAMESITE === 'none' && e.COOKIE_SECURE !== 'true') problems.push('SESSION_COOKIE_SAMESITE=none requires COOKIE_SECURE=true (browsers drop such cookies otherwise; http://localhost counts as secure)');
  if (e.JWT_ALGORITHM === 'HS256' && !e.JWT_SECRET) problems.push('JWT_SECRET is required when JWT_ALGORITHM=HS256');
  if (e.TRUSTED_PROXY_AUTH_HEADER && e.TRUSTED_PROXY_AUTH_FROM.length === 0) {
    problems.push('TRUSTED_PROXY_AUTH_FROM (proxy addresses or CIDRs) is required with TRUSTED_PROXY_AUTH_HEADER');
  }
  if (e.NODE_ENV !== 'test') {
    const given = { memoryCost: e.PASSWORD_HASH_MEMORY_KIB, timeCost: e.PASSWORD_HASH_ITERATIONS };
    if (given.memoryCost < MIN_ARGON2.memoryCost) problems.push(`PASSWORD_HASH_MEMORY_KIB must be at least ${MIN_ARGON2.memoryCost}`);
    if (given.timeCost < MIN_ARGON2.timeCost) problems.push(`PASSWORD_HASH_ITERATIONS must be at least ${MIN_ARGON2.timeCost}`);
  }
  if (problems.length > 0) throw new ConfigError(problems);
}

const GENERIC_OIDC = /^GATEHOUSE_OIDC_([A-Z0-9_]+)_ISSUER$/;

/**
 * Social providers from the environment: Google and GitHub by their well-known settings, and any
 * OpenID Connect issuer as GATEHOUSE_OIDC_<ID>_ISSUER / _CLIENT_ID / _CLIENT_SECRET / _SCOPES /
 * _NAME (provider id = <ID> lower-cased). An incomplete provider is a configuration error.
 */
function socialProviders(env: Env, e: z.infer<typeof schema>): SocialProviderConfig[] {
  const providers: SocialProviderConfig[] = [];
  const problems: string[] = [];
  const pair = (idVar: string, secretVar: string, id?: string, secret?: string) => {
    if (!id && !secret) return undefined;
    if (!id || !secret) problems.push(`${idVar} and ${secretVar} must be set together`);
    return id && secret ? { clientId: id, clientSecret: secret } : undefined;
  };
  const google = pair('GOOGLE_CLIENT_ID', 'GOOGLE_CLIENT_SECRET', e.GOOGLE_CLIENT_ID, e.GOOGLE_CLIENT_SECRET);
  if (google) providers.push({ id: 'google', displayName: 'Google', kind: 'oidc', issuer: 'https://accounts.google.com', scopes: ['openid', 'email', 'profile'], ...google });
  const github = pair('GITHUB_CLIENT_ID', 'GITHUB_CLIENT_SECRET', e.GITHUB_CLIENT_ID, e.GITHUB_CLIENT_SECRET);
  if (github && [e.GITHUB_URL, e.GITHUB_API_URL].some((u) => u.startsWith('http:')) && !e.OIDC_ALLOW_INSECURE) {
    problems.push('GITHUB_URL and GITHUB_API_URL must be https (OIDC_ALLOW_INSECURE=true only for local testing)');
  }
  if (github) {
    providers.push({ id: 'github', displayName: 'GitHub', kind: 'github', issuer: e.GITHUB_URL.replace(/\/$/, ''), apiUrl: e.GITHUB_API_URL.replace(/\/$/, ''), scopes: ['read:user', 'user:email'], ...github });
  }
  for (const key of Object.keys(env).sort()) {
    const name = GENERIC_OIDC.exec(key)?.[1];
    if (!name) continue;
    const get = (suffix: string) => env[`GATEHOUSE_OIDC_${name}_${suffix}`];
    const issuer = get('ISSUER');
    const credentials = pair(`GATEHOUSE_OIDC_${name}_CLIENT_ID`, `GATEHOUSE_OIDC_${name}_CLIENT_SECRET`, get('CLIENT_ID'), get('CLIENT_SECRET'));
    if (!credentials) {
      problems.push(`GATEHOUSE_OIDC_${name}_CLIENT_ID and _CLIENT_SECRET are required with GATEHOUSE_OIDC_${name}_ISSUER`);
      continue;
    }
    if (!z.url({ protocol: /^https?$/ }).safeParse(issuer).success) {
      problems.push(`GATEHOUSE_OIDC_${name}_ISSUER must be an https URL`);
      continue;
    }
    if (issuer!.startsWith('http:') && !e.OIDC_ALLOW_INSECURE) {
      problems.push(`GATEHOUSE_OIDC_${name}_ISSUER is http://; set OIDC_ALLOW_INSECURE=true only for local testing`);
      continue;
    }
    const id = name.toLowerCase();
    const scopes = (get('SCOPES') ?? 'openid email profile').split(/[\s,]+/).filter(Boolean);
    if (!scopes.includes('openid')) scopes.unshift('openid');
    providers.push({ id, displayName: get('NAME') ?? name.charAt(0) + name.slice(1).toLowerCase(), kind: 'oidc', issuer: issuer!, scopes, ...credentials });
  }
  const ids = providers.map((p) => p.id);
  if (new Set(ids).size !== ids.length) problems.push('two social providers have the same id');
  if (problems.length > 0) throw new ConfigError(problems);
  return providers;
}

function parseTrustProxy(value: string | undefined): boolean | number | string[] {
  if (value === undefined || value === '' || value === 'false') return false;
  if (/^\d+$/.test(value)) return Number(value);
  return value.split(',').map((s) => s.trim()).filter(Boolean);
}

/**
 * Development convenience: a secret created on first start and kept (mode 0600) in the data dir,
 * so restarts keep cookies and tokens valid. Production never reaches this (assertSafe).
 */
function loadOrCreateDevFile(dataDir: string, name: string, create: () => string): string {
  const file = join(dataDir, name);
  try {
    return readFileSync(file, 'utf8').trim();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  // The dir itself stays traversable: the embedded PostgreSQL runs as another user when we are root.
  mkdirSync(dataDir, { recursive: true });
  const value = create();
  try {
    writeFileSync(file, `${value}\n`, { mode: 0o600, flag: 'wx' });
    return value;
  } catch (error) {
    // Another process created it first: use theirs.
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return readFileSync(file, 'utf8').trim();
    throw error;
  }
}

function createEcPrivateKey(): string {
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  return privateKey.export({ format: 'pem', type: 'pkcs8' }).toString().trim();
}

/** Environments often carry PEM keys on one line with literal `\n`. */
function unescapeNewlines(value: string): string {
  return value.replace(/\\n/g, '\n').trim();
}

function splitPemBlocks(value: string): string[] {
  return value.match(/-----BEGIN [A-Z ]+-----[\s\S]+?-----END [A-Z ]+-----/g) ?? [];
}

function isEcP256PrivateKey(pem: string): boolean {
  try {
    const key = createPrivateKey(pem);
    return key.asymmetricKeyType === 'ec' && key.asymmetricKeyDetails?.namedCurve === 'prime256v1';
  } catch {
    return false;
  }
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object') {
    for (const inner of Object.values(value)) deepFreeze(inner);
    Object.freeze(value);
  }
  return value;
}

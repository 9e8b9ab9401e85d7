import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../../src/config';
import { TEST_JWT_PRIVATE_KEY } from '../../helpers/test-server';

const dataDir = () => mkdtempSync(join(tmpdir(), 'gatehouse-config-'));
const PRODUCTION_OK = {
  NODE_ENV: 'production',
  JWT_PRIVATE_KEY: TEST_JWT_PRIVATE_KEY,
  SECRET_KEY: 'p'.repeat(40),
  DATABASE_URL: 'postgres://gatehouse@db.internal:5432/gatehouse',
  COOKIE_SECURE: 'true',
  SMTP_URL: 'smtp://mail.internal:587',
  MFA_ENCRYPTION_KEY: 'm'.repeat(40),
};

function problemsOf(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  return [];
}

describe('production configuration', () => {
  it('starts with explicit secret, database and secure cookies', () => {
    const config = loadConfig(PRODUCTION_OK);
    expect(config.cookie.security).toBe('always');
    expect(config.graphql).toEqual({ introspection: false, landingPage: false, maskSchemaDetails: true });
    expect(config.corsOrigins).toEqual(['http://localhost:3000']);
    expect(Object.isFrozen(config.session)).toBe(true);
  });

  it('refuses to start without a secret, a JWT key, a database, SMTP, secure cookies and an MFA key, naming each', () => {
    const problems = problemsOf({ NODE_ENV: 'production' });
    expect(problems).toHaveLength(6);
    expect(problems.join('\n')).toMatch(/MFA_ENCRYPTION_KEY/);
    expect(problems.join('\n')).toMatch(/JWT_PRIVATE_KEY/);
    expect(problems.join('\n')).toMatch(/SMTP_URL/);
    expect(problems.join('\n')).toMatch(/SECRET_KEY/);
    expect(problems.join('\n')).toMatch(/DATABASE_URL/);
    expect(problems.join('\n')).toMatch(/COOKIE_SECURE/);
  });

  it.each([['false'], ['auto']])('refuses COOKIE_SECURE=%s', (value) => {
    expect(problemsOf({ ...PRODUCTION_OK, COOKIE_SECURE: value }).join()).toMatch(/COOKIE_SECURE/);
  });

  it('refuses a secret shorter than 32 characters (SEC-39)', () => {
    expect(problemsOf({ ...PRODUCTION_OK, SECRET_KEY: 'too-short-16byte' }).join()).toMatch(/SECRET_KEY.*32/);
  });

  it('refuses argon2 parameters below the OWASP minimums outside tests (SEC-04)', () => {
    const problems = problemsOf({ ...PRODUCTION_OK, PASSWORD_HASH_MEMORY_KIB: '4096', PASSWORD_HASH_ITERATIONS: '1' });
    expect(problems.join('\n')).toMatch(/PASSWORD_HASH_MEMORY_KIB must be at least 19456/);
    expect(problems.join('\n')).toMatch(/PASSWORD_HASH_ITERATIONS must be at least 2/);
  });

  it('refuses a DATABASE_URL that is not PostgreSQL', () => {
    expect(problemsOf({ ...PRODUCTION_OK, DATABASE_URL: 'mysql://x@y/z' }).join()).toMatch(/DATABASE_URL/);
  });
});

describe('development configuration', () => {
  it('defaults to argon2id m=19456 KiB, t=2, p=1 and ASVS level 2 session lifetimes', () => {
    const config = loadConfig({ GATEHOUSE_DATA_DIR: dataDir() });
    expect(config.passwordHash).toMatchObject({ memoryCost: 19_456, timeCost: 2, parallelism: 1, queueLimit: 64 });
    expect(config.passwordHash.concurrency).toBeGreaterThanOrEqual(2);
    expect(config.session).toMatchObject({ idleTimeoutSeconds: 1800, absoluteTimeoutSeconds: 43_200 });
    expect(config.port).toBe(4000);
    expect(config.databaseUrl).toBeUndefined();
  });

  it('generates a secret on first start, keeps it private in the data dir, and reuses it', () => {
    const dir = dataDir();
    const first = loadConfig({ GATEHOUSE_DATA_DIR: dir });
    const second = loadConfig({ GATEHOUSE_DATA_DIR: dir });
    expect(first.secretKeys[0]).toHaveLength(43);
    expect(second.secretKeys[0]).toBe(first.secretKeys[0]);
    const file = join(dir, 'secret-key');
    expect(readFileSync(file, 'utf8').trim()).toBe(first.secretKeys[0]);
    expect(statSync(file).mode & 0o077).toBe(0);
  });

  it('a different data dir gets a different secret', () => {
    expect(loadConfig({ GATEHOUSE_DATA_DIR: dataDir() }).secretKeys[0]).not.toBe(
      loadConfig({ GATEHOUSE_DATA_DIR: dataDir() }).secretKeys[0],
    );
  });

  it('allows Apollo Sandbox origins next to the frontend, never a wildcard', () => {
    const config = loadConfig({ GATEHOUSE_DATA_DIR: dataDir(), FRONTEND_URL: 'http://localhost:5173/app' });
    expect(config.corsOrigins).toContain('http://localhost:5173');
    expect(config.corsOrigins).toContain('https://sandbox.embed.apollographql.com');
    expect(config.corsOrigins).not.toContain('*');
  });

  it('reports every invalid variable at once', () => {
    const problems = problemsOf({ GATEHOUSE_DATA_DIR: dataDir(), PORT: 'eighty', COOKIE_SECURE: 'maybe' });
    expect(problems).toHaveLength(2);
  });
});

describe('social providers configuration', () => {
  const base = () => ({ GATEHOUSE_DATA_DIR: dataDir() });

  it('reads any OIDC issuer from GATEHOUSE_OIDC_<ID>_*, plus Google and GitHub', () => {
    const config = loadConfig({
      ...base(),
      GATEHOUSE_OIDC_KEYCLOAK_ISSUER: 'https://sso.example.com/realms/main',
      GATEHOUSE_OIDC_KEYCLOAK_CLIENT_ID: 'gatehouse',
      GATEHOUSE_OIDC_KEYCLOAK_CLIENT_SECRET: 's3cret',
      GATEHOUSE_OIDC_KEYCLOAK_SCOPES: 'email profile groups',
      GOOGLE_CLIENT_ID: 'g-id',
      GOOGLE_CLIENT_SECRET: 'g-secret',
      GITHUB_CLIENT_ID: 'gh-id',
      GITHUB_CLIENT_SECRET: 'gh-secret',
    });
    expect(config.social.providers.map((p) => [p.id, p.kind, p.issuer])).toEqual([
      ['google', 'oidc', 'https://accounts.google.com'],
      ['github', 'github', 'https://github.com'],
      ['keycloak', 'oidc', 'https://sso.example.com/realms/main'],
    ]);
    expect(config.social.providers[2]!.scopes).toEqual(['openid', 'email', 'profile', 'groups']);
    expect(config.social.redirectUris).toEqual(['http://localhost:3000/auth/callback']);
  });

  it('refuses an http:// issuer unless OIDC_ALLOW_INSECURE=true, and incomplete providers', () => {
    const insecure = { GATEHOUSE_OIDC_DEV_ISSUER: 'http://localhost:9000', GATEHOUSE_OIDC_DEV_CLIENT_ID: 'a', GATEHOUSE_OIDC_DEV_CLIENT_SECRET: 'b' };
    expect(problemsOf({ ...base(), ...insecure }).join()).toMatch(/OIDC_ALLOW_INSECURE/);
    expect(loadConfig({ ...base(), ...insecure, OIDC_ALLOW_INSECURE: 'true' }).social.providers[0]!.id).toBe('dev');
    expect(problemsOf({ ...base(), GOOGLE_CLIENT_ID: 'only-the-id' }).join()).toMatch(/GOOGLE_CLIENT_SECRET/);
    expect(problemsOf({ ...base(), GATEHOUSE_OIDC_X_ISSUER: 'https://x.example' }).join()).toMatch(/GATEHOUSE_OIDC_X_CLIENT_ID/);
  });
});

describe('webhook endpoints', () => {
  const secret = `whsec_${Buffer.alloc(32, 7).toString('base64')}`;
  const endpoints = (list: unknown) => ({ GATEHOUSE_DATA_DIR: dataDir(), WEBHOOK_ENDPOINTS: JSON.stringify(list) });

  it('reads WEBHOOK_ENDPOINTS as a JSON list of { id, url, secret, events }', () => {
    const config = loadConfig(endpoints([{ id: 'crm', url: 'https://crm.example.com/hooks', secret, events: ['user.created'] }, { id: 'local', url: 'http://127.0.0.1:9000/h', secret }]));
    expect(config.webhooks.endpoints.map((e) => [e.id, e.events])).toEqual([['crm', ['user.created']], ['local', undefined]]);
    expect(config.webhooks.timeoutSeconds).toBe(10);
  });

  it('SEC-66 refuses plain http off this machine, a weak or malformed secret, an unknown event and a repeated id, naming each', () => {
    const problem = (list: unknown) => problemsOf(endpoints(list)).join('\n');
    expect(problem([{ id: 'a', url: 'http://crm.example.com/hooks', secret }])).toMatch(/url: must be an https:\/\/ URL/);
    expect(problem([{ id: 'a', url: 'https://x.example', secret: 'whsec_c2hvcnQ=' }])).toMatch(/secret: must hold at least 24 random bytes/);
    expect(problem([{ id: 'a', url: 'https://x.example', secret: 'hunter2' }])).toMatch(/secret: must be whsec_/);
    expect(problem([{ id: 'a', url: 'https://x.example', secret, events: ['user.exploded'] }])).toMatch(/events\.0/);
    expect(problem([{ id: 'a', url: 'https://x.example', secret }, { id: 'a', url: 'https://y.example', secret }])).toMatch(/its own id/);
    expect(problemsOf({ GATEHOUSE_DATA_DIR: dataDir(), WEBHOOK_ENDPOINTS: '{not json' }).join()).toMatch(/WEBHOOK_ENDPOINTS must be a JSON array/);
  });
});

describe('cookies for a frontend on another site', () => {
  it('SESSION_COOKIE_SAMESITE=none needs COOKIE_SECURE=true (browsers drop the cookie otherwise); a bad domain is refused', () => {
    expect(problemsOf({ GATEHOUSE_DATA_DIR: dataDir(), SESSION_COOKIE_SAMESITE: 'none' }).join()).toMatch(/SESSION_COOKIE_SAMESITE=none requires COOKIE_SECURE=true/);
    expect(loadConfig({ GATEHOUSE_DATA_DIR: dataDir(), SESSION_COOKIE_SAMESITE: 'none', COOKIE_SECURE: 'true' }).cookie.sameSite).toBe('none');
    expect(problemsOf({ GATEHOUSE_DATA_DIR: dataDir(), SESSION_COOKIE_DOMAIN: '.example.com' }).join()).toMatch(/SESSION_COOKIE_DOMAIN/);
    expect(loadConfig({ GATEHOUSE_DATA_DIR: dataDir(), SESSION_COOKIE_DOMAIN: 'example.com' }).cookie.domain).toBe('example.com');
  });
});

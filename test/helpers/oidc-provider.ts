import { generateKeyPairSync } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface TestAccount {
  email?: string;
  email_verified?: boolean;
  name?: string;
}

export interface OidcTestProvider {
  issuer: string;
  clientId: string;
  clientSecret: string;
  /** Accounts by subject; the test picks who signs in with `login_hint=<subject>`, or signInAs. */
  accounts: Map<string, TestAccount>;
  /** Who signs in at the next authorization without a login_hint (the redirect flow). */
  signInAs(subject: string): void;
  /** Signs an ID token with the provider's own key (what a native SDK would hand the app). */
  issueIdToken(claims: Record<string, unknown>): Promise<string>;
  close(): Promise<void>;
}

/**
 * A real OpenID Connect provider (panva's certified `oidc-provider`) on a free port, with one
 * confidential client. Interactions complete themselves: the account named by `login_hint` signs
 * in and consents, so tests drive the real authorization, token and JWKS endpoints.
 */
export async function startOidcProvider(redirectUris: string[]): Promise<OidcTestProvider> {
  const { default: Provider } = await import('oidc-provider');
  const jose = await import('jose');
  let handler: (req: IncomingMessage, res: ServerResponse) => void = (_req, res) => res.end();
  const server = createServer((req, res) => handler(req, res));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const accounts = new Map<string, TestAccount>();
  const next = { subject: '' };
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const signingJwk = { ...privateKey.export({ format: 'jwk' }), kid: 'test-key', alg: 'RS256', use: 'sig' };
  const clientId = 'gatehouse-test';
  const clientSecret = 'gatehouse-test-secret-of-enough-length';

  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: clientId,
        client_secret: clientSecret,
        redirect_uris: redirectUris,
        grant_types: ['authorization_code'],
        response_types: ['code'],
        token_endpoint_auth_method: 'client_secret_basic',
      },
    ],
    jwks: { keys: [signingJwk as never] },
    claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name'] },
    conformIdTokenClaims: false, // put email in the ID token, as Google does
    cookies: { keys: ['oidc-test-cookie-key'] },
    findAccount: (_ctx, sub) =>
      accounts.has(sub) ? { accountId: sub, claims: () => ({ sub, ...accounts.get(sub) }) } : undefined,
    interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
    features: { devInteractions: { enabled: false } },
  });

  const callback = provider.callback();
  handler = (req, res) => {
    if (!req.url?.startsWith('/interaction/')) return void callback(req, res);
    completeInteraction(provider, req, res, next.subject).catch((error: unknown) => {
      res.statusCode = 500;
      res.end(String(error));
    });
  };

  return {
    issuer,
    clientId,
    clientSecret,
    accounts,
    signInAs: (subject) => {
      next.subject = subject;
    },
    async issueIdToken(claims) {
      const key = await jose.importJWK(signingJwk as never, 'RS256');
      const now = Math.floor(Date.now() / 1000);
      return new jose.SignJWT({ iss: issuer, aud: clientId, iat: now, exp: now + 300, ...claims })
        .setProtectedHeader({ alg: 'RS256', kid: 'test-key' })
        .sign(key);
    },
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

type ProviderInstance = InstanceType<Awaited<typeof import('oidc-provider')>['default']>;

async function completeInteraction(provider: ProviderInstance, req: IncomingMessage, res: ServerResponse, fallback: string): Promise<void> {
  const details = await provider.interactionDetails(req, res);
  if (details.prompt.name === 'login') {
    const accountId = String(details.params.login_hint ?? fallback);
    await provider.interactionFinished(req, res, { login: { accountId } }, { mergeWithLastSubmission: false });
    return;
  }
  const grant = new provider.Grant({ accountId: details.session!.accountId, clientId: String(details.params.client_id) });
  grant.addOIDCScope(String(details.params.scope));
  const grantId = await grant.save();
  await provider.interactionFinished(req, res, { consent: { grantId } }, { mergeWithLastSubmission: true });
}

import type * as Oidc from 'openid-client' with { 'resolution-mode': 'import' };
import type { SocialConfig, SocialProviderConfig } from '../../config';
import { AuthError, ErrorCode } from '../../errors';

/** What a provider tells us about the person who signed in there. */
export interface ProviderIdentity {
  issuer: string;
  subject: string;
  email: string | null;
  emailVerified: boolean;
  name: string | null;
  /** The ID token's `amr` (RFC 8176), when the provider says how the user proved themselves. */
  amr: string[];
}

export interface AuthorizationRequest {
  redirectUri: string;
  state: string;
  nonce: string;
  codeChallenge: string;
}

export interface CodeExchange {
  code: string;
  codeVerifier: string;
  redirectUri: string;
  /** Redirect flow: the state the provider sent back, and the one we issued (from the flow cookie). */
  state?: { received: string; expected: string };
  nonce?: string | null;
  /** The `iss` parameter of the authorization response (RFC 9207), when the provider sends one. */
  iss?: string | null;
}

// ID-token algorithms we accept from providers: asymmetric only (RFC 8725 §3.1).
const ID_TOKEN_ALGORITHMS = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA'];

/** openid-client and jose are ESM-only; loaded once, on first use. */
const libraries = () =>
  Promise.all([import('openid-client'), import('jose')]).then(([client, jose]) => ({ client, jose }));

/**
 * A configured social provider. OIDC providers go through openid-client (discovery, PKCE, state,
 * nonce, ID-token validation against the provider's JWKS); GitHub is OAuth 2.0 plus its user and
 * verified-emails API, through the same library. Nothing here validates a token by hand.
 */
export class SocialProvider {
  private configuration: Promise<Oidc.Configuration> | undefined;

  constructor(
    readonly settings: SocialProviderConfig,
    private readonly social: Pick<SocialConfig, 'allowInsecure'>,
  ) {}

  get id(): string {
    return this.settings.id;
  }

  /** Where to send the browser: the provider's authorization endpoint with PKCE S256, state and nonce. */
  async authorizationUrl(request: AuthorizationRequest): Promise<URL> {
    const { client } = await libraries();
    return client.buildAuthorizationUrl(await this.config(), {
      redirect_uri: request.redirectUri,
      scope: this.settings.scopes.join(' '),
      state: request.state,
      ...(this.settings.kind === 'oidc' ? { nonce: request.nonce } : {}),
      code_challenge: request.codeChallenge,
      code_challenge_method: 'S256',
    });
  }

  /** Exchanges an authorization code (with its PKCE verifier) for the identity. */
  async exchangeCode(exchange: CodeExchange): Promise<ProviderIdentity> {
    const { client } = await libraries();
    const config = await this.config();
    const callback = new URL(exchange.redirectUri);
    callback.searchParams.set('code', exchange.code);
    if (exchange.state) callback.searchParams.set('state', exchange.state.received);
    if (exchange.iss) callback.searchParams.set('iss', exchange.iss);
    const oidc = this.settings.kind === 'oidc';
    const tokens = await this.guard(() =>
      client.authorizationCodeGrant(config, callback, {
        pkceCodeVerifier: exchange.codeVerifier,
        // An app calling socialLogin checked state itself; the redirect flow checks it here.
        expectedState: exchange.state ? exchange.state.expected : client.skipStateCheck,
        ...(oidc ? { expectedNonce: exchange.nonce ?? undefined, idTokenExpected: true } : {}),
      }),
    );
    if (oidc) return identityFromClaims(tokens.claims()!);
    return this.githubIdentity(config, tokens.access_token);
  }

  /**
   * Validates an ID token a native SDK obtained: signature by the provider's JWKS, an asymmetric
   * algorithm, the exact issuer, audience = our client id, expiry, and the nonce when one is sent
   * or carried.
   */
  async verifyIdToken(idToken: string, nonce: string | null | undefined): Promise<ProviderIdentity> {
    if (this.settings.kind !== 'oidc') {
      throw new AuthError(ErrorCode.BAD_USER_INPUT, { field: 'idToken', message: `${this.settings.displayName} does not issue ID tokens; use code.` });
    }
    const { jose } = await libraries();
    const metadata = (await this.config()).serverMetadata();
    const { payload } = await this.guard(() =>
      jose.jwtVerify(idToken, this.jwks(jose, metadata.jwks_uri!), {
        issuer: metadata.issuer,
        audience: this.settings.clientId,
        algorithms: ID_TOKEN_ALGORITHMS,
        requiredClaims: ['sub', 'exp', 'iat'],
      }),
    );
    if ((payload.nonce !== undefined || nonce) && payload.nonce !== nonce) {
      throw new AuthError(ErrorCode.SOCIAL_LOGIN_FAILED, { cause: new Error('nonce mismatch') });
    }
    return identityFromClaims(payload as Oidc.IDToken);
  }

  private jwksSet: ReturnType<typeof import('jose', { with: { 'resolution-mode': 'import' } })['createRemoteJWKSet']> | undefined;
  private jwks(jose: typeof import('jose', { with: { 'resolution-mode': 'import' } }), uri: string) {
    this.jwksSet ??= jose.createRemoteJWKSet(new URL(uri));
    return this.jwksSet;
  }

  /** Discovery (OIDC) or GitHub's fixed endpoints; retried on the next use if it failed. */
  private config(): Promise<Oidc.Configuration> {
    this.configuration ??= this.createConfig().catch((error: unknown) => {
      this.configuration = undefined;
      throw new AuthError(ErrorCode.SOCIAL_LOGIN_FAILED, { message: `${this.settings.displayName} cannot be reached. Try again later.`, cause: error });
    });
    return this.configuration;
  }

  private async createConfig(): Promise<Oidc.Configuration> {
    const { client } = await libraries();
    const { kind, issuer, clientId, clientSecret } = this.settings;
    const insecure = this.social.allowInsecure ? [client.allowInsecureRequests] : [];
    if (kind === 'oidc') {
      return client.discovery(new URL(issuer), clientId, clientSecret, client.ClientSecretBasic(clientSecret), { execute: insecure });
    }
    const config = new client.Configuration(
      { issuer, authorization_endpoint: `${issuer}/login/oauth/authorize`, token_endpoint: `${issuer}/login/oauth/access_token` },
      clientId,
      clientSecret,
      client.ClientSecretPost(clientSecret),
    );
    for (const allow of insecure) allow(config);
    return config;
  }

  /** GitHub: the user's numeric id is the subject; only a primary, verified address counts. */
  private async githubIdentity(config: Oidc.Configuration, accessToken: string): Promise<ProviderIdentity> {
    const { client } = await libraries();
    const api = this.settings.apiUrl!;
    const get = async <T>(path: string) => {
      const response = await this.guard(() =>
        client.fetchProtectedResource(config, accessToken, new URL(`${api}${path}`), 'GET', undefined, new Headers({ accept: 'application/vnd.github+json' })),
      );
      if (!response.ok) throw new AuthError(ErrorCode.SOCIAL_LOGIN_FAILED, { cause: new Error(`GitHub ${path}: ${response.status}`) });
      return (await response.json()) as T;
    };
    const user = await get<{ id: number; name: string | null; login: string }>('/user');
    const emails = await get<{ email: string; primary: boolean; verified: boolean }[]>('/user/emails');
    const primary = emails.find((e) => e.primary && e.verified) ?? emails.find((e) => e.verified);
    return { issuer: this.settings.issuer, subject: String(user.id), email: primary?.email ?? null, emailVerified: Boolean(primary), name: user.name ?? user.login, amr: [] };
  }

  /** Any failure talking to the provider or validating its answer is one client-facing error. */
  private async guard<T>(work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      if (error instanceof AuthError) throw error;
      throw new AuthError(ErrorCode.SOCIAL_LOGIN_FAILED, { cause: error });
    }
  }
}

function identityFromClaims(claims: Oidc.IDToken): ProviderIdentity {
  const email = typeof claims.email === 'string' ? claims.email : null;
  const name = typeof claims.name === 'string' ? claims.name : null;
  const amr = Array.isArray(claims.amr) ? claims.amr.filter((v): v is string => typeof v === 'string') : [];
  return { issuer: claims.iss, subject: claims.sub, email, emailVerified: claims.email_verified === true, name, amr };
}

/** The configured providers by id. */
export class SocialProviders {
  private readonly byId: Map<string, SocialProvider>;

  constructor(social: SocialConfig) {
    this.byId = new Map(social.providers.map((p) => [p.id, new SocialProvider(p, social)]));
  }

  list(): SocialProvider[] {
    return [...this.byId.values()];
  }

  /** The provider, or BAD_USER_INPUT naming the field. */
  get(id: string, field = 'provider'): SocialProvider {
    const provider = this.byId.get(id);
    if (!provider) throw new AuthError(ErrorCode.BAD_USER_INPUT, { field, message: 'No such sign-in provider.' });
    return provider;
  }
}

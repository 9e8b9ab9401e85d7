import { createHash, createPrivateKey, createPublicKey, createSecretKey, type JsonWebKey, type KeyObject, randomUUID } from 'node:crypto';
import jwt from 'jsonwebtoken';
import type { JwtConfig } from '../config';

/** The `typ` header of our access tokens (RFC 9068): nothing else is accepted as one. */
export const ACCESS_TOKEN_TYPE = 'at+jwt';
export const CLOCK_TOLERANCE_SECONDS = 5;

export interface AccessTokenClaims {
  sub: string;
  sid: string;
  jti: string;
  iat: number;
  exp: number;
  /** How the session was proved (RFC 8176), and its assurance level (`aal1`, `aal2`). */
  amr?: string[];
  acr?: string;
}

/** What an access token says about how its session was proved. */
export interface Assurance {
  amr: string[];
  acr: 'aal1' | 'aal2';
}

export interface SignedAccessToken {
  token: string;
  expiresAt: Date;
}

interface VerificationKey {
  key: KeyObject;
  jwk?: JsonWebKey;
}

/** Why a presented access token was refused (logged, never sent). */
export class InvalidAccessToken extends Error {
  override readonly name = 'InvalidAccessToken';
}

/**
 * Signs and verifies access JWTs with keys prepared once as KeyObjects (a string key is parsed on
 * every call, about 3× slower). Verification pins one algorithm, the issuer and the audience,
 * requires `typ: at+jwt` and resolves `kid` only from our own static map: `jku`, `jwk`, `x5u` and
 * `x5c` headers are never consulted (RFC 8725 §3.1, §3.10).
 */
export class AccessTokenSigner {
  private readonly algorithm: JwtConfig['algorithm'];
  private readonly signingKey: KeyObject;
  readonly signingKid: string;
  private readonly verificationKeys = new Map<string, VerificationKey>();
  /**
   * Tokens whose signature and claims were already verified, by their exact text: an ES256
   * verification costs about a third of a bare GraphQL request, and a client sends the same token
   * for its whole lifetime. Only successes are kept (so only tokens we issued), each is still
   * checked for expiry against the clock, and the keys never change while the process runs.
   */
  private readonly verified = new Map<string, AccessTokenClaims>();

  constructor(
    private readonly config: JwtConfig,
    private readonly verifiedCacheSize = 0,
  ) {
    this.algorithm = config.algorithm;
    if (config.algorithm === 'HS256') {
      this.signingKey = createSecretKey(Buffer.from(config.signingKey, 'utf8'));
      for (const secret of [config.signingKey, ...config.previousKeys]) {
        this.verificationKeys.set(secretKid(secret), { key: createSecretKey(Buffer.from(secret, 'utf8')) });
      }
    } else {
      this.signingKey = createPrivateKey(config.signingKey);
      const publicKeys = [createPublicKey(this.signingKey), ...config.previousKeys.map((pem) => createPublicKey(pem))];
      for (const key of publicKeys) {
        const jwk = key.export({ format: 'jwk' });
        this.verificationKeys.set(thumbprint(jwk), { key, jwk });
      }
    }
    this.signingKid = [...this.verificationKeys.keys()][0]!;
  }

  /** A new access token for session `sid` of user `sub`; `extra` claims (roles) never replace ours. */
  sign(sub: string, sid: string, now: Date, assurance?: Assurance, extra: Record<string, unknown> = {}): SignedAccessToken {
    const iat = Math.floor(now.getTime() / 1000);
    const exp = iat + this.config.accessTokenTtlSeconds;
    const token = jwt.sign({ ...extra, sub, sid, iat, exp, ...assurance }, this.signingKey, {
      algorithm: this.algorithm,
      keyid: this.signingKid,
      issuer: this.config.issuer,
      audience: this.config.audience,
      jwtid: randomUUID(),
      header: { alg: this.algorithm, typ: ACCESS_TOKEN_TYPE, kid: this.signingKid },
    });
    return { token, expiresAt: new Date(exp * 1000) };
  }

  /**
   * The claims of a valid access token, or InvalidAccessToken. `remembered` is true when this
   * exact token passed every check before (see `remember`), so the caller's own checks on first
   * sight (the session binding) need not run again.
   */
  verify(token: string, now: Date): { claims: AccessTokenClaims; remembered: boolean } {
    const cached = this.verified.get(token);
    if (cached) {
      if (Math.floor(now.getTime() / 1000) < cached.exp + CLOCK_TOLERANCE_SECONDS) return { claims: cached, remembered: true };
      this.verified.delete(token);
      throw new InvalidAccessToken('jwt expired');
    }
    return { claims: this.verifySignatureAndClaims(token, now), remembered: false };
  }

  /** Keeps a token that passed every check, ours and the caller's, until it expires. */
  remember(token: string, claims: AccessTokenClaims): void {
    if (this.verifiedCacheSize === 0) return;
    this.verified.set(token, claims);
    // Oldest first out: a Map iterates in insertion order.
    if (this.verified.size > this.verifiedCacheSize) this.verified.delete(this.verified.keys().next().value!);
  }

  private verifySignatureAndClaims(token: string, now: Date): AccessTokenClaims {
    const decoded = jwt.decode(token, { complete: true });
    if (!decoded || typeof decoded.payload === 'string') throw new InvalidAccessToken('not a JWT');
    const { header } = decoded;
    if (header.typ !== ACCESS_TOKEN_TYPE) throw new InvalidAccessToken('wrong typ');
    // We implement no JWS extension, so any critical one is one we do not understand (RFC 7515 §4.1.11).
    if ((header as { crit?: unknown }).crit !== undefined) throw new InvalidAccessToken('crit header');
    const entry = typeof header.kid === 'string' ? this.verificationKeys.get(header.kid) : undefined;
    if (!entry) throw new InvalidAccessToken('unknown kid');
    let claims: jwt.JwtPayload;
    try {
      claims = jwt.verify(token, entry.key, {
        algorithms: [this.algorithm],
        issuer: this.config.issuer,
        audience: this.config.audience,
        clockTolerance: CLOCK_TOLERANCE_SECONDS,
        clockTimestamp: Math.floor(now.getTime() / 1000),
      }) as jwt.JwtPayload;
    } catch (error) {
      throw new InvalidAccessToken((error as Error).message);
    }
    const { sub, sid, jti, iat, exp } = claims as Partial<AccessTokenClaims>;
    if (typeof sub !== 'string' || typeof sid !== 'string' || typeof jti !== 'string' || typeof iat !== 'number' || typeof exp !== 'number') {
      throw new InvalidAccessToken('missing claims');
    }
    // Defence in depth should a signing key leak (RFC 8725 §3.10): we never issue a token dated in
    // the future, nor one that lives longer than the configured TTL.
    if (iat > Math.floor(now.getTime() / 1000) + CLOCK_TOLERANCE_SECONDS) throw new InvalidAccessToken('iat in the future');
    if (exp - iat > this.config.accessTokenTtlSeconds) throw new InvalidAccessToken('lifetime longer than the TTL');
    const { amr, acr } = claims as Partial<AccessTokenClaims>;
    return Object.freeze({ sub, sid, jti, iat, exp, ...(Array.isArray(amr) ? { amr } : {}), ...(typeof acr === 'string' ? { acr } : {}) });
  }

  /** The public keys other services verify our tokens with (empty for HS256, which has none). */
  jwks(): { keys: JsonWebKey[] } {
    if (this.algorithm === 'HS256') return { keys: [] };
    return {
      keys: [...this.verificationKeys].map(([kid, { jwk }]) => ({ ...jwk, kid, alg: this.algorithm, use: 'sig' })),
    };
  }
}

/** RFC 7638 JWK thumbprint: a key id derived from the key itself, stable across restarts. */
function thumbprint(jwk: JsonWebKey): string {
  const canonical = JSON.stringify({ crv: jwk.crv, kty: jwk.kty, x: jwk.x, y: jwk.y });
  return createHash('sha256').update(canonical).digest('base64url');
}

/** A key id for a shared secret that reveals nothing about it. */
function secretKid(secret: string): string {
  return createHash('sha256').update(`gatehouse-kid:${secret}`).digest('base64url').slice(0, 16);
}

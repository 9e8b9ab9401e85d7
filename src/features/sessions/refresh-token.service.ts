import type { EntityManager } from '@mikro-orm/postgresql';
import type { Clock } from '../../clock';
import type { Config } from '../../config';
import type { AccessTokenSigner, Assurance, SignedAccessToken } from '../../crypto/jwt';
import { createOpaqueToken, hashToken } from '../../crypto/opaque-token';
import { RefreshToken, Session } from '../../db/entities';
import { inTransaction } from '../../db/transaction';
import { AuthError, ErrorCode } from '../../errors';
import type { SessionService } from './session.service';

/** Prefix of opaque refresh tokens. */
export const REFRESH_TOKEN_PREFIX = 'gthr_';

export interface IssuedTokens {
  session: Session;
  access: SignedAccessToken;
  refreshToken: string;
}

/** JWT sessions: a refresh-token family per session, rotated on every use. */
export class RefreshTokenService {
  constructor(
    private readonly config: Pick<Config, 'jwt' | 'roles'>,
    private readonly clock: Clock,
    private readonly signer: AccessTokenSigner,
    private readonly sessions: SessionService,
  ) {}

  /** The first access and refresh tokens of a new JWT session; the caller flushes. */
  issue(em: EntityManager, session: Session): IssuedTokens {
    const refreshToken = this.addRefreshToken(em, session);
    return { session, access: this.accessToken(session, this.clock.now()), refreshToken };
  }

  /**
   * Exchanges a refresh token for a new pair. The token is claimed with one conditional UPDATE,
   * so of racing uses exactly one wins; the claim, the new token and the session's activity
   * commit together, so a failure midway leaves the presented token usable (SEC-62). A token
   * presented after its use is REFRESH_TOKEN_REUSED; beyond the grace window that is taken as
   * theft and the whole family (the session, and with it every access token naming it) is
   * revoked (RFC 9700 §4.14.2), and that revocation is committed before the error is answered.
   */
  async rotate(em: EntityManager, presented: string): Promise<IssuedTokens> {
    if (!presented.startsWith(REFRESH_TOKEN_PREFIX)) throw new AuthError(ErrorCode.UNAUTHENTICATED);
    const tokenHash = hashToken(presented);
    const now = this.clock.now();
    const outcome = await inTransaction(em, async (tx): Promise<IssuedTokens | ErrorCode> => {
      const claimed = await tx.nativeUpdate(RefreshToken, { tokenHash, usedAt: null }, { usedAt: now });
      const token = await tx.findOne(RefreshToken, { tokenHash }, { populate: ['session', 'session.user'] });
      if (!token) return ErrorCode.UNAUTHENTICATED;
      const { session } = token;
      if (claimed === 0) {
        // Read after the claim: it waited for a rotation in flight to commit, and that rotation's
        // usedAt is its commit time, so a client retrying during a stall is not taken for a thief.
        const sinceUse = this.clock.now().getTime() - (token.usedAt?.getTime() ?? 0);
        if (sinceUse > this.config.jwt.refreshReuseGraceSeconds * 1000) {
          await this.sessions.revokeSession(tx, session.id, 'refresh_token_reuse');
        }
        return ErrorCode.REFRESH_TOKEN_REUSED;
      }
      if (!session.isLiveAt(now) || !session.user.isActive) return ErrorCode.UNAUTHENTICATED;
      session.lastSeenAt = now; // refreshing is the activity that keeps a JWT session alive
      const refreshToken = this.addRefreshToken(tx, session);
      await tx.flush();
      // The grace window runs from when the rotation commits, not from when the request came in
      // (which, during a database stall, can be long before).
      await tx.nativeUpdate(RefreshToken, { tokenHash }, { usedAt: this.clock.now() });
      return { session, access: this.accessToken(session, now), refreshToken };
    });
    if (typeof outcome === 'string') throw new AuthError(outcome);
    return outcome;
  }

  /** An access token of the session: its assurance, and the user's roles now (JWT_ROLES_CLAIM), for services that verify it themselves. */
  private accessToken(session: Session, now: Date) {
    return this.signer.sign(session.user.id, session.id, now, assuranceOf(session), { [this.config.roles.jwtClaim]: [...session.user.roles] });
  }

  private addRefreshToken(em: EntityManager, session: Session): string {
    const token = createOpaqueToken(REFRESH_TOKEN_PREFIX);
    em.create(RefreshToken, { session, tokenHash: hashToken(token), createdAt: this.clock.now() });
    return token;
  }
}

/** The `amr` and `acr` an access token of `session` carries. */
export function assuranceOf(session: Pick<Session, 'amr' | 'secondFactorAt'>): Assurance {
  return { amr: [...session.amr], acr: session.secondFactorAt ? 'aal2' : 'aal1' };
}

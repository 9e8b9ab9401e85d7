import type { EntityManager } from '@mikro-orm/postgresql';
import type { AuthenticatedCaller, Caller } from '../../context/context';
import { ApiTokenScope, Session } from '../../db/entities';
import { AuthError, ErrorCode } from '../../errors';
import { rolesOf } from '../roles/roles';

export const ADMIN_ROLE = 'admin';

/**
 * Who may use the admin API (SEC-64): a caller acting with the `admin` role, at aal2. A session
 * (cookie, session token, JWT) must have proved a second factor; an API token needs the ADMIN
 * scope (which only users with a second factor can give a token) and the `admin` role given to
 * it; Basic, which carries a password alone, never. A trusted proxy is trusted to have done it.
 * FORBIDDEN otherwise, UNAUTHENTICATED without a caller.
 */
export async function assertAdmin(em: EntityManager, caller: Caller): Promise<AuthenticatedCaller> {
  if (caller.kind !== 'user') throw new AuthError(ErrorCode.UNAUTHENTICATED);
  if (!rolesOf(caller).includes(ADMIN_ROLE)) throw new AuthError(ErrorCode.FORBIDDEN);
  if (caller.method === 'API_TOKEN') {
    if (!caller.apiToken?.scopes.includes(ApiTokenScope.ADMIN)) throw new AuthError(ErrorCode.INSUFFICIENT_SCOPE);
    return caller;
  }
  if (caller.method === 'PROXY') return caller;
  const session = caller.sessionId ? await em.findOne(Session, { id: caller.sessionId }, { fields: ['secondFactorAt'] }) : null;
  if (!session?.secondFactorAt) {
    throw new AuthError(ErrorCode.REAUTH_REQUIRED, { message: 'The admin API needs a session that proved a second factor (reauthenticate with a code).' });
  }
  return caller;
}

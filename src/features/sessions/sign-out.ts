import type { Context } from '../../context/context';
import { clearSessionCookieIfSent } from '../../context/session-cookie';

/**
 * Ends the credential the request came with, whatever its kind: its session (cookie, session
 * token, JWT family) or its API token; with `everywhere`, every session and JWT family of the
 * user (API tokens are revoked on their own). Clears a session cookie that was sent. False when
 * there is nothing to end (anonymous, or Basic and trusted-proxy callers, which hold no credential
 * of ours).
 */
export async function signOut(ctx: Context, everywhere: boolean): Promise<boolean> {
  const { em, request, effects, services, caller } = ctx;
  clearSessionCookieIfSent(services.config, request, effects);
  if (caller.kind !== 'user') return false;
  if (everywhere) {
    await services.sessions.revokeAllSessions(em, caller.userView.id, 'logout_everywhere');
    return true;
  }
  if (caller.apiToken) return services.apiTokens.revoke(em, caller.userView.id, caller.apiToken.id);
  if (!caller.sessionId) return false;
  await services.sessions.revokeSession(em, caller.sessionId, 'logout');
  return true;
}

import type { DatabaseNotifications } from '../db/notifications';
import { API_TOKEN_CHANGED_CHANNEL } from '../features/api-tokens/api-token.service';
import { REVOCATION_CHANNEL } from '../features/sessions/revoked-sessions';
import { SESSION_CHANGED_CHANNEL } from '../features/sessions/session.service';
import type { AuthenticatedCaller } from './context';
import { USER_CHANGED_CHANNEL } from './user-cache';

/** Every watched credential is checked again at least this often: expiry is noticed within it. */
const RECHECK_MS = 1_000;

export interface Watched {
  caller: AuthenticatedCaller;
  /** Resolves the credential again; calls for the end of the connection when it no longer holds. */
  recheck(): Promise<void>;
}

/**
 * Long-lived connections (WebSocket subscriptions) keep the credential they opened with, so it
 * must be checked again while they live: at once when the database announces a change to its
 * session, user or API token (a revocation, a deactivation, by anyone on any instance), and every
 * RECHECK_MS in any case, which catches expiry and covers a silent listener. A check is the same
 * credential resolution as a request's, through the same caches, so it costs memory lookups.
 */
export class CredentialWatch {
  private readonly watched = new Set<Watched>();
  private readonly sweep: NodeJS.Timeout;

  constructor(notifications: DatabaseNotifications) {
    const onChange = (matching: (id: string) => (caller: AuthenticatedCaller) => boolean) => (id: string) => {
      const matches = matching(id);
      for (const entry of this.watched) if (matches(entry.caller)) void entry.recheck();
    };
    // Each channel's payload is the id of the row that changed.
    const ofSession = onChange((id) => (c) => c.sessionId === id);
    notifications.subscribe(REVOCATION_CHANNEL, ofSession);
    notifications.subscribe(SESSION_CHANGED_CHANNEL, ofSession);
    notifications.subscribe(USER_CHANGED_CHANNEL, onChange((id) => (c) => c.userView.id === id));
    notifications.subscribe(API_TOKEN_CHANGED_CHANNEL, onChange((id) => (c) => c.apiToken?.id === id));
    this.sweep = setInterval(() => {
      for (const entry of this.watched) void entry.recheck();
    }, RECHECK_MS);
    this.sweep.unref();
  }

  /** Watches a credential until the returned function is called (the connection closed). */
  watch(entry: Watched): () => void {
    this.watched.add(entry);
    return () => this.watched.delete(entry);
  }

  stop(): void {
    clearInterval(this.sweep);
    this.watched.clear();
  }
}

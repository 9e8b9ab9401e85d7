import type { EntityManager } from '@mikro-orm/postgresql';
import type { AuthenticatedCaller } from '../../context/context';
import { Session } from '../../db/entities';
import type { Services } from '../../services';
import { isUuid } from './credential-id';
import { Credential, CredentialType } from './credential.types';

/** What marks a credential `current`: the request's own session or API token (none for an administrator's view). */
export type CurrentCredential = Pick<AuthenticatedCaller, 'sessionId'> & { apiToken: Pick<NonNullable<AuthenticatedCaller['apiToken']>, 'id'> | null };

/** Every live credential of the user, newest first: sessions, JWT families, API tokens and trusted devices. */
export async function listCredentials(em: EntityManager, services: Services, userId: string, current: CurrentCredential | null): Promise<Credential[]> {
  const now = services.clock.now();
  const sessions = await em.find(Session, { user: userId, revokedAt: null, expiresAt: { $gt: now } });
  const apiTokens = await services.apiTokens.listLive(em, userId);
  const devices = await services.trustedDevices.listLive(em, userId);
  const fromSessions = sessions
    .filter((s) => s.isLiveAt(now))
    .map((s) =>
      Object.assign(new Credential(), {
        id: s.id,
        kind: s.credentialKind as unknown as CredentialType,
        name: null,
        createdAt: s.createdAt,
        lastUsedAt: s.lastSeenAt,
        expiresAt: s.idleExpiresAt < s.expiresAt ? s.idleExpiresAt : s.expiresAt,
        ipAddress: s.ipAddress,
        userAgent: s.userAgent,
        current: current !== null && s.id === current.sessionId,
        scopes: null,
        amr: s.amr,
        assuranceLevel: s.secondFactorAt ? 'aal2' : 'aal1',
      }),
    );
  const fromTokens = apiTokens.map((t) =>
    Object.assign(new Credential(), {
      id: t.id,
      kind: CredentialType.API_TOKEN,
      name: t.name,
      createdAt: t.createdAt,
      lastUsedAt: t.lastUsedAt,
      expiresAt: t.expiresAt,
      ipAddress: null,
      userAgent: null,
      current: current !== null && t.id === current.apiToken?.id,
      scopes: t.scopes,
      amr: null,
      assuranceLevel: null,
    }),
  );
  const fromDevices = devices.map((d) =>
    Object.assign(new Credential(), {
      id: d.id,
      kind: CredentialType.TRUSTED_DEVICE,
      name: null,
      createdAt: d.createdAt,
      lastUsedAt: d.lastUsedAt,
      expiresAt: d.expiresAt,
      ipAddress: d.ipAddress,
      userAgent: d.userAgent,
      current: false,
      scopes: null,
      amr: null,
      assuranceLevel: null,
    }),
  );
  return [...fromSessions, ...fromTokens, ...fromDevices].sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime());
}

/**
 * Revokes one of the caller's credentials by id; false when the id is not a live credential of
 * theirs (someone else's id looks exactly like an unknown one).
 */
export async function revokeCredential(em: EntityManager, services: Services, caller: AuthenticatedCaller, id: string): Promise<boolean> {
  if (!isUuid(id)) return false;
  const session = await em.findOne(Session, { id, user: caller.user.id, revokedAt: null });
  if (session) {
    await services.sessions.revokeSession(em, session.id, 'revoked_by_user');
    return true;
  }
  if (await services.trustedDevices.revoke(em, caller.user.id, id)) return true;
  return services.apiTokens.revoke(em, caller.user.id, id);
}

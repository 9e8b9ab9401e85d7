import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import type { Gatehouse } from 'gatehouse';
import { parse } from 'graphql';
import { inject } from 'vitest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CreateApiTokenDocument, RefreshTokenDocument } from '../../../test/generated/graphql';
import { type AuthSuccessFields, callerKinds, registerUser, signInAs, uniqueEmail } from '../../../test/helpers/accounts';
import { errorCode, TestClient } from '../../../test/helpers/client';
import { createTestDatabase } from '../../../test/helpers/database';
import { eventually } from '../../../test/helpers/eventually';
import { testEnv, testLogger } from '../../../test/helpers/test-server';
import { createNotesApi } from '../src/app';

/**
 * The notes API of examples/notes-api: an app on Gatehouse with its own entity, resolvers and
 * migration, served with register/login/me by one server, over a real PostgreSQL.
 */
const doc = <R, V = Record<string, unknown>>(source: string) => parse(source) as unknown as TypedDocumentNode<R, V>;
type NoteFields = { id: string; text: string };
const NOTES = doc<{ notes: NoteFields[] }>('{ notes { id text } }');
const CREATE = doc<{ createNote: NoteFields }, { text: string }>('mutation($text: String!) { createNote(text: $text) { id text } }');
const DELETE = doc<{ deleteNote: boolean }, { id: string }>('mutation($id: ID!) { deleteNote(id: $id) }');
const COUNT = doc<{ noteCount: number }>('{ noteCount }');
const ROLES = doc<{ me: { roles: string[] } | null }>('{ me { roles } }');

interface Running {
  api: Gatehouse;
  graphqlUrl: string;
  databaseUrl: string;
}

async function start(databaseUrl?: string): Promise<Running> {
  const url = databaseUrl ?? (await createTestDatabase(inject('adminUrl'), inject('templateDatabase')));
  const settings = testEnv({ DATABASE_URL: url, AUTH_BASIC_ENABLED: 'true' });
  const api = await createNotesApi(settings, { logger: testLogger(settings) });
  const port = await api.listen(0, '127.0.0.1');
  return { api, graphqlUrl: `http://127.0.0.1:${port}/graphql`, databaseUrl: url };
}

let server: Running;
beforeAll(async () => {
  server = await start();
});
afterAll(() => server?.api.close());

const anonymous = () => new TestClient(server.graphqlUrl);

/** A signed-in user who is made an admin by an operator (the library's roles service). */
async function admin(kind: (typeof callerKinds)[number] = 'COOKIE') {
  const email = uniqueEmail('admin');
  const signedIn = await signInAs(server, kind, email);
  await server.api.services.roles.set(server.api.orm.em.fork(), signedIn.result.user.id, ['admin']);
  return signedIn;
}

describe.each(callerKinds)('the notes API over %s', (kind) => {
  it('keeps each user’s notes to themselves: listed, created and deleted only by their owner', async () => {
    const alice = await signInAs(server, kind);
    const bob = await signInAs(server, kind);
    const created = (await alice.client.request(CREATE, { text: '  buy milk ' })).data!.createNote;
    expect(created.text).toBe('buy milk');
    expect((await alice.client.request(NOTES)).data!.notes).toEqual([created]);
    expect((await bob.client.request(NOTES)).data!.notes).toEqual([]);
    expect(errorCode(await bob.client.request(DELETE, { id: created.id }))).toBe('NOT_FOUND');
    expect((await alice.client.request(DELETE, { id: created.id })).data!.deleteNote).toBe(true);
    expect((await alice.client.request(NOTES)).data!.notes).toEqual([]);
  });

  it('refuses the admin-only query to a user without the role (FORBIDDEN), and answers it for an admin', async () => {
    const user = await signInAs(server, kind);
    expect(errorCode(await user.client.request(COUNT))).toBe('FORBIDDEN');
    const root = await (kind === 'API_TOKEN' ? adminToken() : admin(kind));
    expect((await root.client.request(COUNT)).data?.noteCount).toBeGreaterThanOrEqual(0);
  });
});

/** An admin's API token that was given the admin role (tokens act only with the roles they are given). */
async function adminToken() {
  const owner = await admin('COOKIE');
  const created = await owner.client.request(CreateApiTokenDocument, { input: { name: 'ops', roles: ['admin'] } });
  const client = new TestClient(server.graphqlUrl);
  client.authorization = `Bearer ${created.data!.createApiToken.token}`;
  return { ...owner, client };
}

describe('the notes API without a credential', () => {
  it('answers UNAUTHENTICATED for every field of the app', async () => {
    expect(errorCode(await anonymous().request(NOTES))).toBe('UNAUTHENTICATED');
    expect(errorCode(await anonymous().request(COUNT))).toBe('UNAUTHENTICATED');
    expect(errorCode(await anonymous().request(CREATE, { text: 'x' }))).toBe('UNAUTHENTICATED');
  });

  it('validates the app’s own input with the same error shape as Gatehouse’s', async () => {
    const { client } = await registerUser(server);
    const response = await client.request(CREATE, { text: '   ' });
    expect(response.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'text' });
  });
});

describe('roles', () => {
  it('me { roles } lists the user’s roles; a role given or taken is seen by the next request', async () => {
    const { client, result } = await registerUser(server);
    expect((await client.request(ROLES)).data!.me!.roles).toEqual(['user']);
    const em = server.api.orm.em.fork();
    await server.api.services.roles.set(em, result.user.id, ['admin']);
    expect((await client.request(ROLES)).data!.me!.roles).toEqual(['user', 'admin']);
    expect((await client.request(COUNT)).errors).toBeUndefined();
    await server.api.services.roles.set(em, result.user.id, []);
    expect(errorCode(await client.request(COUNT))).toBe('FORBIDDEN');
  });

  it('a role taken away on one instance is refused by another within a second (NOTIFY), for cookies and JWTs alike', async () => {
    const other = await start(server.databaseUrl);
    try {
      const cookie = await admin('COOKIE');
      const jwt = await admin('JWT');
      const elsewhere = [cookie.client.clone(other.graphqlUrl), jwt.client.clone(other.graphqlUrl)];
      for (const client of elsewhere) expect((await client.request(COUNT)).errors).toBeUndefined();
      const em = server.api.orm.em.fork();
      for (const who of [cookie, jwt]) await server.api.services.roles.set(em, who.result.user.id, []);
      await eventually(async () => {
        for (const client of elsewhere) expect(errorCode(await client.request(COUNT))).toBe('FORBIDDEN');
      });
    } finally {
      await other.api.close();
    }
  });

  it('a role change is a security state change: mailed links pending before it are void (SEC-60)', async () => {
    const { email, result } = await registerUser(server);
    await anonymous().request(doc<{ requestPasswordReset: boolean }, { email: string }>('mutation($email: String!) { requestPasswordReset(email: $email) }'), { email });
    const em = server.api.orm.em.fork();
    const pending = (purpose: string) =>
      em.getConnection().execute<{ n: number }[]>('select count(*)::int as n from email_tokens where user_id = ? and purpose = ? and used_at is null', [result.user.id, purpose]);
    // The verification link from registration, and the reset link (issued just after the answer).
    await eventually(async () => expect([await pending('VERIFY_EMAIL'), await pending('RESET_PASSWORD')]).toEqual([[{ n: 1 }], [{ n: 1 }]]));
    await server.api.services.roles.set(em, result.user.id, ['admin']);
    expect([await pending('VERIFY_EMAIL'), await pending('RESET_PASSWORD')]).toEqual([[{ n: 0 }], [{ n: 0 }]]);
  });

  it('unknown roles are refused; the change is on the user’s trail, with who made it, in its own transaction', async () => {
    const { result } = await registerUser(server);
    const { result: operator } = await registerUser(server);
    const em = server.api.orm.em.fork();
    await expect(server.api.services.roles.set(em, result.user.id, ['root'])).rejects.toMatchObject({ code: 'BAD_USER_INPUT' });
    await server.api.services.roles.set(em, result.user.id, ['admin'], operator.user.id);
    const rows = await em.getConnection().execute<{ detail: string; actor_id: string | null }[]>(`select detail, actor_id from auth_events where user_id = ? and type = 'ROLES_CHANGED'`, [result.user.id]);
    expect(rows).toEqual([{ detail: 'user -> user,admin', actor_id: operator.user.id }]);
  });

  it('access tokens carry the roles in JWT_ROLES_CLAIM as of their issue; the next refresh has the new ones', async () => {
    const { client, result } = await registerUser(server, 'JWT');
    const claims = (token: string) => JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()) as { roles: string[] };
    expect(claims(result.accessToken!).roles).toEqual(['user']);
    await server.api.services.roles.set(server.api.orm.em.fork(), result.user.id, ['admin']);
    const refreshed = await client.request(RefreshTokenDocument, { refreshToken: client.refreshToken! });
    expect(claims((refreshed.data!.refreshToken as AuthSuccessFields).accessToken!).roles).toEqual(['user', 'admin']);
  });
});

describe('API tokens and roles', () => {
  it('a token acts only with the roles it was given, while its user still holds them', async () => {
    const owner = await admin('COOKIE');
    const plain = await owner.client.request(CreateApiTokenDocument, { input: { name: 'plain' } });
    const withAdmin = await owner.client.request(CreateApiTokenDocument, { input: { name: 'ops', roles: ['admin'] } });
    expect(withAdmin.data!.createApiToken.apiToken.roles).toEqual(['admin']);
    const bearer = (token: string) => Object.assign(new TestClient(server.graphqlUrl), { authorization: `Bearer ${token}` });
    expect(errorCode(await bearer(plain.data!.createApiToken.token).request(COUNT))).toBe('FORBIDDEN');
    const ops = bearer(withAdmin.data!.createApiToken.token);
    expect((await ops.request(COUNT)).errors).toBeUndefined();
    await server.api.services.roles.set(server.api.orm.em.fork(), owner.result.user.id, []);
    expect(errorCode(await ops.request(COUNT))).toBe('FORBIDDEN');
  });

  it('a token cannot be given a role its creator does not act with: not by a user without it, nor by a token without it', async () => {
    const user = await registerUser(server);
    expect(errorCode(await user.client.request(CreateApiTokenDocument, { input: { name: 'x', roles: ['admin'] } }))).toBe('BAD_USER_INPUT');
    const owner = await admin('COOKIE');
    const plain = await owner.client.request(CreateApiTokenDocument, { input: { name: 'plain' } });
    const viaToken = Object.assign(new TestClient(server.graphqlUrl), { authorization: `Bearer ${plain.data!.createApiToken.token}` });
    expect(errorCode(await viaToken.request(CreateApiTokenDocument, { input: { name: 'escalate', roles: ['admin'], currentPassword: owner.password } }))).toBe('BAD_USER_INPUT');
  });

  it('@Authorized("scope:READ") refuses a token without READ (INSUFFICIENT_SCOPE)', async () => {
    const { client } = await registerUser(server);
    const writeOnly = await client.request(CreateApiTokenDocument, { input: { name: 'w', scopes: ['WRITE'] } });
    const token = Object.assign(new TestClient(server.graphqlUrl), { authorization: `Bearer ${writeOnly.data!.createApiToken.token}` });
    expect((await token.request(CREATE, { text: 'written' })).data?.createNote.text).toBe('written');
    expect(errorCode(await token.request(NOTES))).toBe('INSUFFICIENT_SCOPE');
  });
});

describe('the app’s data', () => {
  it('goes with the account: deleting a user deletes their notes (the migration’s foreign key)', async () => {
    const { client, result } = await registerUser(server);
    await client.request(CREATE, { text: 'mine' });
    const em = server.api.orm.em.fork();
    await em.getConnection().execute('delete from users where id = ?', [result.user.id]);
    expect(await em.getConnection().execute('select count(*)::int as n from notes where owner_id = ?', [result.user.id])).toEqual([{ n: 0 }]);
  });
});

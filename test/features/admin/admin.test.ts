import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { parse } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CreateApiTokenDocument, type CredentialKind, LoginDocument, ResetPasswordDocument } from '../../generated/graphql';
import { callerKinds, GOOD_PASSWORD, registerUser, signInAs, uniqueEmail, whoAmI } from '../../helpers/accounts';
import { errorCode, TestClient } from '../../helpers/client';
import { FakeClock } from '../../helpers/clock';
import { eventually } from '../../helpers/eventually';
import { Mailbox } from '../../helpers/mailbox';
import { signInAsAdmin } from '../../helpers/admin';
import { totpCode } from '../../helpers/mfa';
import { settled, sql, startTestServer, type TestServer } from '../../helpers/test-server';

/** The admin API (SEC-64): who may use it, what each action does, and the trail it leaves. */
const doc = <R, V = Record<string, unknown>>(source: string) => parse(source) as unknown as TypedDocumentNode<R, V>;
type AdminUserFields = { user: { id: string; email: string; roles: string[]; emailVerified: boolean }; disabled: boolean; disabledReason: string | null; disabledUntil: string | null };
const FIELDS = 'user { id email roles emailVerified } disabled disabledReason disabledUntil';
const USERS = doc<{ users: { users: AdminUserFields[]; endCursor: string | null; hasMore: boolean } }>(
  `query($filter: UserFilterInput, $first: Int!, $after: String) { users(filter: $filter, first: $first, after: $after) { users { ${FIELDS} } endCursor hasMore } }`,
);
const USER = doc<{ user: AdminUserFields & { credentials: { kind: string }[]; recentEvents: { type: string; actorId: string | null }[] } }>(
  `query($id: ID!) { user(id: $id) { ${FIELDS} credentials { kind } recentEvents { type actorId } } }`,
);
const DISABLE = doc<{ disableUser: AdminUserFields }>(`mutation($id: ID!, $reason: String, $until: DateTime) { disableUser(id: $id, reason: $reason, until: $until) { ${FIELDS} } }`);
const ENABLE = doc<{ enableUser: AdminUserFields }>(`mutation($id: ID!) { enableUser(id: $id) { ${FIELDS} } }`);
const REVOKE = doc<{ revokeUserCredentials: AdminUserFields }>(`mutation($id: ID!) { revokeUserCredentials(id: $id) { ${FIELDS} } }`);
const RESET = doc<{ requirePasswordReset: AdminUserFields }>(`mutation($id: ID!) { requirePasswordReset(id: $id) { ${FIELDS} } }`);
const SET_ROLES = doc<{ setUserRoles: AdminUserFields }>(`mutation($id: ID!, $roles: [String!]!) { setUserRoles(id: $id, roles: $roles) { ${FIELDS} } }`);
const VERIFY = doc<{ verifyUserEmail: AdminUserFields }>(`mutation($id: ID!) { verifyUserEmail(id: $id) { ${FIELDS} } }`);
const RESET_FACTORS = doc<{ resetUserSecondFactors: AdminUserFields }>(`mutation($id: ID!) { resetUserSecondFactors(id: $id) { ${FIELDS} } }`);
const INVITE = doc<{ inviteUser: AdminUserFields }>(`mutation($email: String!, $roles: [String!]) { inviteUser(email: $email, roles: $roles) { ${FIELDS} } }`);
const MFA_REQUIRED = doc<{ setUserMfaRequired: AdminUserFields & { mfaRequired: boolean } }>(`mutation($id: ID!, $required: Boolean!) { setUserMfaRequired(id: $id, required: $required) { ${FIELDS} mfaRequired } }`);
const DELETE = doc<{ deleteUser: boolean }>(`mutation($id: ID!) { deleteUser(id: $id) }`);
const AUDIT = doc<{ auditEvents: { events: { type: string; userId: string | null; actorId: string | null }[] } }>(
  `query($filter: AuditFilterInput) { auditEvents(filter: $filter) { events { type userId actorId } } }`,
);

const clock = new FakeClock();
let mailbox: Mailbox;
let server: TestServer;
beforeAll(async () => {
  mailbox = await new Mailbox().start();
  server = await startTestServer({ clock, env: { SMTP_URL: mailbox.url, AUTH_BASIC_ENABLED: 'true' } });
});
afterAll(async () => {
  await server?.close();
  await mailbox?.close();
});

const admin = (kind: CredentialKind = 'COOKIE') => signInAsAdmin(server, clock, kind);

describe.each(callerKinds)('the admin API over %s (SEC-64)', (kind) => {
  it('is refused to a signed-in user without the admin role', async () => {
    const { client } = await signInAs(server, kind);
    expect(errorCode(await client.request(USERS, { first: 5 }))).toBe('FORBIDDEN');
    const { result } = await registerUser(server);
    expect(errorCode(await client.request(DISABLE, { id: result.user.id }))).toBe('FORBIDDEN');
  });

  it('is refused to an admin whose credential did not prove a second factor', async () => {
    const { client, result } = await signInAs(server, kind);
    await server.app.services.roles.set(server.orm.em.fork(), result.user.id, ['admin']);
    const expected = kind === 'API_TOKEN' ? 'FORBIDDEN' : 'REAUTH_REQUIRED'; // a token without the admin role given to it
    expect(errorCode(await client.request(USERS, { first: 5 }))).toBe(expected);
  });
});

describe('the admin API and its callers (SEC-64)', () => {
  it('answers an aal2 administrator over a cookie, a session token and a JWT', async () => {
    for (const kind of ['COOKIE', 'SESSION_TOKEN', 'JWT'] as const) {
      const { client, email } = await admin(kind);
      const page = await client.request(USERS, { filter: { search: email }, first: 5 });
      expect(page.data?.users.users.map((u) => u.user.email)).toEqual([email]);
    }
    expect(errorCode(await new TestClient(server.graphqlUrl).request(USERS, { first: 5 }))).toBe('UNAUTHENTICATED');
  });

  it('an API token needs the ADMIN scope and the admin role given to it; a READ token never acts', async () => {
    const { cookieClient, secret } = await admin();
    const stepUp = doc<{ reauthenticate: boolean }, { code: string }>('mutation($code: String!) { reauthenticate(totpCode: $code) }');
    expect((await cookieClient.request(stepUp, { code: totpCode(secret, clock.now()) })).data?.reauthenticate).toBe(true);
    clock.advance(30);
    const token = async (scopes: ('READ' | 'WRITE' | 'ADMIN')[]) => {
      const created = await cookieClient.request(CreateApiTokenDocument, { input: { name: scopes.join('+'), scopes, roles: ['admin'] } });
      if (!created.data) throw new Error(created.text);
      return Object.assign(new TestClient(server.graphqlUrl), { authorization: `Bearer ${created.data.createApiToken.token}` });
    };
    expect((await (await token(['READ', 'WRITE', 'ADMIN'])).request(USERS, { first: 1 })).data?.users.users).toHaveLength(1);
    expect(errorCode(await (await token(['READ'])).request(USERS, { first: 1 }))).toBe('INSUFFICIENT_SCOPE');
    const { result } = await registerUser(server);
    expect(errorCode(await (await token(['READ', 'ADMIN'])).request(DISABLE, { id: result.user.id }))).toBe('INSUFFICIENT_SCOPE'); // a mutation needs WRITE
  });

  it('an ADMIN token is only for users with a second factor', async () => {
    const { client, result } = await registerUser(server);
    await server.app.services.roles.set(server.orm.em.fork(), result.user.id, ['admin']);
    const created = await client.request(CreateApiTokenDocument, { input: { name: 'x', scopes: ['READ', 'ADMIN'], roles: ['admin'] } });
    expect(errorCode(created)).toBe('FORBIDDEN');
  });
});

describe('admin actions', () => {
  it('disableUser ends the user’s live JWT on another instance within a second; enableUser lets them sign in again', async () => {
    const { client } = await admin();
    const target = await registerUser(server, 'JWT');
    const other = await startTestServer({ clock, databaseUrl: server.databaseUrl });
    try {
      const elsewhere = target.client.clone(other.graphqlUrl);
      expect(await whoAmI(elsewhere)).toBe(target.email);
      const disabled = await client.request(DISABLE, { id: target.result.user.id, reason: 'chargeback' });
      expect(disabled.data?.disableUser).toMatchObject({ disabled: true, disabledReason: 'chargeback' });
      await eventually(async () => expect(await whoAmI(elsewhere)).toBe('UNAUTHENTICATED'));
      const login = () => new TestClient(server.graphqlUrl).request(LoginDocument, { input: { email: target.email, password: GOOD_PASSWORD } });
      expect(errorCode(await login())).toBe('INVALID_CREDENTIALS');
      expect((await client.request(ENABLE, { id: target.result.user.id })).data?.enableUser.disabled).toBe(false);
      expect((await login()).data?.login?.__typename).toBe('AuthSuccess');
    } finally {
      await other.close();
    }
  });

  it('a ban with an end lifts itself once the time has passed', async () => {
    const { client } = await admin();
    const target = await registerUser(server);
    const until = new Date(clock.now().getTime() + 3600_000).toISOString();
    expect((await client.request(DISABLE, { id: target.result.user.id, until })).data?.disableUser.disabledUntil).toBe(until);
    expect(await server.app.services.admin.liftExpiredBans(server.orm.em.fork())).toBe(0);
    clock.advance(3601);
    expect(await server.app.services.admin.liftExpiredBans(server.orm.em.fork())).toBe(1);
    const login = await new TestClient(server.graphqlUrl).request(LoginDocument, { input: { email: target.email, password: GOOD_PASSWORD } });
    expect(login.data?.login?.__typename).toBe('AuthSuccess');
  });

  it('requirePasswordReset: the old password stops working, sessions end, and the reset link arrives', async () => {
    const { client } = await admin();
    const target = await registerUser(server);
    await client.request(RESET, { id: target.result.user.id });
    expect(await whoAmI(target.client)).toBe('UNAUTHENTICATED');
    const login = await new TestClient(server.graphqlUrl).request(LoginDocument, { input: { email: target.email, password: GOOD_PASSWORD } });
    expect(errorCode(login)).toBe('INVALID_CREDENTIALS');
    expect((await mailbox.waitFor(target.email, /password/i)).token).toMatch(/^gthe_/);
  });

  it('revokeUserCredentials ends sessions and API tokens; setUserRoles and verifyUserEmail change the account', async () => {
    const { client } = await admin();
    const target = await signInAs(server, 'API_TOKEN');
    await client.request(REVOKE, { id: target.result.user.id });
    expect(await whoAmI(target.client)).toBe('UNAUTHENTICATED');
    const roles = await client.request(SET_ROLES, { id: target.result.user.id, roles: ['admin'] });
    expect(roles.data?.setUserRoles.user.roles).toEqual(['user', 'admin']);
    expect(errorCode(await client.request(SET_ROLES, { id: target.result.user.id, roles: ['root'] }))).toBe('BAD_USER_INPUT');
    expect((await client.request(VERIFY, { id: target.result.user.id })).data?.verifyUserEmail.user.emailVerified).toBe(true);
  });

  it('resetUserSecondFactors: TOTP and recovery codes go, sessions end, and the next login has no second step', async () => {
    const { client } = await admin();
    const target = await admin(); // a user with TOTP on (an administrator too, which does not matter here)
    await client.request(RESET_FACTORS, { id: target.id });
    expect(await whoAmI(target.client)).toBe('UNAUTHENTICATED');
    const login = await new TestClient(server.graphqlUrl).request(LoginDocument, { input: { email: target.email, password: GOOD_PASSWORD } });
    expect(login.data?.login?.__typename).toBe('AuthSuccess');
    expect((await mailbox.waitFor(target.email, /^Two-factor authentication was turned off/)).subject).toMatch(/turned off/);
  });

  it('inviteUser: an account with the roles given, finished by the mailed link, which sets the password and verifies the address', async () => {
    const { client, id: adminId } = await admin();
    const email = uniqueEmail('invited');
    const invited = await client.request(INVITE, { email: email.toUpperCase(), roles: ['admin'] });
    expect(invited.data?.inviteUser.user).toMatchObject({ email, roles: ['user', 'admin'], emailVerified: false });
    const mail = await mailbox.waitFor(email, /^You are invited/);
    expect(mail.link?.pathname).toBe('/accept-invite');
    const login = () => new TestClient(server.graphqlUrl).request(LoginDocument, { input: { email, password: GOOD_PASSWORD } });
    expect(errorCode(await login())).toBe('INVALID_CREDENTIALS'); // no way in before the link
    expect((await new TestClient(server.graphqlUrl).request(ResetPasswordDocument, { input: { token: mail.token!, newPassword: GOOD_PASSWORD } })).data?.resetPassword).toBe(true);
    const signedIn = (await login()).data?.login;
    expect(signedIn).toMatchObject({ __typename: 'AuthSuccess', user: { email, emailVerified: true } });
    expect(errorCode(await client.request(INVITE, { email }))).toBe('EMAIL_TAKEN');
    expect(errorCode(await client.request(INVITE, { email: uniqueEmail(), roles: ['root'] }))).toBe('BAD_USER_INPUT');
    const trail = await client.request(AUDIT, { filter: { actorId: adminId, type: 'ADMIN_INVITED_USER' } });
    expect(trail.data?.auditEvents.events).toHaveLength(1);
  });

  it('inviteUser again for an unanswered invitation mails a new link with the roles asked now; the first link stops working; requirePasswordReset mails the invitation too', async () => {
    const { client } = await admin();
    const email = uniqueEmail('invited-twice');
    const first = await client.request(INVITE, { email });
    const firstMail = await mailbox.waitFor(email, /^You are invited/);
    const again = await client.request(INVITE, { email, roles: ['admin'] });
    expect(again.data?.inviteUser.user).toMatchObject({ id: first.data?.inviteUser.user.id, roles: ['user', 'admin'] });
    const secondMail = await mailbox.waitFor(email, /^You are invited/, 2);
    const accept = (token: string) => new TestClient(server.graphqlUrl).request(ResetPasswordDocument, { input: { token, newPassword: GOOD_PASSWORD } });
    expect(errorCode(await accept(firstMail.token!))).toBe('INVALID_TOKEN');
    await client.request(RESET, { id: first.data!.inviteUser.user.id });
    const thirdMail = await mailbox.waitFor(email, /^You are invited/, 3);
    expect(errorCode(await accept(secondMail.token!))).toBe('INVALID_TOKEN');
    expect((await accept(thirdMail.token!)).data?.resetPassword).toBe(true);
    expect(errorCode(await client.request(INVITE, { email }))).toBe('EMAIL_TAKEN'); // answered: no more invitations
  });

  it('setUserMfaRequired: the user’s next sign-in must set up a second factor; off again, it need not', async () => {
    const { client } = await admin();
    const target = await registerUser(server);
    const required = await client.request(MFA_REQUIRED, { id: target.result.user.id, required: true });
    expect(required.data?.setUserMfaRequired.mfaRequired).toBe(true);
    const login = () => new TestClient(server.graphqlUrl).request(LoginDocument, { input: { email: target.email, password: GOOD_PASSWORD } });
    expect((await login()).data?.login).toMatchObject({ __typename: 'PendingStep', step: 'ENROLL_SECOND_FACTOR' });
    await client.request(MFA_REQUIRED, { id: target.result.user.id, required: false });
    expect((await login()).data?.login?.__typename).toBe('AuthSuccess');
    const user = await registerUser(server);
    expect(errorCode(await user.client.request(MFA_REQUIRED, { id: target.result.user.id, required: false }))).toBe('FORBIDDEN');
  });

  it('deleteUser deletes the account; the trail keeps the entry with its actor', async () => {
    const { client, id: adminId } = await admin();
    const target = await registerUser(server);
    expect((await client.request(DELETE, { id: target.result.user.id })).data?.deleteUser).toBe(true);
    expect(errorCode(await client.request(USER, { id: target.result.user.id }))).toBe('NOT_FOUND');
    const trail = await client.request(AUDIT, { filter: { actorId: adminId, type: 'ADMIN_DELETED_USER' } });
    expect(trail.data?.auditEvents.events).toEqual([{ type: 'ADMIN_DELETED_USER', userId: null, actorId: adminId }]);
  });

  it('an administrator cannot disable or delete themselves, nor take their own admin role', async () => {
    const { client, id } = await admin();
    for (const response of [await client.request(DISABLE, { id }), await client.request(DELETE, { id }), await client.request(SET_ROLES, { id, roles: [] })]) {
      expect(errorCode(response)).toBe('BAD_USER_INPUT');
    }
  });
});

describe('what an administrator sees', () => {
  it('user(id): the account, its credentials and its trail, with the administrator as actor of their actions', async () => {
    const { client, id: adminId } = await admin();
    const target = await registerUser(server, 'SESSION_TOKEN');
    clock.advance(1); // the trail is ordered by time
    await client.request(VERIFY, { id: target.result.user.id });
    await settled(server);
    const seen = (await client.request(USER, { id: target.result.user.id })).data!.user;
    expect(seen.user.email).toBe(target.email);
    expect(seen.credentials.map((c) => c.kind)).toEqual(['SESSION_TOKEN']);
    expect(seen.recentEvents[0]).toEqual({ type: 'ADMIN_VERIFIED_EMAIL', actorId: adminId });
    expect(seen.recentEvents.map((e) => e.type)).toContain('REGISTER');
  });

  it('users(filter, first, after) pages without gaps or repeats, newest first and by email prefix', async () => {
    const { client } = await admin();
    const prefix = `page-${Date.now()}`;
    const emails = [];
    for (let i = 0; i < 5; i++) {
      clock.advance(1); // newest first is by creation time
      emails.push((await registerUser(server, 'COOKIE', `${prefix}-${i}@example.com`)).email);
    }
    const seen: string[] = [];
    let after: string | null = null;
    for (let page = 0; page < 3; page++) {
      const response: Awaited<ReturnType<typeof client.request<{ users: { users: AdminUserFields[]; endCursor: string | null; hasMore: boolean } }, Record<string, unknown>>>> = await client.request(USERS, { filter: { search: prefix.toUpperCase() }, first: 2, after });
      seen.push(...response.data!.users.users.map((u) => u.user.email));
      after = response.data!.users.endCursor;
      if (!response.data!.users.hasMore) break;
    }
    expect(seen).toEqual([...emails].sort());
    const newest = await client.request(USERS, { first: 2 });
    expect(newest.data!.users.users.map((u) => u.user.email)).toEqual([emails[4], emails[3]]);
    expect(errorCode(await client.request(USERS, { first: 2, after: 'not-a-cursor' }))).toBe('BAD_USER_INPUT');
    expect((await client.request(USERS, { filter: { search: '%' }, first: 5 })).data!.users.users).toEqual([]); // LIKE's wildcards are literal
  });

  it('auditEvents filters across users by target, actor, type and outcome', async () => {
    const { client, id: adminId } = await admin();
    const target = await registerUser(server);
    clock.advance(1);
    await client.request(VERIFY, { id: target.result.user.id });
    clock.advance(1);
    await new TestClient(server.graphqlUrl).request(LoginDocument, { input: { email: target.email, password: 'wrong password!' } });
    await settled(server);
    const byTarget = await client.request(AUDIT, { filter: { userId: target.result.user.id } });
    expect(byTarget.data!.auditEvents.events.map((e) => e.type)).toEqual(['LOGIN', 'ADMIN_VERIFIED_EMAIL', 'REGISTER']);
    const failures = await client.request(AUDIT, { filter: { userId: target.result.user.id, success: false } });
    expect(failures.data!.auditEvents.events.map((e) => e.type)).toEqual(['LOGIN']);
    const byActor = await client.request(AUDIT, { filter: { actorId: adminId } });
    expect(byActor.data!.auditEvents.events).toEqual([{ type: 'ADMIN_VERIFIED_EMAIL', userId: target.result.user.id, actorId: adminId }]);
  });
});

describe('users at scale', () => {
  /** The plan of the last `select … from "users" … limit` the server ran, as PostgreSQL would run it now. */
  async function planOfLastUserList(): Promise<string> {
    const statement = server.recentStatements().reverse().find((q) => /from "users"/.test(q.sql) && /limit/.test(q.sql));
    if (!statement) throw new Error('no user list was run');
    const rows = await server.orm.em.getConnection().execute<{ 'QUERY PLAN': string }[]>(`explain ${statement.sql}`, [...statement.params]);
    return rows.map((r) => r['QUERY PLAN']).join('\n');
  }

  it('with 50,000 accounts (generate_series), both orders page through an index, never a scan of the table', async () => {
    await sql(server, `insert into users (id, email, created_at, updated_at)
      select gen_random_uuid(), 'seeded-' || lpad(n::text, 6, '0') || '@example.com', now() - (n || ' seconds')::interval, now()
      from generate_series(1, 50000) as n`);
    await sql(server, 'analyze users');
    const { client } = await admin();
    const newest = await client.request(USERS, { first: 20 });
    expect(newest.data!.users.users).toHaveLength(20);
    expect(await planOfLastUserList()).toMatch(/Index Scan Backward using users_created_at_id_index/);
    const next = await client.request(USERS, { first: 20, after: newest.data!.users.endCursor });
    expect(next.data!.users.users[0]!.user.id).not.toBe(newest.data!.users.users[19]!.user.id);
    expect(await planOfLastUserList()).toMatch(/users_created_at_id_index[\s\S]*Index Cond: \(created_at <=/); // starts at the cursor, reads no row before it
    const search = await client.request(USERS, { filter: { search: 'seeded-0123' }, first: 5 });
    expect(search.data!.users.users.map((u) => u.user.email)).toEqual(['seeded-012300@example.com', 'seeded-012301@example.com', 'seeded-012302@example.com', 'seeded-012303@example.com', 'seeded-012304@example.com']);
    const plan = await planOfLastUserList();
    expect(plan).toMatch(/users_email_pattern_index|users_email_unique/);
    expect(plan).not.toMatch(/Seq Scan on users/);
    await client.request(USERS, { filter: { search: 'seeded-01' }, first: 5, after: search.data!.users.endCursor });
    expect(await planOfLastUserList()).toMatch(/Index Cond: \(email > /);
  });
});


import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { parse, printSchema } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../../src/config';
import { adopt, type AuthSuccessFields, callerKinds, GOOD_PASSWORD, signInAs, uniqueEmail } from '../../helpers/accounts';
import { signInAsAdmin } from '../../helpers/admin';
import { errorCode, TestClient } from '../../helpers/client';
import { FakeClock } from '../../helpers/clock';
import { sql, startTestServer, testEnv, type TestServer } from '../../helpers/test-server';

/** Profile fields declared in configuration (PROFILE_FIELDS): typed, validated, stored, editable only by whom they should be. */
const FIELDS = [
  { name: 'company', type: 'string', required: true, maxLength: 40 },
  { name: 'newsletter', type: 'boolean', default: false },
  { name: 'seats', type: 'int', min: 1, max: 100 },
  { name: 'birthday', type: 'date' },
  { name: 'plan', type: 'enum', values: ['FREE', 'PRO'], default: 'FREE', editableBy: 'admin' },
];
type Profile = { company: string | null; newsletter: boolean; seats: number | null; birthday: string | null; plan: string };
const doc = <R, V = Record<string, unknown>>(source: string) => parse(source) as unknown as TypedDocumentNode<R, V>;
const PROFILE = 'profile { company newsletter seats birthday plan }';
const REGISTER = doc<{ register: AuthSuccessFields & { user: { profile: Profile } } }>(`mutation($input: RegisterInput!) { register(input: $input) {
  __typename ... on AuthSuccess { sessionToken user { id email ${PROFILE} } session { id credentialKind } } } }`);
const ME = doc<{ me: { profile: Profile } | null }>(`{ me { ${PROFILE} } }`);
const UPDATE = doc<{ updateMe: { profile: Profile } }>(`mutation($input: UpdateMeInput!) { updateMe(input: $input) { ${PROFILE} } }`);

let server: TestServer;
const clock = new FakeClock();
beforeAll(async () => {
  server = await startTestServer({ clock, env: { PROFILE_FIELDS: JSON.stringify(FIELDS), AUTH_BASIC_ENABLED: 'true' } });
});
afterAll(() => server?.close());

async function register(profile: Record<string, unknown> | undefined) {
  const client = new TestClient(server.graphqlUrl);
  const response = await client.request(REGISTER, { input: { email: uniqueEmail('profile'), password: GOOD_PASSWORD, credentials: 'SESSION_TOKEN', profile } });
  if (response.data?.register) adopt(client, response.data.register, 'SESSION_TOKEN');
  return { client, response };
}

describe('profile fields in the schema', () => {
  it('are typed: User.profile has one field each; ProfileInput only the user-editable ones; defaults make a field non-null', () => {
    const printed = printSchema(server.app.schema);
    expect(printed).toMatch(/type User \{[^}]*profile: UserProfile!/);
    expect(printed).toMatch(/type UserProfile \{[^}]*company: String\n[^}]*newsletter: Boolean!\n[^}]*seats: Int\n[^}]*birthday: LocalDate\n[^}]*plan: ProfilePlan!/);
    expect(printed).toMatch(/enum ProfilePlan \{\s*FREE\s*PRO\s*\}/);
    const input = /input ProfileInput \{[^}]*\}/.exec(printed)?.[0] ?? '';
    expect(input).toMatch(/company: String/);
    expect(input).not.toMatch(/plan/);
    expect(printed).toMatch(/input RegisterInput \{[^}]*profile: ProfileInput/);
    expect(printed).toMatch(/input UpdateMeInput \{[^}]*profile: ProfileInput/);
  });

  it('are absent without PROFILE_FIELDS (the committed schema.graphql has no profile)', async () => {
    const plain = await startTestServer({ databaseUrl: server.databaseUrl });
    try {
      expect(printSchema(plain.app.schema)).not.toMatch(/profile:|UserProfile|ProfileInput/);
    } finally {
      await plain.close();
    }
  });
});

describe('register with profile fields', () => {
  it('stores what is given and the defaults; me shows them', async () => {
    const { client, response } = await register({ company: '  Acme ', seats: 5, birthday: '1990-04-01' });
    expect(response.data?.register.user.profile).toEqual({ company: 'Acme', newsletter: false, seats: 5, birthday: '1990-04-01', plan: 'FREE' });
    const [row] = await sql<{ profile: unknown }>(server, 'select profile from users where id = ?', [response.data!.register.user.id]);
    expect(row!.profile).toEqual({ company: 'Acme', newsletter: false, seats: 5, birthday: '1990-04-01', plan: 'FREE' });
    expect((await client.request(ME)).data?.me?.profile.company).toBe('Acme');
  });

  it.each([
    ['a required field left out', { seats: 2 }, 'profile.company'],
    ['a string too long', { company: 'x'.repeat(41) }, 'profile.company'],
    ['a string with a line break', { company: 'Acme\r\nBcc: x' }, 'profile.company'],
    ['an int out of range', { company: 'Acme', seats: 101 }, 'profile.seats'],
  ])('refuses %s with BAD_USER_INPUT naming the field, and creates nothing', async (_label, profile, field) => {
    const { response } = await register(profile);
    expect([errorCode(response), response.errors?.[0]?.extensions?.field]).toEqual(['BAD_USER_INPUT', field]);
  });

  it('refuses an admin-only field, an unknown one and a wrong enum or date by the schema itself', async () => {
    for (const profile of [{ company: 'Acme', plan: 'PRO' }, { company: 'Acme', role: 'admin' }, { company: 'Acme', birthday: '1990-13-45' }]) {
      expect(errorCode((await register(profile)).response)).toBe('BAD_USER_INPUT');
    }
  });
});

describe.each(callerKinds)('updateMe with profile fields over %s', (kind) => {
  it('changes only what it is given; null clears an optional field; a required one cannot be cleared', async () => {
    const { client } = await signInAs(server, kind, uniqueEmail(), { profile: { company: 'Acme' } });
    expect((await client.request(ME)).data?.me?.profile).toEqual({ company: 'Acme', newsletter: false, seats: null, birthday: null, plan: 'FREE' });
    const updated = await client.request(UPDATE, { input: { profile: { company: 'Initech', newsletter: true, seats: 3 } } });
    expect(updated.data?.updateMe.profile).toMatchObject({ company: 'Initech', newsletter: true, seats: 3 });
    expect((await client.request(UPDATE, { input: { profile: { seats: null } } })).data?.updateMe.profile).toMatchObject({ company: 'Initech', seats: null, newsletter: true });
    const cleared = await client.request(UPDATE, { input: { profile: { company: null } } });
    expect([errorCode(cleared), cleared.errors?.[0]?.extensions?.field]).toEqual(['BAD_USER_INPUT', 'profile.company']);
    expect(errorCode(await client.request(UPDATE, { input: { profile: { plan: 'PRO' } } }))).toBe('BAD_USER_INPUT');
  });
});

describe('stored profiles', () => {
  it('an account made before the fields (or without them) shows the defaults, and null where there is none', async () => {
    const { client, response } = await register({ company: 'Acme' });
    await sql(server, "update users set profile = '{}' where id = ?", [response.data!.register.user.id]);
    expect((await client.request(ME)).data?.me?.profile).toEqual({ company: null, newsletter: false, seats: null, birthday: null, plan: 'FREE' });
  });

  it('an administrator sets any field, admin-only ones too, with updateUserProfile (typed AdminProfileInput)', async () => {
    expect(printSchema(server.app.schema)).toMatch(/updateUserProfile\([^)]*profile: AdminProfileInput![^)]*\): AdminUser!/);
    const { client: admin } = await signInAsAdmin(server, clock, 'COOKIE', { profile: { company: 'Gatehouse' } });
    const { client, response } = await register({ company: 'Acme' });
    const set = doc<{ updateUserProfile: { user: { profile: Profile } } }>(`mutation($id: ID!, $profile: AdminProfileInput!) { updateUserProfile(id: $id, profile: $profile) { user { ${PROFILE} } } }`);
    const changed = await admin.request(set, { id: response.data!.register.user.id, profile: { plan: 'PRO', seats: 10 } });
    expect(changed.data?.updateUserProfile.user.profile).toMatchObject({ plan: 'PRO', seats: 10, company: 'Acme' });
    expect((await client.request(ME)).data?.me?.profile.plan).toBe('PRO');
    expect(errorCode(await client.request(set, { id: response.data!.register.user.id, profile: { plan: 'FREE' } }))).toBe('FORBIDDEN');
  });

  it('change only through the operator’s path, and are kept across a restart', async () => {
    const { client, response } = await register({ company: 'Acme' });
    const userId = response.data!.register.user.id;
    await server.app.services.profile.updateAsAdmin(server.orm.em.fork(), userId, { plan: 'PRO' });
    expect((await client.request(ME)).data?.me?.profile.plan).toBe('PRO');
    const again = await startTestServer({ databaseUrl: server.databaseUrl, env: { PROFILE_FIELDS: JSON.stringify(FIELDS) } });
    try {
      expect((await client.clone(again.graphqlUrl).request(ME)).data?.me?.profile).toMatchObject({ company: 'Acme', plan: 'PRO' });
    } finally {
      await again.close();
    }
  });
});

describe('PROFILE_FIELDS', () => {
  it.each([
    ['not JSON', '[{'],
    ['a reserved name', JSON.stringify([{ name: 'email', type: 'string' }])],
    ['a name twice', JSON.stringify([{ name: 'a', type: 'int' }, { name: 'a', type: 'int' }])],
    ['an enum without values', JSON.stringify([{ name: 'plan', type: 'enum' }])],
    ['a default of the wrong type', JSON.stringify([{ name: 'seats', type: 'int', default: 'many' }])],
    ['an unknown key', JSON.stringify([{ name: 'seats', type: 'int', unique: true }])],
  ])('refuses %s at start, naming PROFILE_FIELDS', (_label, value) => {
    expect(() => loadConfig(testEnv({ PROFILE_FIELDS: value }))).toThrow(ConfigError);
    expect(() => loadConfig(testEnv({ PROFILE_FIELDS: value }))).toThrow(/PROFILE_FIELDS/);
  });
});

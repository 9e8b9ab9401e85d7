import { createHash } from 'node:crypto';
import { decode } from 'jsonwebtoken';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ChangePasswordDocument,
  CompleteSignInDocument,
  CredentialsDocument,
  LoginDocument,
  RevokeCredentialDocument,
  SecondFactorsDocument,
} from '../../generated/graphql';
import { credentialKinds, GOOD_PASSWORD, registerUser, whoAmI } from '../../helpers/accounts';
import { errorCode, TestClient } from '../../helpers/client';
import { FakeClock } from '../../helpers/clock';
import { eventually } from '../../helpers/eventually';
import { Mailbox } from '../../helpers/mailbox';
import { enableTotp, firstStep, signInWithTotp, totpCode } from '../../helpers/mfa';
import { settled, sql, startTestServer, type TestServer } from '../../helpers/test-server';

const clock = new FakeClock();
let mailbox: Mailbox;
let server: TestServer;
beforeAll(async () => {
  mailbox = await new Mailbox().start();
  server = await startTestServer({ clock, env: { SMTP_URL: mailbox.url } });
});
afterAll(async () => {
  await server?.close();
  await mailbox?.close();
});

/** A new user with TOTP on, enrolled from a cookie session (which the test may keep using). */
async function userWithTotp() {
  const owner = await registerUser(server, 'COOKIE');
  const totp = await enableTotp(owner.client, clock);
  return { ...owner, ...totp };
}

const complete = (client: TestClient, input: { flowToken: string; totpCode?: string; recoveryCode?: string; trustDevice?: boolean }, headers: Record<string, string> = {}) =>
  client.request(CompleteSignInDocument, { input }, { headers });

describe.each(credentialKinds)('the second step, signing in for %s', (kind) => {
  it('login answers PendingStep SECOND_FACTOR with a flow token and no credential; a TOTP code finishes it as the kind asked for, at aal2 (SEC-54, SEC-55)', async () => {
    const { email, secret } = await userWithTotp();
    const client = new TestClient(server.graphqlUrl);
    const first = await client.request(LoginDocument, { input: { email, password: GOOD_PASSWORD, credentials: kind } });
    const step = first.data?.login;
    expect(step).toMatchObject({ __typename: 'PendingStep', step: 'SECOND_FACTOR', methods: ['TOTP', 'RECOVERY_CODE'] });
    if (step?.__typename !== 'PendingStep') throw new Error('no step');
    expect(step.flowToken).toMatch(/^gthf_[\w-]{43}$/); // 256 random bits
    expect(new Date(step.expiresAt!).getTime() - clock.now().getTime()).toBe(5 * 60 * 1000);
    expect(first.setCookies.some((c) => c.startsWith('gatehouse_session='))).toBe(false);
    expect(await whoAmI(client)).toBeNull();
    const stored = await sql<{ token_hash: string }>(server, 'select token_hash from sign_in_flows where user_id = (select id from users where email = ?)', [email]);
    expect(stored.map((r) => r.token_hash)).not.toContain(step.flowToken); // only its hash

    const { client: signedIn, result } = await signInWithTotp(server.graphqlUrl, email, kind, secret, clock);
    expect(result.session.credentialKind).toBe(kind);
    expect(await whoAmI(signedIn)).toBe(email);
    const current = (await signedIn.request(CredentialsDocument)).data!.credentials.find((c) => c.current)!;
    expect(current).toMatchObject({ assuranceLevel: 'aal2' });
    expect(current.amr).toEqual(expect.arrayContaining(['pwd', 'otp', 'mfa']));
    if (kind === 'JWT') expect(decode(result.accessToken!)).toMatchObject({ acr: 'aal2', amr: expect.arrayContaining(['pwd', 'otp']) });
    // Audit entries are written just after the answer.
    await eventually(async () => {
      const audit = await sql<{ type: string; success: boolean; detail: string; credential_kind: string }>(
        server,
        `select type, success, detail, credential_kind from auth_events where user_id = ? and type in ('LOGIN', 'SECOND_FACTOR') order by created_at, type`,
        [result.user.id],
      );
      expect(audit).toEqual(expect.arrayContaining([
        { type: 'LOGIN', success: true, detail: 'SECOND_FACTOR', credential_kind: kind },
        { type: 'SECOND_FACTOR', success: true, detail: 'otp', credential_kind: kind },
      ]));
    }, 3000);
  });

  it('a flow token works once, and not after 5 minutes (SEC-54)', async () => {
    const { email, secret } = await userWithTotp();
    const { client, flowToken } = await firstStep(server.graphqlUrl, email, kind);
    expect((await complete(client, { flowToken, totpCode: totpCode(secret, clock.now()) })).data?.completeSignIn?.__typename).toBe('AuthSuccess');
    clock.advance(30);
    const again = await complete(new TestClient(server.graphqlUrl), { flowToken, totpCode: totpCode(secret, clock.now()) });
    expect(errorCode(again)).toBe('INVALID_TOKEN');

    const late = await firstStep(server.graphqlUrl, email, kind);
    clock.advance(5 * 60 + 1);
    expect(errorCode(await complete(late.client, { flowToken: late.flowToken, totpCode: totpCode(secret, clock.now()) }))).toBe('INVALID_TOKEN');
    clock.advance(30);
  });

  it('a flow is void after 5 wrong codes, even for the right one after them (SEC-54)', async () => {
    const { email, secret } = await userWithTotp();
    const { client, flowToken } = await firstStep(server.graphqlUrl, email, kind);
    const right = totpCode(secret, clock.now());
    const wrong = right === '000000' ? '111111' : '000000';
    for (let i = 0; i < 5; i++) {
      const response = await complete(client, { flowToken, totpCode: wrong });
      expect(errorCode(response)).toBe('INVALID_CREDENTIALS');
      expect(response.errors?.[0]?.extensions?.field).toBe('totpCode');
    }
    expect(errorCode(await complete(client, { flowToken, totpCode: right }))).toBe('INVALID_TOKEN');
    expect(await whoAmI(client)).toBeNull();
  });

  it('another user’s code cannot finish a flow, and the flow keeps the kind of its first step (SEC-54)', async () => {
    const victim = await userWithTotp();
    const attacker = await userWithTotp();
    const { client, flowToken } = await firstStep(server.graphqlUrl, victim.email, kind);
    expect(errorCode(await complete(client, { flowToken, totpCode: totpCode(attacker.secret, clock.now()) }))).toBe('INVALID_CREDENTIALS');
    const finished = await complete(client, { flowToken, totpCode: totpCode(victim.secret, clock.now()) });
    clock.advance(30);
    expect(finished.data?.completeSignIn).toMatchObject({ __typename: 'AuthSuccess', user: { email: victim.email }, session: { credentialKind: kind } });
  });

  it('a recovery code finishes the sign-in once, and its use is mailed with how many are left (SEC-57)', async () => {
    const { email, recoveryCodes } = await userWithTotp();
    const first = await firstStep(server.graphqlUrl, email, kind);
    const used = await complete(first.client, { flowToken: first.flowToken, recoveryCode: recoveryCodes[0]!.toUpperCase() });
    expect(used.data?.completeSignIn).toMatchObject({ __typename: 'AuthSuccess', session: { credentialKind: kind } });
    const mail = await mailbox.waitFor(email, /recovery code of your/);
    expect(mail.text).toMatch(/You have 9 left/);
    expect(mail.text).not.toContain(recoveryCodes[0]);

    const second = await firstStep(server.graphqlUrl, email, kind);
    expect(errorCode(await complete(second.client, { flowToken: second.flowToken, recoveryCode: recoveryCodes[0]! }))).toBe('INVALID_CREDENTIALS');
  });
});

describe('TOTP codes against a fake clock (SEC-56)', () => {
  it('accepts the codes of one step either side, refuses two steps off', async () => {
    const { email, secret } = await userWithTotp();
    for (const [offset, accepted] of [[-30, true], [30, true], [-60, false], [60, false], [0, true]] as const) {
      clock.advance(90); // a step no code of this user has used yet, whatever the offset
      const { client, flowToken } = await firstStep(server.graphqlUrl, email);
      const code = totpCode(secret, new Date(clock.now().getTime() + offset * 1000));
      const response = await complete(client, { flowToken, totpCode: code });
      expect(response.data?.completeSignIn?.__typename === 'AuthSuccess', `offset ${offset}s`).toBe(accepted);
    }
  });

  it('refuses a code used before, and an earlier code once a later one was used (replay)', async () => {
    const { email, secret } = await userWithTotp();
    const now = clock.now();
    const used = await firstStep(server.graphqlUrl, email);
    expect((await complete(used.client, { flowToken: used.flowToken, totpCode: totpCode(secret, now) })).data?.completeSignIn?.__typename).toBe('AuthSuccess');
    const replay = await firstStep(server.graphqlUrl, email);
    expect(errorCode(await complete(replay.client, { flowToken: replay.flowToken, totpCode: totpCode(secret, now) }))).toBe('INVALID_CREDENTIALS');
    const earlier = await firstStep(server.graphqlUrl, email);
    expect(errorCode(await complete(earlier.client, { flowToken: earlier.flowToken, totpCode: totpCode(secret, new Date(now.getTime() - 30_000)) }))).toBe('INVALID_CREDENTIALS');
    clock.advance(30);
    const next = await firstStep(server.graphqlUrl, email);
    expect((await complete(next.client, { flowToken: next.flowToken, totpCode: totpCode(secret, clock.now()) })).data?.completeSignIn?.__typename).toBe('AuthSuccess');
    clock.advance(30);
  });

  it('the seed is not readable in the table (SEC-56)', async () => {
    const { email, secret } = await userWithTotp();
    const [row] = await sql<Record<string, unknown>>(server, 'select f.* from second_factors f join users u on u.id = f.user_id where u.email = ?', [email]);
    expect(JSON.stringify(row)).not.toContain(secret);
    expect(JSON.stringify(row)).not.toContain(Buffer.from(secret).toString('base64'));
    expect(String(row!.secret_box)).toMatch(/^v1\.[\w-]{8}\.[\w-]{16}\.[\w-]+$/);
  });
});

describe('recovery codes (SEC-57)', () => {
  it('of 20 sign-ins racing with one code, exactly one signs in', async () => {
    const { email, recoveryCodes } = await userWithTotp();
    const flows = await Promise.all(Array.from({ length: 20 }, () => firstStep(server.graphqlUrl, email)));
    const answers = await Promise.all(flows.map((f) => complete(f.client, { flowToken: f.flowToken, recoveryCode: recoveryCodes[3]! })));
    expect(answers.filter((a) => a.data?.completeSignIn?.__typename === 'AuthSuccess')).toHaveLength(1);
    expect(answers.filter((a) => errorCode(a) === 'INVALID_CREDENTIALS')).toHaveLength(19);
    expect((await sql(server, 'select 1 from recovery_codes r join users u on u.id = r.user_id where u.email = ? and r.used_at is not null', [email])).length).toBe(1);
  });

  it('of 20 uses of one code that have all read it as unused, exactly one claims it', async () => {
    const { email, recoveryCodes } = await userWithTotp();
    const [{ id: userId }] = (await sql<{ id: string }>(server, 'select id from users where email = ?', [email])) as [{ id: string }];
    const code = recoveryCodes[5]!;
    // Hold the code's row until the uses the pool runs at once have read it as unused and wait to
    // claim it: then they race for the one claim, which only its condition (still unused) decides.
    const locker = new pg.Client({ connectionString: server.databaseUrl });
    const observer = new pg.Client({ connectionString: server.databaseUrl });
    await Promise.all([locker.connect(), observer.connect()]);
    let results: (number | null)[];
    try {
      await locker.query('begin');
      await locker.query('select id from recovery_codes where code_hash = $1 for update', [createHash('sha256').update(code.replace(/-/g, '')).digest('hex')]);
      const { recoveryCodes: service } = server.app.services;
      const pending = Promise.all(Array.from({ length: 20 }, () => service.use(server.orm.em.fork(), userId, code)));
      await eventually(async () => {
        // Seen from another connection (inside its transaction the locker sees one snapshot).
        const { rows } = await observer.query(`select 1 from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock' and query like 'update "recovery_codes"%'`);
        expect(rows.length).toBeGreaterThanOrEqual(5);
      }, 5000);
      await locker.query('commit');
      results = await pending;
    } finally {
      await Promise.all([locker.end(), observer.end()]);
    }
    expect(results.filter((left) => left === 9)).toHaveLength(1);
    expect(results.filter((left) => left === null)).toHaveLength(19);
  });

  it('are stored only as hashes; me shows the factor and how many are left', async () => {
    const { client, email, recoveryCodes } = await userWithTotp();
    const rows = await sql<{ code_hash: string }>(server, 'select code_hash from recovery_codes r join users u on u.id = r.user_id where u.email = ?', [email]);
    expect(rows).toHaveLength(10);
    for (const code of recoveryCodes) expect(JSON.stringify(rows)).not.toContain(code.replace(/-/g, ''));
    const me = (await client.request(SecondFactorsDocument)).data!.me!;
    expect(me.recoveryCodesLeft).toBe(10);
    expect(me.secondFactors).toEqual([{ kind: 'TOTP', createdAt: expect.any(String), lastUsedAt: expect.any(String) }]);
  });

  it('mail says to make new ones when fewer than 3 remain', async () => {
    const { email, recoveryCodes } = await userWithTotp();
    for (const code of recoveryCodes.slice(0, 8)) {
      const { client, flowToken } = await firstStep(server.graphqlUrl, email);
      expect((await complete(client, { flowToken, recoveryCode: code })).data?.completeSignIn?.__typename).toBe('AuthSuccess');
    }
    const low = await mailbox.waitFor(email, /recovery code of your/, 8);
    expect(low.text).toMatch(/You have 2 left/);
    expect(low.text).toMatch(/generate a new set/);
    expect((await mailbox.waitFor(email, /recovery code of your/, 7)).text).not.toMatch(/generate a new set/);
  });
});

describe.each(credentialKinds)('trusting a device, signing in for %s', (kind) => {
  const deviceHeader = (token: string | null | undefined): Record<string, string> => (kind === 'COOKIE' || !token ? {} : { 'gatehouse-device': token });

  it('skips the second step on that device only, lists it in credentials, and forgets it when revoked', async () => {
    const { client: owner, email, secret } = await userWithTotp();
    const device = new TestClient(server.graphqlUrl);
    const { flowToken } = await firstStep(server.graphqlUrl, email, kind, device);
    const trusted = await complete(device, { flowToken, totpCode: totpCode(secret, clock.now()), trustDevice: true });
    clock.advance(30);
    const deviceToken = trusted.data?.completeSignIn?.__typename === 'AuthSuccess' ? trusted.data.completeSignIn.deviceToken : null;

    const again = await device.request(LoginDocument, { input: { email, password: GOOD_PASSWORD, credentials: kind } }, { headers: deviceHeader(deviceToken) });
    expect(again.data?.login).toMatchObject({ __typename: 'AuthSuccess', session: { credentialKind: kind } });
    const elsewhere = await new TestClient(server.graphqlUrl).request(LoginDocument, { input: { email, password: GOOD_PASSWORD, credentials: kind } });
    expect(elsewhere.data?.login).toMatchObject({ __typename: 'PendingStep', step: 'SECOND_FACTOR' });

    const listed = (await owner.request(CredentialsDocument)).data!.credentials.filter((c) => c.kind === 'TRUSTED_DEVICE');
    expect(listed).toHaveLength(1);
    expect(new Date(listed[0]!.expiresAt!).getTime() - clock.now().getTime()).toBeGreaterThan(29 * 24 * 3600 * 1000);
    expect((await owner.request(RevokeCredentialDocument, { id: listed[0]!.id })).data?.revokeCredential).toBe(true);
    const afterRevoke = await device.request(LoginDocument, { input: { email, password: GOOD_PASSWORD, credentials: kind } }, { headers: deviceHeader(deviceToken) });
    expect(afterRevoke.data?.login).toMatchObject({ __typename: 'PendingStep', step: 'SECOND_FACTOR' });
  });

  it('is forgotten when the password changes', async () => {
    const { client: owner, email, secret } = await userWithTotp();
    const device = new TestClient(server.graphqlUrl);
    const { flowToken } = await firstStep(server.graphqlUrl, email, kind, device);
    const trusted = await complete(device, { flowToken, totpCode: totpCode(secret, clock.now()), trustDevice: true });
    const deviceToken = trusted.data?.completeSignIn?.__typename === 'AuthSuccess' ? trusted.data.completeSignIn.deviceToken : null;
    // The owner's enrolment session proved a second factor just now: the change is allowed.
    expect((await owner.request(ChangePasswordDocument, { input: { currentPassword: GOOD_PASSWORD, newPassword: 'another good passphrase' } })).data?.changePassword).toBe(true);
    clock.advance(30);
    const after = await device.request(LoginDocument, { input: { email, password: 'another good passphrase', credentials: kind } }, { headers: deviceHeader(deviceToken) });
    expect(after.data?.login).toMatchObject({ __typename: 'PendingStep', step: 'SECOND_FACTOR' });
  });
});

describe('rate limits on the second step', () => {
  let limited: TestServer;
  beforeAll(async () => {
    limited = await startTestServer({ clock, databaseUrl: server.databaseUrl, env: { RATE_LIMITS_ENABLED: 'true', RATE_LIMIT_SECOND_FACTOR_FAILED_ACCOUNT: '3/900', RATE_LIMIT_LOGIN_IP: '1000/60' } });
  });
  afterAll(() => limited?.close());

  it('wrong codes count per account across flows: after the limit even the right code is RATE_LIMITED', async () => {
    const { email, secret } = await userWithTotp();
    for (let i = 0; i < 3; i++) {
      const { client, flowToken } = await firstStep(limited.graphqlUrl, email);
      expect(errorCode(await complete(client, { flowToken, totpCode: 'abcdef' }))).toBe('INVALID_CREDENTIALS');
    }
    const { client, flowToken } = await firstStep(limited.graphqlUrl, email);
    expect(errorCode(await complete(client, { flowToken, totpCode: totpCode(secret, clock.now()) }))).toBe('RATE_LIMITED');
    const other = await userWithTotp(); // another account is not affected
    const theirs = await firstStep(limited.graphqlUrl, other.email);
    expect((await complete(theirs.client, { flowToken: theirs.flowToken, totpCode: totpCode(other.secret, clock.now()) })).data?.completeSignIn?.__typename).toBe('AuthSuccess');
    clock.advance(30);
  });
});

describe('notices', () => {
  it('a sign-in from a new device is mailed with its time, address and user agent, and never a secret', async () => {
    const { email, secret } = await userWithTotp();
    const device = new TestClient(server.graphqlUrl);
    const { flowToken } = await firstStep(server.graphqlUrl, email, 'SESSION_TOKEN', device);
    const code = totpCode(secret, clock.now());
    const done = await complete(device, { flowToken, totpCode: code }, { 'user-agent': 'NoticeTest/1.0' });
    clock.advance(30);
    const mail = await mailbox.waitFor(email, /New sign-in/);
    expect(mail.text).toContain('NoticeTest/1.0');
    expect(mail.text).toMatch(/127\.0\.0\.1/);
    expect(mail.text).toMatch(/\d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC/);
    const result = done.data?.completeSignIn;
    if (result?.__typename !== 'AuthSuccess') throw new Error(done.text);
    for (const secretValue of [result.sessionToken!, result.deviceToken!, flowToken, code, secret]) expect(mail.text).not.toContain(secretValue);
  });

  it('a sign-in from a device that signed in before is not mailed', async () => {
    const { email, secret } = await userWithTotp();
    const device = new TestClient(server.graphqlUrl);
    await signInWithTotp(server.graphqlUrl, email, 'COOKIE', secret, clock, device);
    await mailbox.waitFor(email, /New sign-in/);
    await signInWithTotp(server.graphqlUrl, email, 'COOKIE', secret, clock, device);
    await settled(server);
    expect(mailbox.for(email).filter((m) => /New sign-in/.test(m.subject))).toHaveLength(1);
  });
});

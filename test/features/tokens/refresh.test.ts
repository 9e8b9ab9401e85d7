import { createHash } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LogoutDocument, RefreshTokenDocument } from '../../generated/graphql';
import { refresh, registerUser, whoAmI } from '../../helpers/accounts';
import { errorCode, TestClient } from '../../helpers/client';
import { FakeClock } from '../../helpers/clock';
import { sql, startTestServer, type TestServer } from '../../helpers/test-server';

const clock = new FakeClock();
let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({ clock });
});
afterAll(() => server?.close());

const use = (token: string) => new TestClient(server.graphqlUrl).request(RefreshTokenDocument, { refreshToken: token });

describe('refresh tokens', () => {
  it('are opaque, prefixed, 256-bit, and stored only as SHA-256 (SEC-41)', async () => {
    const { result } = await registerUser(server, 'JWT');
    expect(result.refreshToken).toMatch(/^gthr_[A-Za-z0-9_-]{43}$/);
    expect(await sql(server, 'select 1 from refresh_tokens where token_hash = ?', [result.refreshToken])).toEqual([]);
    const hash = createHash('sha256').update(result.refreshToken!).digest('hex');
    expect(await sql(server, 'select 1 from refresh_tokens where token_hash = ?', [hash])).toHaveLength(1);
  });

  it('rotate on every use: each works once, in the same session (family)', async () => {
    const { client, email, result } = await registerUser(server, 'JWT');
    const first = client.refreshToken!;
    const response = await refresh(client);
    const rotated = response.data?.refreshToken;
    expect(rotated?.__typename).toBe('AuthSuccess');
    if (rotated?.__typename !== 'AuthSuccess') return;
    expect(rotated.refreshToken).not.toBe(first);
    expect(rotated.session.id).toBe(result.session.id);
    expect(rotated.user.email).toBe(email);
    expect(await whoAmI(client)).toBe(email);
  });

  it('replaying a rotated token after the grace window revokes the whole family and its live access tokens (SEC-41)', async () => {
    const { client } = await registerUser(server, 'JWT');
    const original = client.refreshToken!;
    for (let i = 0; i < 3; i++) expect((await refresh(client)).data?.refreshToken?.__typename).toBe('AuthSuccess');
    clock.advance(server.config.jwt.refreshReuseGraceSeconds + 1);

    expect(errorCode(await use(original))).toBe('REFRESH_TOKEN_REUSED');
    expect(await whoAmI(client)).toBe('UNAUTHENTICATED'); // the thief's and the owner's access tokens alike
    expect(errorCode(await refresh(client))).toBe('UNAUTHENTICATED'); // the newest token of the family too
  });

  it('replaying within the grace window is refused without ending the family', async () => {
    const { client, email } = await registerUser(server, 'JWT');
    const original = client.refreshToken!;
    await refresh(client);
    expect(errorCode(await use(original))).toBe('REFRESH_TOKEN_REUSED');
    expect(await whoAmI(client)).toBe(email);
    expect((await refresh(client)).data?.refreshToken?.__typename).toBe('AuthSuccess');
  });

  it('a client retrying during a database stall is not taken for a thief: the grace window runs from the rotation’s commit (SEC-41, SEC-62)', async () => {
    const stalled = await startTestServer({ databaseUrl: server.databaseUrl, env: { REFRESH_REUSE_GRACE_SECONDS: '1' } });
    const locker = new pg.Client({ connectionString: server.databaseUrl });
    await locker.connect();
    try {
      const { client } = await registerUser(stalled, 'JWT');
      const token = client.refreshToken!;
      const send = () => new TestClient(stalled.graphqlUrl).request(RefreshTokenDocument, { refreshToken: token });
      // The stall: the rotation claims the token, then waits two seconds on the session's row.
      await locker.query('begin');
      await locker.query('lock table sessions in share mode');
      const first = send();
      await new Promise((resolve) => setTimeout(resolve, 1_500)); // past the grace window
      const retry = send(); // the client's retry, waiting on the claimed token
      await new Promise((resolve) => setTimeout(resolve, 500));
      await locker.query('rollback');

      const rotated = (await first).data?.refreshToken;
      expect(rotated?.__typename).toBe('AuthSuccess');
      expect(errorCode(await retry)).toBe('REFRESH_TOKEN_REUSED');
      // Within the grace window of the commit: the family lives on.
      const owner = Object.assign(new TestClient(stalled.graphqlUrl), { authorization: `Bearer ${rotated?.__typename === 'AuthSuccess' ? rotated.accessToken : ''}` });
      expect(await whoAmI(owner)).not.toBe('UNAUTHENTICATED');
    } finally {
      await locker.end();
      await stalled.close();
    }
  });

  it('with REFRESH_REUSE_GRACE_SECONDS=0 any replay ends the family', async () => {
    const strict = await startTestServer({ databaseUrl: server.databaseUrl, env: { REFRESH_REUSE_GRACE_SECONDS: '0' }, clock });
    try {
      const { client } = await registerUser(strict, 'JWT');
      const original = client.refreshToken!;
      await refresh(client);
      clock.advance(0.001);
      expect(errorCode(await new TestClient(strict.graphqlUrl).request(RefreshTokenDocument, { refreshToken: original }))).toBe('REFRESH_TOKEN_REUSED');
      expect(errorCode(await refresh(client))).toBe('UNAUTHENTICATED');
    } finally {
      await strict.close();
    }
  });

  it('of 25 racing refreshes with one token exactly one wins, and the winner keeps working (SEC-13)', async () => {
    const { client } = await registerUser(server, 'JWT');
    const token = client.refreshToken!;
    const responses = await Promise.all(Array.from({ length: 25 }, () => use(token)));
    const winners = responses.filter((r) => r.data?.refreshToken?.__typename === 'AuthSuccess');
    expect(winners).toHaveLength(1);
    expect(responses.filter((r) => errorCode(r) === 'REFRESH_TOKEN_REUSED')).toHaveLength(24);
    const won = winners[0]!.data!.refreshToken;
    if (won?.__typename !== 'AuthSuccess') return;
    expect((await use(won.refreshToken!)).data?.refreshToken?.__typename).toBe('AuthSuccess');
  });

  it.each([
    ['empty', ''],
    ['unknown', 'gthr_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA'],
    ['a session token', 'gths_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA'],
    ['10 KB of garbage', 'x'.repeat(10_000)],
  ])('an invalid refresh token (%s) is UNAUTHENTICATED', async (_label, token) => {
    expect(errorCode(await use(token))).toBe('UNAUTHENTICATED');
  });

  it('an access token is not a refresh token', async () => {
    const { result } = await registerUser(server, 'JWT');
    expect(errorCode(await use(result.accessToken!))).toBe('UNAUTHENTICATED');
  });

  it('logout ends the refresh family (SEC-30)', async () => {
    const { client } = await registerUser(server, 'JWT');
    await client.request(LogoutDocument, { everywhere: false });
    expect(errorCode(await refresh(client))).toBe('UNAUTHENTICATED');
  });
});

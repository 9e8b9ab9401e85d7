import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BeginPasskeySignInDocument, RequestPasswordResetDocument } from '../../generated/graphql';
import { registerUser } from '../../helpers/accounts';
import { TestClient } from '../../helpers/client';
import { FakeClock } from '../../helpers/clock';
import { eventually } from '../../helpers/eventually';
import { sql, startTestServer, type TestServer } from '../../helpers/test-server';

const clock = new FakeClock();
let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({ clock });
});
afterAll(() => server?.close());

const count = async (table: string) => (await sql<{ n: number }>(server, `select count(*)::int as n from ${table}`))[0]!.n;

describe('housekeeping', () => {
  it('deletes passkey challenges and mailed tokens a day after they expired, and keeps live ones', async () => {
    const anonymous = new TestClient(server.graphqlUrl);
    const { email } = await registerUser(server);
    await anonymous.request(BeginPasskeySignInDocument, {});
    await anonymous.request(RequestPasswordResetDocument, { email });
    await eventually(async () => expect(await count("email_tokens where purpose = 'RESET_PASSWORD'")).toBe(1));
    clock.advance(26 * 60 * 60); // more than a day after their expiry (the reset link lives an hour)
    await anonymous.request(BeginPasskeySignInDocument, {}); // a live one
    const swept = await server.app.services.housekeeping.sweep(server.orm.em.fork());
    expect(swept.webauthnChallenges).toBe(1);
    expect(swept.emailTokens).toBeGreaterThanOrEqual(1);
    expect(await count('webauthn_challenges')).toBe(1);
    expect(await count("email_tokens where purpose = 'RESET_PASSWORD'")).toBe(0);
  });
});

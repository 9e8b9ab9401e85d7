import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { LoginDocument, LogoutDocument, MeDocument, RegisterDocument } from '../../generated/graphql';
import { GOOD_PASSWORD, registerUser, uniqueEmail } from '../../helpers/accounts';
import { TestClient } from '../../helpers/client';
import { eventually } from '../../helpers/eventually';
import { Mailbox } from '../../helpers/mailbox';
import { startTestServer, type TestServer } from '../../helpers/test-server';

const lines: string[] = [];
let server: TestServer;
let mailbox: Mailbox;
beforeAll(async () => {
  mailbox = await new Mailbox().start();
  server = await startTestServer({
    env: { NODE_ENV: 'production', COOKIE_SECURE: 'true', LOG_LEVEL: 'info', SMTP_URL: mailbox.url, PASSWORD_HASH_MEMORY_KIB: '19456', PASSWORD_HASH_ITERATIONS: '2' },
    logDestination: { write: (line: string) => lines.push(line) },
  });
});
afterAll(async () => {
  await server?.close();
  await mailbox?.close();
});

describe('request logs in production', () => {
  it('write one line per request with method, path and status, and never a password, cookie or token (SEC-15)', async () => {
    lines.length = 0;
    const { client, email, password } = await registerUser(server);
    const cookieValues = [...client.cookies.values()];
    await client.request(MeDocument);
    await client.request(LoginDocument, { input: { email, password: GOOD_PASSWORD } }, { headers: { authorization: 'Bearer secret-bearer-value' } });
    cookieValues.push(...client.cookies.values());
    await client.request(LogoutDocument, { everywhere: false });
    await fetch(`${server.graphqlUrl}?token=query-string-secret`, { headers: { accept: 'application/json' } });

    // The outbox logs once the SMTP conversation is over, a little after the mailbox has the message.
    await eventually(async () => expect(lines.join('\n')).toMatch(/"mail":"verify-email".*"msg":"mail sent"/), 5000);
    const requestLines = lines.map((l) => JSON.parse(l) as { req?: { method: string; path: string }; res?: { statusCode: number } }).filter((l) => l.req);
    expect(requestLines).toHaveLength(5);
    expect(requestLines[0]).toMatchObject({ req: { method: 'POST', path: '/graphql' }, res: { statusCode: 200 } });

    expect(cookieValues).toHaveLength(4); // the session and the device cookie, after register and after login
    const mail = await mailbox.waitFor(email, /Confirm your email/);
    const secrets = [password, 'secret-bearer-value', 'query-string-secret', ...cookieValues, ...cookieValues.map(decodeURIComponent), mail.token!, mail.code!];
    const everything = lines.join('\n');
    for (const secret of secrets) expect(everything).not.toContain(secret);
    expect(everything).not.toMatch(/gths_|gthd_/);
    expect(everything).not.toMatch(/"cookie"|set-cookie|"authorization"/); // no headers at all (names are lower-case)
    expect(requestLines[1]).toMatchObject({ auth: { method: 'COOKIE', userId: expect.any(String), sessionId: expect.any(String) } });
  });
});

describe('request ids in the log', () => {
  it('every line written for a request carries its id, also those of work done after the answer (the mail it sent)', async () => {
    lines.length = 0;
    const email = uniqueEmail('req-id');
    const reqId = `lb-${randomUUID()}`;
    const client = new TestClient(server.graphqlUrl);
    await client.request(RegisterDocument, { input: { email, password: GOOD_PASSWORD } }, { headers: { 'x-request-id': reqId } });
    await mailbox.waitFor(email, /Confirm your email/);
    await eventually(async () => expect(lines.join('\n')).toMatch(new RegExp(`"reqId":"${reqId}".*"msg":"mail sent"`)), 5000);
    const ours = lines.map((l) => JSON.parse(l) as { reqId?: string; msg: string }).filter((l) => l.reqId === reqId);
    expect(ours.map((l) => l.msg)).toEqual(expect.arrayContaining(['request completed', 'mail sent']));
    for (const line of lines) expect(line.match(/"reqId"/g)?.length ?? 0).toBeLessThanOrEqual(1); // never twice on one line
  });
});


import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GOOD_PASSWORD, uniqueEmail } from '../helpers/accounts';
import { hasChromium, launchChromium } from '../helpers/chromium';
import { startTestServer, type TestServer } from '../helpers/test-server';

/**
 * The development IDE without internet, in headless Chromium: Apollo Sandbox's page (the landing
 * page) cannot load its CDN and says where to go; GraphiQL at /graphiql loads from Gatehouse
 * alone and runs an operation with the session cookie. Every request that leaves the machine is
 * aborted, as it would be offline.
 */
const available = hasChromium();
let server: TestServer;
beforeAll(async () => {
  if (!available) return;
  server = await startTestServer({ env: { NODE_ENV: 'development', PASSWORD_HASH_MEMORY_KIB: '19456', PASSWORD_HASH_ITERATIONS: '2' } });
});
afterAll(() => server?.close());

/** A tab of a browser that cannot reach the internet: only this machine answers. */
async function offlineTab(browser: Awaited<ReturnType<typeof launchChromium>>) {
  const context = await browser.newContext();
  const left: string[] = [];
  await context.route(/^https?:\/\/(?!127\.0\.0\.1[:/]|localhost[:/])/, (route) => {
    left.push(route.request().url());
    return route.abort('internetdisconnected');
  });
  const tab = await context.newPage();
  tab.setDefaultTimeout(8000);
  const problems: string[] = [];
  tab.on('pageerror', (error) => problems.push(error.message));
  tab.on('console', (message) => message.type() === 'error' && /Content Security Policy/.test(message.text()) && problems.push(message.text()));
  return { tab, left, problems };
}

async function runInGraphiql(tab: Page, query: string): Promise<string> {
  const editor = tab.locator('.graphiql-query-editor .CodeMirror').first();
  await editor.click();
  await tab.keyboard.press('Control+A');
  await tab.keyboard.press('Backspace');
  await tab.keyboard.insertText(query);
  await tab.locator('button.graphiql-execute-button').click();
  const result = tab.locator('.result-window .CodeMirror');
  await result.filter({ hasText: '"data"' }).waitFor({ timeout: 10_000 });
  return (await result.innerText()).replace(/\s+/g, ' ');
}

describe.skipIf(!available)('a GraphQL IDE that works offline, in development', () => {
  it('the Sandbox landing page, offline, points to /graphiql; GraphiQL loads from Gatehouse alone and sends the session cookie', async () => {
    const browser = await launchChromium();
    try {
      const { tab, left, problems } = await offlineTab(browser);
      await tab.goto(`${server.baseUrl}/graphql`);
      const hint = tab.getByText('Use the GraphiQL that Gatehouse serves itself');
      await hint.waitFor({ timeout: 10_000 });
      expect(left.some((url) => url.includes('apollographql.com'))).toBe(true); // it did try its CDN
      await tab.getByRole('link', { name: '/graphiql' }).click();
      await tab.waitForURL(`${server.baseUrl}/graphiql`);
      problems.length = 0; // Sandbox's page failed without its CDN script; GraphiQL must not fail at all

      const email = uniqueEmail('graphiql');
      const registered = await runInGraphiql(tab, `mutation { register(input: { email: "${email}", password: "${GOOD_PASSWORD}" }) { __typename } }`);
      expect(registered).toContain('"AuthSuccess"');
      const me = await runInGraphiql(tab, '{ me { email } }');
      expect(me).toContain(`"email": "${email}"`); // the cookie set by register came back
      expect(problems).toEqual([]);
      left.length = 0;
      await tab.reload();
      await tab.locator('.graphiql-query-editor').waitFor();
      expect(left).toEqual([]); // GraphiQL itself asked nothing of the internet
    } finally {
      await browser.close();
    }
  });

  it('is not served in production', async () => {
    const production = await startTestServer({ env: { NODE_ENV: 'production', COOKIE_SECURE: 'true', SMTP_URL: 'smtp://127.0.0.1:1', PASSWORD_HASH_MEMORY_KIB: '19456', PASSWORD_HASH_ITERATIONS: '2' } });
    try {
      expect((await fetch(`${production.baseUrl}/graphiql`)).status).toBe(404);
      expect((await fetch(`${production.baseUrl}/graphiql/graphiql.js`)).status).toBe(404);
    } finally {
      await production.close();
    }
  });
});

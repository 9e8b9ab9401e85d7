import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { resolve } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { uniqueEmail } from '../helpers/accounts';
import { hasChromium, launchChromium } from '../helpers/chromium';
import { freePort, startTestServer, type TestServer } from '../helpers/test-server';

/**
 * A passkey in a real browser: headless Chromium with the DevTools virtual authenticator, on a
 * page of a frontend origin (localhost, a secure context) that talks to Gatehouse with
 * credentials: 'include' and @simplewebauthn/browser, as a frontend would. Nothing is faked
 * between the browser and the server.
 */
const available = hasChromium();
// The library's own browser bundle, served by the page's origin: no CDN.
const browserJs = readFileSync(resolve('node_modules/@simplewebauthn/browser/dist/bundle/index.umd.min.js'), 'utf8');

let server: TestServer;
let page: Server;
let frontend: string;
beforeAll(async () => {
  if (!available) return;
  const port = await freePort();
  frontend = `http://localhost:${port}`;
  server = await startTestServer({ env: { FRONTEND_URL: frontend, HOST: 'localhost' } });
  page = createServer((req, res) => {
    if (req.url === '/webauthn.js') return res.writeHead(200, { 'content-type': 'text/javascript' }).end(browserJs);
    res.writeHead(200, { 'content-type': 'text/html' }).end(`<!doctype html><html><head><script src="/webauthn.js"></script></head><body>
      <label>Email <input name="email" autocomplete="username webauthn"></label>
      <script>
        const api = ${JSON.stringify(server.graphqlUrl.replace('127.0.0.1', 'localhost'))};
        window.gql = async (query, variables) => {
          const response = await fetch(api, { method: 'POST', credentials: 'include', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query, variables }) });
          const body = await response.json();
          if (body.errors) throw new Error(body.errors[0].extensions.code + ': ' + body.errors[0].message);
          return body.data;
        };
      </script></body></html>`);
  });
  await new Promise<void>((resolve) => page.listen(port, 'localhost', resolve));
});
afterAll(async () => {
  await server?.close();
  await new Promise((resolve) => (page ? page.close(resolve) : resolve(undefined)));
});

/**
 * Runs `fn` in the page. A failure comes back as a plain Error with the page's message: the
 * browser's stack names page URLs, which the test runner cannot map to sources.
 */
async function inPage<A, R>(tab: Page, fn: (arg: A) => Promise<R>, arg: A): Promise<R> {
  try {
    return (await tab.evaluate(fn as never, arg)) as R;
  } catch (error) {
    throw new Error(`in the page: ${(error as Error).message.split('\n')[0]}`);
  }
}

/**
 * The test page in a fresh context with the DevTools virtual authenticator: a platform
 * authenticator (internal, resident keys, user verification) that consents by itself.
 */
async function pageWithAuthenticator(browser: Browser) {
  const context = await browser.newContext();
  const tab = await context.newPage();
  const cdp = await context.newCDPSession(tab);
  await cdp.send('WebAuthn.enable');
  const { authenticatorId } = await cdp.send('WebAuthn.addVirtualAuthenticator', {
    options: { protocol: 'ctap2', transport: 'internal', hasResidentKey: true, hasUserVerification: true, isUserVerified: true, automaticPresenceSimulation: true },
  });
  await tab.goto(frontend);
  return { tab, cdp, authenticatorId };
}

describe.skipIf(!available)('a passkey in headless Chromium (SEC-58)', () => {
  it('registers a passkey with the virtual authenticator, signs out, and signs in with it alone', async () => {
    const browser = await launchChromium();
    try {
      const { tab, cdp, authenticatorId } = await pageWithAuthenticator(browser);
      const email = uniqueEmail('browser');
      const result = await inPage(tab, async (address) => {
        const { gql } = globalThis as unknown as { gql: (q: string, v?: object) => Promise<any> };
        const { startRegistration, startAuthentication } = (globalThis as unknown as { SimpleWebAuthnBrowser: any }).SimpleWebAuthnBrowser;
        await gql('mutation($e: String!) { register(input: { email: $e, password: "correct horse battery staple" }) { __typename } }', { e: address });
        const creation = (await gql('mutation { beginPasskeyRegistration }')).beginPasskeyRegistration;
        const created = await startRegistration({ optionsJSON: creation });
        const passkey = (await gql('mutation($r: JSONObject!) { finishPasskeyRegistration(input: { response: $r, name: "Chromium" }) { name } }', { r: created })).finishPasskeyRegistration;
        await gql('mutation { logout }');
        const signedOut = (await gql('{ me { email } }')).me;
        // No email: the discoverable credential the authenticator holds (what autofill offers).
        const start = (await gql('mutation { beginPasskeySignIn { flowToken options } }')).beginPasskeySignIn;
        const asserted = await startAuthentication({ optionsJSON: start.options });
        const signIn = (await gql('mutation($t: String!, $r: JSONObject!) { finishPasskeySignIn(input: { flowToken: $t, response: $r }) { __typename ... on AuthSuccess { session { credentialKind } } } }', { t: start.flowToken, r: asserted })).finishPasskeySignIn;
        const me = (await gql('{ me { email signInMethods { kind label } } }')).me;
        return { passkey, signedOut, signIn, me };
      }, email);
      expect(result.passkey).toEqual({ name: 'Chromium' });
      expect(result.signedOut).toBeNull();
      expect(result.signIn).toEqual({ __typename: 'AuthSuccess', session: { credentialKind: 'COOKIE' } });
      expect(result.me.email).toBe(email);
      expect(result.me.signInMethods).toEqual([{ kind: 'PASSWORD', label: 'Password' }, { kind: 'PASSKEY', label: 'Chromium' }]);
      // The passkey lives in the authenticator, discoverable, user-verified, and was used once.
      const { credentials } = await cdp.send('WebAuthn.getCredentials', { authenticatorId });
      expect(credentials).toHaveLength(1);
      expect(credentials[0]).toMatchObject({ isResidentCredential: true, rpId: 'localhost' });
    } finally {
      await browser.close();
    }
  });

  it('signs in through conditional UI: the autofill request made on page load is answered by the passkey (no email typed)', async () => {
    const browser = await launchChromium();
    try {
      const { tab } = await pageWithAuthenticator(browser);
      const email = uniqueEmail('autofill');
      const result = await inPage(tab, async (address) => {
        const { gql } = globalThis as unknown as { gql: (q: string, v?: object) => Promise<any> };
        const { startRegistration, startAuthentication, browserSupportsWebAuthnAutofill } = (globalThis as unknown as { SimpleWebAuthnBrowser: any }).SimpleWebAuthnBrowser;
        await gql('mutation($e: String!) { register(input: { email: $e }) { __typename } }', { e: address });
        const creation = (await gql('mutation { beginPasskeyRegistration }')).beginPasskeyRegistration;
        await gql('mutation($r: JSONObject!) { finishPasskeyRegistration(input: { response: $r }) { id } }', { r: await startRegistration({ optionsJSON: creation }) });
        await gql('mutation { logout }');
        const autofill = await browserSupportsWebAuthnAutofill();
        // What a sign-in page does on load: a discoverable request with mediation "conditional".
        const start = (await gql('mutation { beginPasskeySignIn { flowToken options } }')).beginPasskeySignIn;
        const asserted = await startAuthentication({ optionsJSON: start.options, useBrowserAutofill: true });
        const signIn = (await gql('mutation($t: String!, $r: JSONObject!) { finishPasskeySignIn(input: { flowToken: $t, response: $r }) { __typename } }', { t: start.flowToken, r: asserted })).finishPasskeySignIn;
        return { autofill, signIn, me: (await gql('{ me { email } }')).me };
      }, email);
      expect(result.autofill).toBe(true);
      expect(result.signIn).toEqual({ __typename: 'AuthSuccess' });
      expect(result.me).toEqual({ email });
    } finally {
      await browser.close();
    }
  });
});

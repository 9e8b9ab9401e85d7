import { ApolloServer } from '@apollo/server';
import { fastifyApolloHandler } from '@as-integrations/fastify';
import { type Context, createGatehouse, type Gatehouse, requireRole, requireUser } from 'gatehouse';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { callerKinds, registerUser, signInAs } from '../helpers/accounts';
import { createTestDatabase } from '../helpers/database';
import { testEnv, testLogger } from '../helpers/test-server';

/**
 * An app's own HTTP routes on Gatehouse's server (DRF's authentication classes for plain views):
 * `contextOf` resolves the caller exactly as GraphQL does; the guards answer with our codes.
 */
let gatehouse: Gatehouse;
let baseUrl: string;
beforeAll(async () => {
  const databaseUrl = await createTestDatabase(inject('adminUrl'), inject('templateDatabase'));
  const settings = testEnv({ DATABASE_URL: databaseUrl, AUTH_BASIC_ENABLED: 'true' });
  gatehouse = await createGatehouse({ settings, logger: testLogger(settings) });
  gatehouse.fastify.get('/api/whoami', async (request, reply) => ({ email: requireUser(await gatehouse.contextOf(request, reply)).userView.email }));
  gatehouse.fastify.post('/api/admin/ping', async (request, reply) => {
    requireRole(await gatehouse.contextOf(request, reply), 'admin');
    return { pong: true };
  });
  own = new ApolloServer(gatehouse.apolloOptions());
  await own.start();
  gatehouse.fastify.post('/app/graphql', fastifyApolloHandler(own, { context: gatehouse.contextOf }));
  baseUrl = `http://127.0.0.1:${await gatehouse.listen(0, '127.0.0.1')}`;
});
afterAll(async () => {
  await gatehouse?.close();
  await own?.stop();
});
let own: ApolloServer<Context>;

const graphqlUrl = () => `${baseUrl}/graphql`;

describe.each(callerKinds)('an app route over %s', (kind) => {
  it('sees the caller GraphQL would see; without a credential 401 UNAUTHENTICATED; without the role 403 FORBIDDEN', async () => {
    const { client, email } = await signInAs({ graphqlUrl: graphqlUrl() }, kind);
    const whoami = await fetch(`${baseUrl}/api/whoami`, { headers: client.credentialHeaders() });
    expect(await whoami.json()).toEqual({ email });
    const anonymous = await fetch(`${baseUrl}/api/whoami`);
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get('www-authenticate')).toMatch(/^Bearer/);
    expect(((await anonymous.json()) as { errors: { extensions: { code: string } }[] }).errors[0]!.extensions.code).toBe('UNAUTHENTICATED');
    const ping = await fetch(`${baseUrl}/api/admin/ping`, { method: 'POST', headers: { ...client.credentialHeaders(), 'content-type': 'application/json' }, body: '{}' });
    expect(ping.status).toBe(403);
  });
});

describe('an app route and the session cookie', () => {
  it('a POST counts the cookie only when no other site’s form could have sent it (CSRF)', async () => {
    const { client, result } = await registerUser({ graphqlUrl: graphqlUrl() }, 'COOKIE');
    await gatehouse.services.roles.set(gatehouse.orm.em.fork(), result.user.id, ['admin']);
    const ping = (headers: Record<string, string>, body = '{}') => fetch(`${baseUrl}/api/admin/ping`, { method: 'POST', headers: { ...client.cookieHeader(), ...headers }, body });
    expect((await ping({ 'content-type': 'application/json' })).status).toBe(200);
    expect((await ping({ 'content-type': 'text/plain' }, 'x')).status).toBe(401); // a form post from anywhere: the cookie is ignored
    expect((await ping({ 'content-type': 'text/plain', 'x-requested-with': 'fetch' }, 'x')).status).toBe(200);
  });
});

describe('an Apollo server of the app’s own', () => {
  it('serves the schema with Gatehouse’s context and plugins: the caller resolves, a refused credential is 401', async () => {
    const { client, email } = await signInAs({ graphqlUrl: `${baseUrl}/app/graphql` }, 'SESSION_TOKEN');
    const ask = (authorization: string) =>
      fetch(`${baseUrl}/app/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', authorization }, body: JSON.stringify({ query: '{ me { email } }' }) });
    expect(await (await ask(client.authorization!)).json()).toEqual({ data: { me: { email } } });
    const forged = await ask('Bearer gths_forged');
    expect(forged.status).toBe(401); // the credential gate plugin, not only the resolvers
    expect(((await forged.json()) as { errors: { extensions: { code: string } }[] }).errors[0]!.extensions.code).toBe('UNAUTHENTICATED');
  });
});

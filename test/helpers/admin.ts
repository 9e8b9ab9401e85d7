import type { CredentialKind } from '../generated/graphql';
import { GOOD_PASSWORD, registerUser, uniqueEmail } from './accounts';
import type { FakeClock } from './clock';
import { enableTotp, signInWithTotp } from './mfa';
import type { TestServer } from './test-server';

/**
 * An administrator signed in at aal2 over `kind`: role admin (given by the library's roles
 * service, as an operator would), TOTP on, and the second step done. `cookieClient` is the
 * session they registered with.
 */
export async function signInAsAdmin(server: TestServer, clock: FakeClock, kind: CredentialKind = 'COOKIE', registration: Record<string, unknown> = {}) {
  const email = uniqueEmail('admin');
  const first = await registerUser(server, 'COOKIE', email, GOOD_PASSWORD, registration);
  await server.app.services.roles.set(server.orm.em.fork(), first.result.user.id, ['admin']);
  const { secret } = await enableTotp(first.client, clock);
  const { client } = await signInWithTotp(server.graphqlUrl, email, kind, secret, clock);
  return { client, id: first.result.user.id, email, secret, cookieClient: first.client };
}

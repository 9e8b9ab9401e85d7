import { randomBytes } from 'node:crypto';
import { type AuthResultFieldsFragment, type CredentialKind, RegisterDocument } from '../generated/graphql';
import { TestClient } from './client';
import type { TestServer } from './test-server';

/** Every credential kind that signs a client in. Tests of signed-in behaviour run over each. */
export const credentialKinds: readonly CredentialKind[] = ['COOKIE'];

let counter = 0;

/** A unique address per call, so tests sharing a database never collide. */
export function uniqueEmail(label = 'user'): string {
  counter += 1;
  return `${label}-${counter}-${randomBytes(4).toString('hex')}@example.com`;
}

export const GOOD_PASSWORD = 'correct horse battery staple';

export interface SignedIn {
  client: TestClient;
  email: string;
  password: string;
  result: Extract<AuthResultFieldsFragment, { __typename: 'AuthSuccess' }>;
}

/** Registers a new user over HTTP and returns a client carrying the credential of `kind`. */
export async function registerUser(
  server: Pick<TestServer, 'graphqlUrl'>,
  kind: CredentialKind = 'COOKIE',
  email = uniqueEmail(),
  password = GOOD_PASSWORD,
): Promise<SignedIn> {
  const client = new TestClient(server.graphqlUrl);
  const response = await client.request(RegisterDocument, { input: { email, password, credentials: kind } });
  const result = response.data?.register;
  if (result?.__typename !== 'AuthSuccess') throw new Error(`registration failed: ${response.text}`);
  return { client, email, password, result };
}

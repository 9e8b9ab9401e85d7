import { randomBytes } from 'node:crypto';
import {
  type AuthResultFieldsFragment,
  CreateApiTokenDocument,
  type CredentialKind,
  LoginDocument,
  MeDocument,
  RefreshTokenDocument,
  RegisterDocument,
} from '../generated/graphql';
import { errorCode, type GraphQLResponse, TestClient } from './client';
import type { TestServer } from './test-server';

/** Every credential kind that signs a client in. Tests of signed-in behaviour run over each. */
export const credentialKinds: readonly CredentialKind[] = ['COOKIE', 'SESSION_TOKEN', 'JWT'];

/** Every way a request can be authenticated as a user: the sign-in kinds, API tokens and Basic. */
export const callerKinds = [...credentialKinds, 'API_TOKEN', 'BASIC'] as const;
export type CallerKind = (typeof callerKinds)[number];

/**
 * A new user and a client authenticated as them by `kind`: a sign-in of that credential kind, an
 * API token (READ and WRITE) created from a cookie session, or Basic with the password on every
 * request (the server needs AUTH_BASIC_ENABLED=true).
 */
export async function signInAs(server: Server, kind: CallerKind, email = uniqueEmail(), extra: Record<string, unknown> = {}): Promise<SignedIn> {
  const signedIn = await registerUser(server, kind === 'API_TOKEN' || kind === 'BASIC' ? 'COOKIE' : kind, email, GOOD_PASSWORD, extra);
  if (kind === 'API_TOKEN') {
    const created = await signedIn.client.request(CreateApiTokenDocument, { input: { name: 'caller' } });
    const client = new TestClient(server.graphqlUrl);
    client.authorization = `Bearer ${created.data!.createApiToken.token}`;
    return { ...signedIn, client };
  }
  if (kind === 'BASIC') {
    const client = new TestClient(server.graphqlUrl);
    client.authorization = `Basic ${Buffer.from(`${email}:${signedIn.password}`).toString('base64')}`;
    return { ...signedIn, client };
  }
  return signedIn;
}

let counter = 0;

/** A unique address per call, so tests sharing a database never collide. */
export function uniqueEmail(label = 'user'): string {
  counter += 1;
  return `${label}-${counter}-${randomBytes(4).toString('hex')}@example.com`;
}

export const GOOD_PASSWORD = 'correct horse battery staple';

export type AuthSuccessFields = Extract<AuthResultFieldsFragment, { __typename: 'AuthSuccess' }>;

export interface SignedIn {
  client: TestClient;
  email: string;
  password: string;
  result: AuthSuccessFields;
}

type Server = Pick<TestServer, 'graphqlUrl'>;

/** Makes `client` carry the credential a sign-in returned, as an app of that kind would. */
export function adopt(client: TestClient, result: AuthSuccessFields, kind: CredentialKind): void {
  if (kind === 'SESSION_TOKEN') client.authorization = `Bearer ${result.sessionToken}`;
  if (kind === 'JWT') {
    client.authorization = `Bearer ${result.accessToken}`;
    client.refreshToken = result.refreshToken ?? undefined;
  }
  // COOKIE: the client's jar already holds what the server set.
}

function expectSuccess(response: GraphQLResponse<unknown>, result: AuthResultFieldsFragment | undefined): AuthSuccessFields {
  if (result?.__typename !== 'AuthSuccess') throw new Error(`sign-in failed: ${response.text}`);
  return result;
}

/** Registers a new user over HTTP and returns a client carrying the credential of `kind`. */
/** A new user signed in by `kind`; `extra` adds input fields (profile fields, which the committed schema does not know). */
export async function registerUser(server: Server, kind: CredentialKind = 'COOKIE', email = uniqueEmail(), password = GOOD_PASSWORD, extra: Record<string, unknown> = {}): Promise<SignedIn> {
  const client = new TestClient(server.graphqlUrl);
  const response = await client.request(RegisterDocument, { input: { email, password, credentials: kind, ...extra } });
  const result = expectSuccess(response, response.data?.register);
  adopt(client, result, kind);
  return { client, email, password, result };
}

/** Logs an existing user in from a new client (another device). */
export async function loginUser(server: Server, email: string, kind: CredentialKind = 'COOKIE', password = GOOD_PASSWORD): Promise<SignedIn> {
  const client = new TestClient(server.graphqlUrl);
  const response = await client.request(LoginDocument, { input: { email, password, credentials: kind } });
  const result = expectSuccess(response, response.data?.login);
  adopt(client, result, kind);
  return { client, email, password, result };
}

/** Whether `password` signs `email` in right now, from a new client. */
export async function canLogin(server: Server, email: string, password: string): Promise<boolean> {
  const response = await new TestClient(server.graphqlUrl).request(LoginDocument, { input: { email, password } });
  return response.data?.login?.__typename === 'AuthSuccess';
}

/**
 * Who the server takes the client for: the email of the signed-in user, `null` (anonymous: no
 * credential sent), or `'UNAUTHENTICATED'` (a credential was sent and refused).
 */
export async function whoAmI(client: TestClient): Promise<string | null> {
  const response = await client.request(MeDocument);
  if (response.errors) {
    const code = errorCode(response);
    if (code === 'UNAUTHENTICATED') return 'UNAUTHENTICATED';
    throw new Error(`unexpected error: ${response.text}`);
  }
  return response.data?.me?.email ?? null;
}

/** A JWT client's refresh: rotates its refresh token and takes the new access token. */
export async function refresh(client: TestClient) {
  const response = await client.request(RefreshTokenDocument, { refreshToken: client.refreshToken ?? '' });
  const result = response.data?.refreshToken;
  if (result?.__typename === 'AuthSuccess') adopt(client, result, 'JWT');
  return response;
}

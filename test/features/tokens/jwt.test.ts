import { createHmac, createPublicKey, generateKeyPairSync, type JsonWebKey } from 'node:crypto';
import jwt from 'jsonwebtoken';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MeDocument } from '../../generated/graphql';
import { registerUser, whoAmI } from '../../helpers/accounts';
import { TestClient } from '../../helpers/client';
import { startTestServer, TEST_JWT_PRIVATE_KEY, type TestServer } from '../../helpers/test-server';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server?.close());

const b64 = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
const decode = (token: string) => jwt.decode(token, { complete: true })!;
const bearer = (token: string) => Object.assign(new TestClient(server.graphqlUrl), { authorization: `Bearer ${token}` });

describe('access JWTs', () => {
  it('carry iss, aud, sub, sid, exp, iat, jti, typ at+jwt and a kid, signed ES256', async () => {
    const { result } = await registerUser(server, 'JWT');
    const { header, payload } = decode(result.accessToken!);
    expect(header).toMatchObject({ alg: 'ES256', typ: 'at+jwt' });
    expect(typeof header.kid).toBe('string');
    expect(payload).toMatchObject({ iss: 'gatehouse', aud: 'gatehouse', sub: result.user.id, sid: result.session.id });
    expect(payload).toEqual(expect.objectContaining({ exp: expect.any(Number), iat: expect.any(Number), jti: expect.any(String) }));
  });

  it('verify for other services with the key published at /.well-known/jwks.json', async () => {
    const { result } = await registerUser(server, 'JWT');
    const response = await fetch(`${server.baseUrl}/.well-known/jwks.json`);
    expect(response.status).toBe(200);
    const { keys } = (await response.json()) as { keys: (JsonWebKey & { kid: string })[] };
    const jwk = keys.find((k) => k.kid === decode(result.accessToken!).header.kid)!;
    expect(jwk).toMatchObject({ kty: 'EC', crv: 'P-256', alg: 'ES256', use: 'sig' });
    expect(jwk).not.toHaveProperty('d'); // never the private part
    const claims = jwt.verify(result.accessToken!, createPublicKey({ key: jwk, format: 'jwk' }), { algorithms: ['ES256'], audience: 'gatehouse', issuer: 'gatehouse' });
    expect(claims).toMatchObject({ sub: result.user.id });
  });
});

describe('forged and misused access tokens are UNAUTHENTICATED, never 500 (SEC-35, SEC-36, SEC-37, SEC-40)', () => {
  let genuine: string;
  let claims: Record<string, unknown>;
  let kid: string;
  let othersSession: string;
  beforeAll(async () => {
    const { result } = await registerUser(server, 'JWT');
    othersSession = (await registerUser(server, 'JWT')).result.session.id;
    genuine = result.accessToken!;
    const decoded = decode(genuine);
    claims = decoded.payload as Record<string, unknown>;
    kid = decoded.header.kid!;
  });

  const now = () => Math.floor(Date.now() / 1000);
  const signWith = (payload: object, header: object = {}, key = TEST_JWT_PRIVATE_KEY, algorithm: jwt.Algorithm = 'ES256') =>
    jwt.sign(payload, key, { algorithm, header: { alg: algorithm, typ: 'at+jwt', kid, ...header } as jwt.JwtHeader });

  const attacker = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const cases: [string, () => string][] = [
    ['alg none', () => `${b64({ alg: 'none', typ: 'at+jwt', kid })}.${b64(claims)}.`],
    ['HS256 signed with the public key', () => {
      const publicPem = createPublicKey(TEST_JWT_PRIVATE_KEY).export({ format: 'pem', type: 'spki' }).toString();
      const header = b64({ alg: 'HS256', typ: 'at+jwt', kid });
      const body = b64(claims);
      return `${header}.${body}.${createHmac('sha256', publicPem).update(`${header}.${body}`).digest('base64url')}`;
    }],
    ['an attacker key with our kid', () => signWith(claims, {}, attacker.privateKey.export({ format: 'pem', type: 'pkcs8' }).toString())],
    ['an attacker key embedded as jwk', () =>
      signWith(claims, { jwk: attacker.publicKey.export({ format: 'jwk' }) }, attacker.privateKey.export({ format: 'pem', type: 'pkcs8' }).toString())],
    ['a jku header pointing elsewhere', () =>
      signWith(claims, { jku: 'https://evil.example/jwks.json', kid: 'evil' }, attacker.privateKey.export({ format: 'pem', type: 'pkcs8' }).toString())],
    ['kid path traversal', () => signWith(claims, { kid: '../../dev/null' })],
    ['kid SQL injection', () => signWith(claims, { kid: "' or 1=1 --" })],
    ['unknown kid', () => signWith(claims, { kid: 'not-a-key' })],
    ['expired', () => signWith({ ...claims, iat: now() - 3600, exp: now() - 60 })],
    ['not yet valid (nbf in the future)', () => signWith({ ...claims, nbf: now() + 3600 })],
    ['wrong audience', () => signWith({ ...claims, aud: 'another-service' })],
    ['wrong issuer', () => signWith({ ...claims, iss: 'https://evil.example' })],
    ['typ JWT instead of at+jwt', () => signWith(claims, { typ: 'JWT' })],
    ['missing sid', () => signWith({ ...claims, sid: undefined })],
    ['no exp', () => {
      const { exp: _exp, ...rest } = claims;
      return signWith(rest);
    }],
    ['tampered payload', () => {
      const [h, , s] = genuine.split('.');
      return `${h}.${b64({ ...claims, sub: '00000000-0000-0000-0000-000000000000' })}.${s}`;
    }],
    ['truncated signature', () => genuine.slice(0, -3)],
    ['re-encoded with padding', () => `${genuine}=`],
    ['a refresh token used as an access token', () => 'gthr_notanaccesstoken'],
    // Signed with our own key, as after a key leak (RFC 8725 §3.10): defence in depth.
    ['a crit header we do not implement (RFC 7515 §4.1.11)', () => signWith(claims, { crit: ['exp-ext'], 'exp-ext': true })],
    ['issued in the future (iat beyond the leeway)', () => signWith({ ...claims, iat: now() + 600, exp: now() + 900 })],
    ['a lifetime longer than the configured TTL', () => signWith({ ...claims, iat: now(), exp: now() + 24 * 3600 })],
    ['a sid that is another user’s live session', () => signWith({ ...claims, sid: othersSession })],
    ['a sid that is no session at all', () => signWith({ ...claims, sid: '00000000-0000-4000-8000-000000000000' })],
    ['a sid that is not even a UUID', () => signWith({ ...claims, sid: "x' or 1=1 --" })],
    ['an OpenID Connect ID token of another issuer', () =>
      jwt.sign({ sub: claims.sub, aud: 'some-client', iss: 'https://accounts.google.com' }, attacker.privateKey.export({ format: 'pem', type: 'pkcs8' }).toString(), { algorithm: 'ES256', expiresIn: 300 })],
  ];

  it('accepts the genuine token, and one re-signed with our key and its true claims (the matrix below is not vacuous)', async () => {
    expect(await whoAmI(bearer(genuine))).not.toBe('UNAUTHENTICATED');
    expect(await whoAmI(bearer(signWith({ ...claims, jti: 'another' })))).not.toBe('UNAUTHENTICATED');
  });

  it.each(cases)('%s', async (_label, make) => {
    const client = bearer(make());
    const response = await client.request(MeDocument);
    expect(response.status).toBe(401);
    expect(response.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });
});

describe('signing key rotation', () => {
  it('keeps accepting tokens of the previous key, signs new ones with the new key, and publishes both', async () => {
    const { client, email, result } = await registerUser(server, 'JWT');
    const newKey = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
    const oldPublic = createPublicKey(TEST_JWT_PRIVATE_KEY).export({ format: 'pem', type: 'spki' }).toString();
    const rotated = await startTestServer({ databaseUrl: server.databaseUrl, env: { JWT_PRIVATE_KEY: newKey, JWT_PREVIOUS_PUBLIC_KEYS: oldPublic } });
    const dropped = await startTestServer({ databaseUrl: server.databaseUrl, env: { JWT_PRIVATE_KEY: newKey } });
    try {
      expect(await whoAmI(client.clone(rotated.graphqlUrl))).toBe(email);
      expect(await whoAmI(client.clone(dropped.graphqlUrl))).toBe('UNAUTHENTICATED');
      const fresh = await registerUser(rotated, 'JWT');
      expect(decode(fresh.result.accessToken!).header.kid).not.toBe(decode(result.accessToken!).header.kid);
      const { keys } = (await (await fetch(`${rotated.baseUrl}/.well-known/jwks.json`)).json()) as { keys: unknown[] };
      expect(keys).toHaveLength(2);
    } finally {
      await Promise.all([rotated.close(), dropped.close()]);
    }
  });

  it('HS256 works only when configured, and publishes no keys', async () => {
    const hs = await startTestServer({ env: { JWT_ALGORITHM: 'HS256', JWT_SECRET: 'an-hs256-secret-of-at-least-32-characters' } });
    try {
      const { client, email, result } = await registerUser(hs, 'JWT');
      expect(decode(result.accessToken!).header.alg).toBe('HS256');
      expect(await whoAmI(client)).toBe(email);
      expect(await (await fetch(`${hs.baseUrl}/.well-known/jwks.json`)).json()).toEqual({ keys: [] });
      // an ES256 server does not take the HS256 token
      expect(await whoAmI(client.clone(server.graphqlUrl))).toBe('UNAUTHENTICATED');
    } finally {
      await hs.close();
    }
  });
});

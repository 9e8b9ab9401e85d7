import fc from 'fast-check';
import {
  type GraphQLArgument,
  type GraphQLInputType,
  GraphQLEnumType,
  GraphQLInputObjectType,
  GraphQLList,
  GraphQLNonNull,
  GraphQLScalarType,
  type GraphQLSchema,
} from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildGatehouseSchema } from '../../../src/graphql/schema';
import { GOOD_PASSWORD, registerUser, whoAmI } from '../../helpers/accounts';
import { TestClient } from '../../helpers/client';
import { sql, startTestServer, type TestServer } from '../../helpers/test-server';

/** SECURITY-BAR.md section (c): the inputs every mutation must survive. */
const BAD_STRINGS = [
  '', ' ', '   padded   ', 'a'.repeat(1024), '\u0000', 'a\r\nBcc: x@evil.com', '\u202E', '\u200B', 'e\u0301', '\uD800',
  'VICTIM@x.com', 'victim@x.com ', 'victim@x.com\n', 'vıctim@x.com', 'victim@x.com,evil@e.com', '"a@b"@evil.com', 'victim+tag@x.com',
  'xn--80ak6aa92e.com', `${'a'.repeat(320)}@x.com`, 'no-at-sign', 'null', 'undefined', 'gths_', 'gthr_' + 'A'.repeat(43), 'gthp_x', 'gthe_' + 'a'.repeat(43),
  'eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.', "' or 1=1 --", '../../dev/null', 'javascript:alert(1)', '//evil.com', '%2F%2Fevil.com',
  'https://app.example.com.evil.com', 'password', 'x'.repeat(129), '😀'.repeat(64), '{"$ne":null}', '__proto__', 'constructor',
];
const BAD_VALUES: unknown[] = [null, 0, -1, 1e308, true, [], ['a'], {}, { $ne: null }, { $gt: '' }, JSON.parse('{"__proto__":{"polluted":1}}')];
const INTERNALS = /\bat \w+ \(|node_modules|\bselect\b.+\bfrom\b|\binsert into\b|violates|ECONNREFUSED|stack|TypeError|ReferenceError|mikro-orm/i;

let server: TestServer;
let schema: GraphQLSchema;
beforeAll(async () => {
  server = await startTestServer({ env: { OIDC_ALLOW_INSECURE: 'true' } });
  schema = await buildGatehouseSchema();
});
afterAll(() => server?.close());

/** A value for an argument of `type`: usually well-typed with hostile content, sometimes ill-typed. */
function valueFor(type: GraphQLInputType): fc.Arbitrary<unknown> {
  if (type instanceof GraphQLNonNull) return valueFor(type.ofType);
  if (type instanceof GraphQLList) return fc.array(valueFor(type.ofType), { maxLength: 3 });
  if (type instanceof GraphQLEnumType) return fc.constantFrom(...type.getValues().map((v) => v.name), 'NOT_A_VALUE');
  if (type instanceof GraphQLInputObjectType) {
    const fields = Object.values(type.getFields());
    return fc.record(Object.fromEntries(fields.map((f) => [f.name, valueFor(f.type)])), { requiredKeys: [] });
  }
  const scalar = type as GraphQLScalarType;
  const wellTyped =
    scalar.name === 'Int' ? fc.integer() : scalar.name === 'Boolean' ? fc.boolean() : scalar.name === 'DateTime' ? fc.date({ noInvalidDate: true }).map((d) => d.toISOString()) : fc.oneof(fc.constantFrom(...BAD_STRINGS), fc.string({ unit: 'binary', maxLength: 40 }));
  return fc.oneof({ weight: 4, arbitrary: wellTyped }, { weight: 1, arbitrary: fc.constantFrom(...BAD_VALUES) });
}

function typeName(type: GraphQLInputType): string {
  if (type instanceof GraphQLNonNull) return `${typeName(type.ofType)}!`;
  if (type instanceof GraphQLList) return `[${typeName(type.ofType)}]`;
  return type.name;
}

function documentFor(operation: 'query' | 'mutation', field: string, args: readonly GraphQLArgument[]): string {
  const variables = args.map((a) => `$${a.name}: ${typeName(a.type)}`).join(', ');
  const call = args.length ? `(${args.map((a) => `${a.name}: $${a.name}`).join(', ')})` : '';
  const root = operation === 'query' ? schema.getQueryType()! : schema.getMutationType()!;
  const type = root.getFields()[field]!.type.toString().replace(/[[\]!]/g, '');
  const selection = schema.getType(type) && 'getFields' in schema.getType(type)! ? ' { __typename }' : type === 'AuthResult' ? ' { __typename }' : '';
  return `${operation} Fuzz${variables ? `(${variables})` : ''} { ${field}${call}${selection} }`;
}

/** Arguments whose values are secrets: no error message may repeat them (SEC-69). */
const SECRET_ARGUMENT = /^(password|newPassword|currentPassword|token|refreshToken|code|codeVerifier|idToken)$/;

function secretValues(value: unknown, key?: string): string[] {
  if (typeof value === 'string') return key && SECRET_ARGUMENT.test(key) && value.length >= 10 ? [value] : [];
  if (Array.isArray(value)) return value.flatMap((v) => secretValues(v, key));
  if (value && typeof value === 'object') return Object.entries(value).flatMap(([k, v]) => secretValues(v, k));
  return [];
}

describe('fuzzing every query and mutation with hostile and generated input', () => {
  it('answers every request with a typed error or a result: no 5xx, no internals, no echoed secret, no effect on other accounts, and the server stays healthy (SEC-69)', async () => {
    // The fuzzer signs in as `fuzzer` half the time and may change that account (it may even delete
    // it); `sentinel` is never used, so nothing it sends may change it.
    const fuzzer = await registerUser(server);
    const sentinel = await registerUser(server);
    const [before] = await sql<{ password_hash: string; email: string }>(server, 'select password_hash, email from users where id = ?', [sentinel.result.user.id]);
    const fields = [
      ...Object.values(schema.getQueryType()!.getFields()).map((f) => ({ operation: 'query' as const, field: f })),
      ...Object.values(schema.getMutationType()!.getFields()).map((f) => ({ operation: 'mutation' as const, field: f })),
    ];
    expect(fields.length).toBeGreaterThan(25);

    for (const { operation, field: mutation } of fields) {
      const query = documentFor(operation, mutation.name, mutation.args);
      const variables = fc.record(Object.fromEntries(mutation.args.map((a) => [a.name, valueFor(a.type)])), { requiredKeys: [] });
      await fc.assert(
        fc.asyncProperty(variables, fc.boolean(), async (vars, signedIn) => {
          const client = signedIn ? fuzzer.client.clone() : new TestClient(server.graphqlUrl);
          client.notesSentSecrets = false;
          const response = await client.post(JSON.stringify({ query, variables: vars }));
          expect(response.status, `${mutation.name} ${JSON.stringify(vars)}`).toBeLessThan(500);
          expect(response.text, mutation.name).not.toMatch(INTERNALS);
          // Every error is one the client caused, with its code: none is an internal failure.
          for (const error of response.errors ?? []) {
            expect(typeof error.extensions?.code).toBe('string');
            expect(error.extensions?.code, `${mutation.name} ${JSON.stringify(vars)}`).not.toBe('INTERNAL_SERVER_ERROR');
            for (const secret of secretValues(vars)) expect(error.message, `${mutation.name} echoed a secret`).not.toContain(secret);
          }
        }),
        { numRuns: 40 },
      );
    }

    expect((await fetch(`${server.baseUrl}/healthz`)).status).toBe(200);
    const [after] = await sql<{ password_hash: string; email: string }>(server, 'select password_hash, email from users where id = ?', [sentinel.result.user.id]);
    expect(after).toEqual(before);
    expect(await whoAmI(sentinel.client)).toBe(sentinel.email);
    expect((await registerUser(server, 'COOKIE', undefined, GOOD_PASSWORD)).result.__typename).toBe('AuthSuccess');
  });
});

describe('the HTTP layer with hostile requests', () => {
  const cases: [string, RequestInit, string?][] = [
    ['text/plain body', { method: 'POST', headers: { 'content-type': 'text/plain' }, body: '{"query":"{ me { id } }"}' }],
    ['form body', { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'query=%7Bme%7Bid%7D%7D' }],
    ['no content type', { method: 'POST', body: '{"query":"{ me { id } }"}' }],
    ['multipart body', { method: 'POST', headers: { 'content-type': 'multipart/form-data; boundary=x' }, body: '--x\r\nContent-Disposition: form-data; name="operations"\r\n\r\n{}\r\n--x--' }],
    ['invalid UTF-8', { method: 'POST', headers: { 'content-type': 'application/json' }, body: Buffer.from([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x7d]) }],
    ['JSON that is not an object', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '"just a string"' }],
    ['a batch of 50', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(Array.from({ length: 50 }, () => ({ query: '{ me { id } }' }))) }],
    ['an unknown persisted query', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ extensions: { persistedQuery: { version: 1, sha256Hash: 'a'.repeat(64) } } }) }],
    ['a mutation over GET', { method: 'GET', headers: { 'apollo-require-preflight': 'true' } }, '?query=mutation%7Blogout%7D'],
    ['an empty Bearer', { method: 'POST', headers: { 'content-type': 'application/json', authorization: 'Bearer ' }, body: '{"query":"{ me { id } }"}' }],
    ['the session cookie twice', { method: 'POST', headers: { 'content-type': 'application/json', cookie: 'gatehouse_session=a; gatehouse_session=b' }, body: '{"query":"{ me { id } }"}' }],
    ['a huge header', { method: 'POST', headers: { 'content-type': 'application/json', 'x-filler': 'x'.repeat(12_000) }, body: '{"query":"{ me { id } }"}' }],
    ['evil Host and forwarding headers', { method: 'POST', headers: { 'content-type': 'application/json', 'x-forwarded-host': 'evil.com', 'x-forwarded-for': '1.2.3.4', origin: 'null' }, body: '{"query":"{ me { id } }"}' }],
  ];

  it.each(cases)('%s: a clear 4xx or a normal answer, never a 5xx or internals', async (_label, init, search = '') => {
    const response = await fetch(`${server.graphqlUrl}${search}`, init);
    const text = await response.text();
    expect(response.status).toBeLessThan(500);
    expect(text).not.toMatch(INTERNALS);
  });

  // Every route, with malformed percent-encoding, odd paths and hostile headers.
  const paths = [
    '/auth/%ff', '/auth/%', '/auth/%00', '/auth/%ff/callback', '/auth/acme/callback?code=%ff&state=%', '/auth/x?returnTo=%ff',
    '/graphql/%ff', '/%ff', '/%', '/healthz?%ff', '/.well-known/jwks.json/%ff', '/.well-known/%2e%2e/healthz', '//graphql',
    `/auth/${'a'.repeat(4000)}`, '/graphql?query=%7B%20me%20%7B%20id%20%7D%20%7D&variables=%ff',
  ];
  const headers: Record<string, string>[] = [
    {},
    { cookie: '%ff=%ff; gatehouse_session=%' },
    { cookie: 'gatehouse_session=s%3A%ff.%ff' },
    { authorization: 'Basic %%%' },
    { authorization: 'Bearer %00.%ff.' },
    { 'accept-language': '%ff;q=abc,' + 'x'.repeat(500) },
    { 'x-forwarded-for': '%ff, , 999.999.999.999' },
  ];
  it.each(paths)('GET %s, with each hostile header set: a clear 4xx or a normal answer, never a 5xx', async (path) => {
    for (const header of headers) {
      const response = await fetch(`${server.baseUrl}${path}`, { headers: { 'apollo-require-preflight': 'true', ...header } });
      const text = await response.text();
      expect(response.status, `${path} ${JSON.stringify(header)}`).toBeLessThan(500);
      expect(text).not.toMatch(INTERNALS);
    }
  });
});

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ErrorCode, httpStatusOf, REQUEST_SHAPE_CODES } from '../../../src/errors';
import { CredentialsDocument } from '../../generated/graphql';
import { errorCode, TestClient } from '../../helpers/client';
import { startTestServer, type TestServer } from '../../helpers/test-server';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server?.close());

/** The codes of the README's error table: the first cell of each row under "### Errors". */
function readmeCodes(): string[] {
  const readme = readFileSync(join(__dirname, '..', '..', '..', 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('### Errors'), readme.indexOf('\n## ', readme.indexOf('### Errors')));
  return section
    .split('\n')
    .filter((line) => line.startsWith('| `'))
    .flatMap((line) => [...line.split('|')[1]!.matchAll(/`([A-Z_]+)`/g)].map((m) => m[1]!));
}

describe('the error catalog (SEC-70)', () => {
  it('the README documents every code the catalog has, and no other', () => {
    const documented = new Set(readmeCodes());
    const wire = new Set([...Object.keys(ErrorCode), ...Object.keys(REQUEST_SHAPE_CODES)]);
    expect([...wire].filter((c) => !documented.has(c)).sort()).toEqual([]);
    expect([...documented].filter((c) => !wire.has(c)).sort()).toEqual([]);
  });

  it('the README gives each code the status the catalog gives it (graphql-js and Apollo codes: the status Apollo answers)', () => {
    const readme = readFileSync(join(__dirname, '..', '..', '..', 'README.md'), 'utf8');
    const statusOf = (code: string) => (code in ErrorCode ? httpStatusOf(code) : REQUEST_SHAPE_CODES[code]);
    for (const code of [...Object.keys(ErrorCode), ...Object.keys(REQUEST_SHAPE_CODES)]) {
      const row = readme.split('\n').find((line) => line.startsWith('| `') && line.split('|')[1]!.includes(`\`${code}\``))!;
      expect(row.split('|')[2]!.trim(), code).toBe(String(statusOf(code)));
    }
  });

  it('an UNAUTHENTICATED raised inside a resolver answers 401, like one raised before execution', async () => {
    const response = await new TestClient(server.graphqlUrl).request(CredentialsDocument);
    expect(errorCode(response)).toBe('UNAUTHENTICATED');
    expect(response.status).toBe(401);
  });

  it('an unknown path is ROUTE_NOT_FOUND with 404, from the same catalog', async () => {
    const response = await fetch(`${server.baseUrl}/nope`);
    expect(response.status).toBe(httpStatusOf('ROUTE_NOT_FOUND'));
  });
});

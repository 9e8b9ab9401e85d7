import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

/** The shape the code promises (STYLE.md): HTTP stays in its adapter, so the server can change under the core. */
const SRC = join(__dirname, '..', 'src');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? sourceFiles(path) : path.endsWith('.ts') ? [path] : [];
  });
}

const HTTP_FRAMEWORK = /from '(fastify|@fastify\/[\w-]+|@as-integrations\/[\w-]+|express|cookie-parser|cors|accepts|cookie-signature)'/;

describe('the boundary between HTTP and the core', () => {
  it('no file outside src/http/ imports the HTTP framework or its plugins', () => {
    const offenders = sourceFiles(SRC)
      .filter((file) => !relative(SRC, file).startsWith('http/'))
      .filter((file) => HTTP_FRAMEWORK.test(readFileSync(file, 'utf8')))
      .map((file) => relative(SRC, file));
    expect(offenders).toEqual([]);
  });

  it('src/http/ is where it is spoken (the check above looks at the right imports)', () => {
    const speakers = sourceFiles(join(SRC, 'http')).filter((file) => HTTP_FRAMEWORK.test(readFileSync(file, 'utf8')));
    expect(speakers.length).toBeGreaterThan(0);
  });
});

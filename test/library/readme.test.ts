import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = join(__dirname, '..', '..');

describe('the README’s library example', () => {
  it('is the app the package test installs and serves (test/library/fixture/index.ts), line for line', () => {
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    const section = readme.slice(readme.indexOf('### An app in 21 lines'));
    const code = /```ts\n([\s\S]*?)```/.exec(section)?.[1];
    const fixture = readFileSync(join(__dirname, 'fixture', 'index.ts'), 'utf8');
    expect(code).toBe(fixture);
    expect(fixture.trimEnd().split('\n')).toHaveLength(21);
  });
});

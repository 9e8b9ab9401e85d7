import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = join(__dirname, '..', '..');
const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');

/** The first ```ts block after `marker` in the README. */
function blockAfter(marker: string): string | undefined {
  const at = readme.indexOf(marker);
  return at < 0 ? undefined : /```ts\n([\s\S]*?)```/.exec(readme.slice(at))?.[1];
}

describe('the README’s library examples are the code that the tests run', () => {
  it('the 21-line app is the one the package test installs and serves (test/library/fixture/index.ts)', () => {
    const fixture = readFileSync(join(__dirname, 'fixture', 'index.ts'), 'utf8');
    expect(blockAfter('### An app in 21 lines')).toBe(fixture);
    expect(fixture.trimEnd().split('\n')).toHaveLength(21);
  });

  it.each(['note.entity.ts', 'notes.resolver.ts', 'app.ts'])('examples/notes-api/src/%s is shown in full', (file) => {
    const source = readFileSync(join(ROOT, 'examples', 'notes-api', 'src', file), 'utf8');
    expect(blockAfter(`\`examples/notes-api/src/${file}\`:`)).toBe(source);
  });
});

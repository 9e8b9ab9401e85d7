import { generate } from '@graphql-codegen/cli';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import codegenConfig from '../codegen';
import webCodegenConfig from '../examples/web/codegen';
import { WEB_ROOT } from './helpers/web-example';
import { printGatehouseSchema } from '../src/graphql/print-schema';

const ROOT = join(__dirname, '..');

describe('generated files are current', () => {
  it('schema.graphql matches the resolvers (run `npm run schema`)', async () => {
    expect(readFileSync(join(ROOT, 'schema.graphql'), 'utf8')).toBe(await printGatehouseSchema());
  });

  it('the typed documents in test/generated match schema.graphql and the operations (run `npm run codegen`)', async () => {
    const outputs = (await generate({ ...codegenConfig, cwd: ROOT, silent: true }, false)) as { filename: string; content: string }[];
    expect(outputs.length).toBeGreaterThan(0);
    for (const { filename, content } of outputs) {
      expect(readFileSync(join(ROOT, filename), 'utf8'), filename).toBe(content);
    }
  });

  it('examples/web’s typed documents and possibleTypes match schema.graphql and its operations (cd examples/web && npm run codegen)', async () => {
    const outputs = (await generate({ ...webCodegenConfig, cwd: WEB_ROOT, silent: true }, false)) as { filename: string; content: string }[];
    expect(outputs.map((o) => o.filename).sort()).toEqual(['src/gql/', 'src/gql/possible-types.ts'].flatMap((f) => (f.endsWith('/') ? ['gql.ts', 'graphql.ts', 'index.ts'].map((n) => `${f}${n}`) : [f])).sort());
    for (const { filename, content } of outputs) {
      expect(readFileSync(join(WEB_ROOT, filename), 'utf8'), filename).toBe(content);
    }
  });
});

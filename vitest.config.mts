import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  // Vite's default transform (Oxc) drops decorator metadata; type-graphql and MikroORM need the
  // legacy decorators, and every decorator in src/ also names its type explicitly.
  oxc: { decorator: { legacy: true, emitDecoratorMetadata: true } },
  resolve: {
    // One graphql realm: the CJS entry for everyone, or `instanceof GraphQLSchema` fails.
    alias: [
      { find: /^graphql$/, replacement: 'graphql/index.js' },
      // The examples import the library by its package name, as an app does.
      { find: /^gatehouse$/, replacement: fileURLToPath(new URL('./src/index.ts', import.meta.url)) },
    ],
  },
  test: {
    include: ['test/**/*.test.ts', 'examples/*/test/**/*.test.ts'],
    globalSetup: ['test/helpers/global-setup.ts'],
    setupFiles: ['reflect-metadata'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
  },
});

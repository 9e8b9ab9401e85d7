import type { CodegenConfig } from '@graphql-codegen/cli';

/**
 * Typed documents for this app, from Gatehouse's schema: the committed `schema.graphql` (copy it
 * into your project, or point GATEHOUSE_SCHEMA at it), or a running development server
 * (`GATEHOUSE_SCHEMA=http://localhost:4000/graphql`, which answers introspection in development).
 * `npm run codegen` after changing a document; the output is committed.
 */
const config: CodegenConfig = {
  schema: process.env.GATEHOUSE_SCHEMA ?? '../../schema.graphql',
  documents: ['src/**/*.{ts,tsx}', '!src/gql/**'],
  ignoreNoDocuments: false,
  generates: {
    'src/gql/': {
      preset: 'client',
      presetConfig: { fragmentMasking: false },
      // DateTime travels as an ISO string; JSONObject carries passkey options and responses.
      config: { scalars: { DateTime: 'string', JSONObject: 'Record<string, unknown>' }, enumsAsTypes: true, useTypeImports: true },
    },
    // The unions' members (AuthResult = AuthSuccess | PendingStep), for Apollo Client's cache.
    'src/gql/possible-types.ts': { plugins: ['fragment-matcher'], config: { apolloClientVersion: 3, useExplicitTyping: true } },
  },
};

export default config;

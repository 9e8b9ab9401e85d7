import type { CodegenConfig } from '@graphql-codegen/cli';

/**
 * Typed documents for the operations the tests send, generated from the committed schema the
 * way a frontend team would generate theirs. `npm run codegen`; a test fails when it drifts.
 */
const config: CodegenConfig = {
  schema: 'schema.graphql',
  documents: ['test/operations/**/*.graphql'],
  ignoreNoDocuments: false,
  generates: {
    'test/generated/': {
      preset: 'client',
      presetConfig: { fragmentMasking: false },
      config: { scalars: { DateTime: 'string', JSONObject: 'Record<string, unknown>' }, enumsAsTypes: true, useTypeImports: true },
    },
  },
};

export default config;

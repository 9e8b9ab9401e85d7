/** Error codes owned by API tokens and credential management; merged into src/errors.ts. */
export const apiTokenErrors = {
  NOT_FOUND: 'No such credential.',
  INSUFFICIENT_SCOPE: 'This API token may not do that.',
} as const;

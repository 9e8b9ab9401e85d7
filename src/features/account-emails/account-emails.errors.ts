/** Error codes owned by mailed tokens and codes; merged into src/errors.ts. */
export const accountEmailErrors = {
  // One answer for unknown, used, expired, superseded and wrong-purpose tokens and codes.
  INVALID_TOKEN: 'This link or code is invalid or has expired. Ask for a new one.',
} as const;

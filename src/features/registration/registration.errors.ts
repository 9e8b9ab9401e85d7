/** Error codes owned by registration; merged into the catalog in src/errors.ts. */
export const registrationErrors = {
  EMAIL_TAKEN: 'An account with this email address already exists.',
} as const;

/** Error codes owned by sign-in and sessions; merged into the catalog in src/errors.ts. */
export const sessionErrors = {
  // One message for unknown email, wrong password, disabled account and password-less account.
  INVALID_CREDENTIALS: 'Invalid email or password.',
  UNAUTHENTICATED: 'You must be signed in to do this.',
  REFRESH_TOKEN_REUSED: 'This refresh token was already used. Sign in again.',
  REAUTH_REQUIRED: 'Confirm your password to continue.',
} as const;

/** Error codes owned by social login; merged into src/errors.ts. */
export const socialLoginErrors = {
  // One answer for a bad code, verifier, state, nonce or ID token, and for an unreachable provider.
  SOCIAL_LOGIN_FAILED: 'Signing in with this provider did not work. Please try again.',
  SOCIAL_ACCOUNT_TAKEN: 'This provider account is already linked to another user.',
  SOCIAL_EMAIL_IN_USE: 'An account with this email address exists. Sign in to it, then link this provider.',
  PROVIDER_EMAIL_REQUIRED: 'The provider did not share a verified email address.',
  LAST_SIGN_IN_METHOD: 'This is your last way to sign in. Set a password or link another provider first.',
} as const;

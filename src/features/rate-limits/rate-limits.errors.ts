/** Error codes owned by abuse resistance; merged into src/errors.ts. */
export const rateLimitErrors = {
  RATE_LIMITED: 'Too many attempts. Wait a moment and try again.',
  WEAK_PASSWORD: 'Choose a less common password.',
} as const;

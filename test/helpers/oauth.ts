import { createHash, randomBytes } from 'node:crypto';

/** PKCE and state values as RFC 7636 defines them, for the test's own client side. */
export const randomPKCECodeVerifier = () => randomBytes(32).toString('base64url');
export const randomNonce = () => randomBytes(16).toString('base64url');
export const randomState = () => randomBytes(16).toString('base64url');
export const calculatePKCECodeChallenge = (verifier: string) => createHash('sha256').update(verifier).digest('base64url');

import { createHash, randomBytes } from 'node:crypto';

/** 256 bits from the CSPRNG: far beyond guessing, and what every opaque token here carries. */
const TOKEN_BYTES = 32;

/**
 * A new opaque token: `prefix` + 43 base64url characters. The prefix names the kind, so a leaked
 * token can be recognised by secret scanners and by the support team without a lookup.
 */
export function createOpaqueToken(prefix: string): string {
  return prefix + randomBytes(TOKEN_BYTES).toString('base64url');
}

/**
 * The only form in which tokens are stored. A plain SHA-256 suffices: tokens are 256-bit random,
 * so there is nothing to brute-force, and lookups by hash through a unique index are constant-cost
 * and reveal nothing about the token through timing.
 */
export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

import { z } from 'zod';
import { AuthError, ErrorCode } from '../../errors';

const MAX_EMAIL_LENGTH = 254; // RFC 5321 path limit
const MAX_LOCAL_PART_LENGTH = 64; // RFC 5321 §4.5.3.1.1

// zod's email pattern is deliberately ASCII-only (IDN domains go in punycode). That shuts out
// look-alike addresses such as `vıctim@x.com` (dotless ı) that lower-case onto someone else's.
const emailSchema = z.email();

/** The canonical form we store and compare: trimmed and lower-cased. */
export function canonicalEmail(raw: string): string {
  return raw.trim().toLowerCase();
}

/** Canonicalises and validates an address, or throws BAD_USER_INPUT naming `field`. */
export function parseEmail(raw: string, field = 'email'): string {
  const email = canonicalEmail(raw);
  const localPart = email.slice(0, email.lastIndexOf('@'));
  if (email.length === 0 || email.length > MAX_EMAIL_LENGTH || localPart.length > MAX_LOCAL_PART_LENGTH || !emailSchema.safeParse(email).success) {
    throw new AuthError(ErrorCode.BAD_USER_INPUT, { field, message: 'Enter a valid email address.' });
  }
  return email;
}

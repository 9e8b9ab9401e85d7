import { randomInt } from 'node:crypto';

/** Crockford's base32 without the letters people misread (I, L, O, U). */
const ALPHABET = '0123456789abcdefghjkmnpqrstvwxyz';
const GROUPS = 4;
const GROUP_LENGTH = 4;
/** 10 codes per set, as GitHub and django-allauth give. */
export const RECOVERY_CODES_PER_SET = 10;

/** A new code: 16 characters of 5 bits (80 bits of randomness), shown as `abcd-efgh-jkmn-pqrs`. */
export function newRecoveryCode(): string {
  const groups: string[] = [];
  for (let g = 0; g < GROUPS; g++) {
    let group = '';
    for (let i = 0; i < GROUP_LENGTH; i++) group += ALPHABET[randomInt(ALPHABET.length)];
    groups.push(group);
  }
  return groups.join('-');
}

/** A typed code as it is hashed: case, spaces and dashes ignored. */
export function normalizeRecoveryCode(code: string): string {
  return code.toLowerCase().replace(/[\s-]/g, '');
}

import signature from 'cookie-signature';

/**
 * Signed cookies for @fastify/cookie in the format Gatehouse has always issued (`s:` + value +
 * HMAC-SHA256, as cookie-parser and cookie-signature write them), so a browser's session survives
 * an upgrade. Signs with SECRET_KEY; verifies with it and then each of SECRET_KEY_FALLBACKS, so
 * keys rotate without signing anyone out (SEC-39).
 */
export function cookieSigner(keys: readonly string[]) {
  const [current] = keys;
  if (!current) throw new Error('no cookie signing key');
  return {
    sign: (value: string): string => `s:${signature.sign(value, current)}`,
    unsign(signed: string): { valid: true; renew: boolean; value: string } | { valid: false; renew: false; value: null } {
      if (signed.startsWith('s:')) {
        for (const [index, key] of keys.entries()) {
          const value = signature.unsign(signed.slice(2), key);
          if (value !== false) return { valid: true, renew: index > 0, value };
        }
      }
      return { valid: false, renew: false, value: null };
    },
  };
}

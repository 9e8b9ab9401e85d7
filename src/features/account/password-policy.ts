import { PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH, passwordLength } from '../../crypto/password';
import { AuthError, ErrorCode } from '../../errors';

/**
 * Length is the only rule (NIST SP 800-63B, ASVS 6.2): 8 to 128 code points, any characters,
 * no composition rules, taken exactly as typed. Runs before any hashing, so an oversized
 * password costs nothing.
 */
export function assertPasswordAcceptable(password: string, field = 'password'): void {
  assertPasswordNotOversized(password, field);
  if (passwordLength(password) < PASSWORD_MIN_LENGTH) {
    throw new AuthError(ErrorCode.BAD_USER_INPUT, {
      field,
      message: `Use at least ${PASSWORD_MIN_LENGTH} characters.`,
    });
  }
}

/** The check shared with sign-in: nothing over the maximum is ever hashed. */
export function assertPasswordNotOversized(password: string, field = 'password'): void {
  // The UTF-16 length bounds the work before counting code points.
  if (password.length > PASSWORD_MAX_LENGTH * 2 || passwordLength(password) > PASSWORD_MAX_LENGTH) {
    throw new AuthError(ErrorCode.BAD_USER_INPUT, {
      field,
      message: `Use at most ${PASSWORD_MAX_LENGTH} characters.`,
    });
  }
}

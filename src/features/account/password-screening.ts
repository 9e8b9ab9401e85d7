import { dictionary } from '@zxcvbn-ts/language-common';
import { createHash } from 'node:crypto';
import type { Config } from '../../config';
import { AuthError, ErrorCode } from '../../errors';
import type { Logger } from '../../logger';

/** ~49,000 most common passwords (zxcvbn-ts's list), lower-case, shipped and usable offline. */
const COMMON_PASSWORDS = new Set(dictionary['passwords-common']);
const DECORATION = /^[\d\W_]+|[\d\W_]+$/g;
const MIN_OWN_CHARACTERS = 4;
const HIBP_TIMEOUT_MS = 2_000;

export interface PasswordContext {
  /** The account's address: a password made of it is no secret. */
  email?: string | null;
}

/**
 * Blocks passwords an attacker tries first (ASVS 6.2.4, 6.2.11, 6.2.12; SEC-03): common and
 * breached ones, with or without digits and symbols around them, and ones built from the email
 * address or the product name. Optionally asks Have I Been Pwned by k-anonymity (only the first
 * five hex digits of the SHA-1 leave the server).
 */
export class PasswordScreening {
  constructor(
    private readonly config: Pick<Config, 'mail' | 'passwordScreening'>,
    private readonly logger: Logger,
  ) {}

  /** Throws WEAK_PASSWORD with the reason as message, naming `field`. */
  async assertNotWeak(password: string, context: PasswordContext, field = 'password'): Promise<void> {
    const reason = this.offlineReason(password, context) ?? (await this.breachedReason(password));
    if (reason) throw new AuthError(ErrorCode.WEAK_PASSWORD, { field, message: reason });
  }

  private offlineReason(password: string, context: PasswordContext): string | null {
    const lower = password.toLowerCase();
    const core = lower.replace(DECORATION, '');
    if (COMMON_PASSWORDS.has(lower) || (core.length >= MIN_OWN_CHARACTERS && COMMON_PASSWORDS.has(core))) {
      return 'This password is one of the most common ones. Choose another.';
    }
    const words = contextWords(this.config.mail.productName, context.email);
    let rest = lower;
    for (const word of words) rest = rest.split(word).join('');
    if (rest !== lower && rest.replace(/[\d\W_]/g, '').length < MIN_OWN_CHARACTERS) {
      return 'This password is built from your email address or the name of this service. Choose another.';
    }
    return null;
  }

  private async breachedReason(password: string): Promise<string | null> {
    const { hibpApiUrl, hibpEnabled, hibpFailClosed } = this.config.passwordScreening;
    if (!hibpEnabled) return null;
    const sha1 = createHash('sha1').update(password, 'utf8').digest('hex').toUpperCase();
    try {
      const response = await fetch(`${hibpApiUrl}/range/${sha1.slice(0, 5)}`, {
        headers: { 'Add-Padding': 'true' },
        signal: AbortSignal.timeout(HIBP_TIMEOUT_MS),
      });
      if (!response.ok) throw new Error(`HIBP answered ${response.status}`);
      const suffix = sha1.slice(5);
      const found = (await response.text()).split('\n').some((line) => {
        const [hash, count] = line.trim().split(':');
        return hash === suffix && Number(count) > 0;
      });
      return found ? 'This password has appeared in a data breach. Choose another.' : null;
    } catch (error) {
      // Unreachable: by default accept (the offline list still applied); HIBP_FAIL_CLOSED refuses.
      this.logger.warn({ err: error }, 'breached-password check unavailable');
      return hibpFailClosed ? 'Passwords cannot be checked right now. Try again in a moment.' : null;
    }
  }
}

function contextWords(productName: string, email: string | null | undefined): string[] {
  const words = [productName.toLowerCase().replace(/\s+/g, '')];
  if (email) {
    const [local = '', domain = ''] = email.toLowerCase().split('@');
    words.push(local, ...local.split(/[._+-]/), domain.split('.')[0] ?? '');
  }
  return words.filter((w) => w.length >= 3).sort((a, b) => b.length - a.length);
}

import { createHmac, randomBytes } from 'node:crypto';
import type { Config } from '../../config';
import { safeEqual } from '../../crypto/constant-time';

/** Prefix of device tokens (OWASP "Slow Down Online Guessing Attacks with Device Cookies"). */
export const DEVICE_TOKEN_PREFIX = 'gthd_';
/** How long a device stays known after its last sign-in. */
export const DEVICE_TOKEN_LIFETIME_SECONDS = 180 * 24 * 60 * 60;

/** A new device's own random id (128 bits). */
export function newDeviceNonce(): string {
  return randomBytes(16).toString('base64url');
}

export interface Device {
  /** The device's own random id: its failures are counted under it. */
  nonce: string;
  /** The user who signed in on it. */
  userId: string;
}

/**
 * Device tokens: `gthd_<nonce>.<user id>.<HMAC>`, given to a client on every successful sign-in
 * (as a cookie, and in the answer for apps). A client that presents one for the account it signs
 * in to has proved that account before: its failures are counted per device and the account's
 * lock does not apply to it, so a stranger's wrong guesses cannot lock the owner out. Stateless:
 * the HMAC under SECRET_KEY (any of its fallbacks verifies) is the proof.
 */
export class DeviceTokens {
  constructor(private readonly config: Pick<Config, 'secretKeys'>) {}

  /**
   * A device token for `userId`. A device that presented its own token keeps its nonce, so that
   * what is keyed on it (its failure count, its trust for the second step) stays with the device.
   */
  issue(userId: string, nonce: string = newDeviceNonce()): string {
    return `${DEVICE_TOKEN_PREFIX}${nonce}.${userId}.${this.sign(this.config.secretKeys[0]!, nonce, userId)}`;
  }

  /** The device a token names, or null when it is not one we issued. */
  read(token: string | null | undefined): Device | null {
    if (!token?.startsWith(DEVICE_TOKEN_PREFIX)) return null;
    const [nonce, userId, signature, ...rest] = token.slice(DEVICE_TOKEN_PREFIX.length).split('.');
    if (!nonce || !userId || !signature || rest.length > 0) return null;
    const genuine = this.config.secretKeys.some((key) => safeEqual(signature, this.sign(key, nonce, userId)));
    return genuine ? { nonce, userId } : null;
  }

  private sign(key: string, nonce: string, userId: string): string {
    return createHmac('sha256', key).update(`gatehouse-device:${nonce}.${userId}`).digest('base64url');
  }
}

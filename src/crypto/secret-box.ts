import { createCipheriv, createDecipheriv, createHash, hkdfSync, randomBytes } from 'node:crypto';

const VERSION = 'v1';
const IV_BYTES = 12; // the GCM nonce size NIST SP 800-38D recommends
const TAG_BYTES = 16;

interface Key {
  id: string;
  key: Buffer;
}

/** A box that would not open: wrong key, altered ciphertext, or another row's ciphertext. */
export class SecretBoxError extends Error {
  override readonly name = 'SecretBoxError';
}

/**
 * Encrypts secrets we must read back (TOTP seeds) with AES-256-GCM from node:crypto: a random
 * 96-bit nonce per box, and `context` (the owner's id) as additional data, so a ciphertext copied
 * to another user's row does not open there. The first key seals; every key opens, each found by
 * the id stored in the box (`v1.<key id>.<nonce>.<ciphertext+tag>`), so a key is rotated by
 * putting the new one first and keeping the old one among the fallbacks until `needsReseal`
 * has moved every box to it. Keys are any string of 32+ characters: HKDF-SHA-256 makes the
 * 256-bit AES key, so a passphrase-shaped setting still gives a full-size key.
 */
export class SecretBox {
  private readonly keys: Key[];

  constructor(secrets: readonly string[]) {
    if (secrets.length === 0) throw new Error('SecretBox needs at least one key');
    this.keys = secrets.map((secret) => ({
      id: createHash('sha256').update(`gatehouse-secret-box-id:${secret}`).digest('base64url').slice(0, 8),
      key: Buffer.from(hkdfSync('sha256', secret, 'gatehouse', 'gatehouse-secret-box-v1', 32)),
    }));
  }

  seal(plaintext: string, context: string): string {
    const { id, key } = this.keys[0]!;
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES });
    cipher.setAAD(Buffer.from(context, 'utf8'));
    const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final(), cipher.getAuthTag()]);
    return [VERSION, id, iv.toString('base64url'), body.toString('base64url')].join('.');
  }

  open(box: string, context: string): string {
    const [version, id, iv, body, ...rest] = box.split('.');
    const entry = this.keys.find((k) => k.id === id);
    if (version !== VERSION || !entry || !iv || !body || rest.length > 0) throw new SecretBoxError('unknown format or key');
    const bytes = Buffer.from(body, 'base64url');
    try {
      const decipher = createDecipheriv('aes-256-gcm', entry.key, Buffer.from(iv, 'base64url'), { authTagLength: TAG_BYTES });
      decipher.setAAD(Buffer.from(context, 'utf8'));
      decipher.setAuthTag(bytes.subarray(bytes.length - TAG_BYTES));
      return Buffer.concat([decipher.update(bytes.subarray(0, bytes.length - TAG_BYTES)), decipher.final()]).toString('utf8');
    } catch (error) {
      throw new SecretBoxError('the box does not open', { cause: error });
    }
  }

  /** True when `box` was sealed with a key other than the current one (seal it again). */
  needsReseal(box: string): boolean {
    return box.split('.')[1] !== this.keys[0]!.id;
  }
}

import { createHash, generateKeyPairSync, type KeyObject, randomBytes, sign } from 'node:crypto';

/**
 * A software authenticator: what a browser and a platform authenticator hand a site, built by
 * hand from node:crypto (a P-256 key, `none` attestation, CBOR, authenticator data, client data).
 * Each part can be bent (origin, RP id, flags, counter, challenge) to test that the server refuses.
 */
export class SoftAuthenticator {
  readonly credentialId = randomBytes(16);
  private readonly privateKey: KeyObject;
  private readonly cose: Buffer;
  counter = 0;

  constructor(
    readonly rpId: string,
    readonly origin: string,
  ) {
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    this.privateKey = privateKey;
    const jwk = publicKey.export({ format: 'jwk' });
    this.cose = cbor(new Map<number, unknown>([[1, 2], [3, -7], [-1, 1], [-2, Buffer.from(jwk.x!, 'base64url')], [-3, Buffer.from(jwk.y!, 'base64url')]]));
  }

  get id(): string {
    return this.credentialId.toString('base64url');
  }

  /** The JSON navigator.credentials.create() gives for `options` (as @simplewebauthn/browser returns it). */
  register(options: { challenge: string }, bend: Bend = {}): Record<string, unknown> {
    const clientDataJSON = this.clientData('webauthn.create', options.challenge, bend);
    const flags = bend.flags ?? 0x45; // user present, user verified, attested credential data
    const attested = Buffer.concat([Buffer.alloc(16), u16(this.credentialId.length), this.credentialId, this.cose]);
    const authData = Buffer.concat([this.rpIdHash(bend), Buffer.from([flags]), u32(this.counter), attested]);
    const attestationObject = cbor(new Map<string, unknown>([['fmt', 'none'], ['attStmt', new Map()], ['authData', authData]]));
    return {
      id: this.id,
      rawId: this.id,
      type: 'public-key',
      response: { clientDataJSON: clientDataJSON.toString('base64url'), attestationObject: attestationObject.toString('base64url'), transports: ['internal'] },
      clientExtensionResults: {},
      authenticatorAttachment: 'platform',
    };
  }

  /** The JSON navigator.credentials.get() gives for `options`; the counter moves on by one. */
  assert(options: { challenge: string }, bend: Bend = {}): Record<string, unknown> {
    this.counter = bend.counter ?? this.counter + 1;
    const clientDataJSON = this.clientData('webauthn.get', options.challenge, bend);
    const authenticatorData = Buffer.concat([this.rpIdHash(bend), Buffer.from([bend.flags ?? 0x05]), u32(this.counter)]);
    const signature = sign('sha256', Buffer.concat([authenticatorData, createHash('sha256').update(clientDataJSON).digest()]), this.privateKey);
    return {
      id: this.id,
      rawId: this.id,
      type: 'public-key',
      response: { clientDataJSON: clientDataJSON.toString('base64url'), authenticatorData: authenticatorData.toString('base64url'), signature: signature.toString('base64url') },
      clientExtensionResults: {},
      authenticatorAttachment: 'platform',
    };
  }

  private clientData(type: string, challenge: string, bend: Bend): Buffer {
    return Buffer.from(JSON.stringify({ type, challenge: bend.challenge ?? challenge, origin: bend.origin ?? this.origin, crossOrigin: false }));
  }

  private rpIdHash(bend: Bend): Buffer {
    return createHash('sha256').update(bend.rpId ?? this.rpId).digest();
  }
}

/** What a test bends in a response: another origin, RP id, challenge, flags or counter. */
export interface Bend {
  origin?: string;
  rpId?: string;
  challenge?: string;
  flags?: number;
  counter?: number;
}

const u16 = (n: number) => Buffer.from([n >> 8, n & 0xff]);
const u32 = (n: number) => {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n);
  return b;
};

/** The CBOR (RFC 8949) a WebAuthn authenticator writes: integers, byte and text strings, maps. */
function cbor(value: unknown): Buffer {
  const head = (major: number, n: number) => {
    if (n < 24) return Buffer.from([(major << 5) | n]);
    if (n < 256) return Buffer.from([(major << 5) | 24, n]);
    return Buffer.concat([Buffer.from([(major << 5) | 25]), u16(n)]);
  };
  if (typeof value === 'number') return value >= 0 ? head(0, value) : head(1, -1 - value);
  if (Buffer.isBuffer(value)) return Buffer.concat([head(2, value.length), value]);
  if (typeof value === 'string') return Buffer.concat([head(3, Buffer.byteLength(value)), Buffer.from(value)]);
  if (value instanceof Map) return Buffer.concat([head(5, value.size), ...[...value].flatMap(([k, v]) => [cbor(k), cbor(v)])]);
  throw new Error(`cbor: cannot encode ${typeof value}`);
}

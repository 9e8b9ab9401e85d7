import { Entity, ManyToOne, type Opt, PrimaryKey, Property, Unique } from '@mikro-orm/core';
import { randomUUID } from 'node:crypto';
import { User } from './user.entity';

/**
 * A device the user said to trust after a second step ("trust this device"): a sign-in from it
 * skips the second step until `expiresAt`. The device is the one its device token names (the
 * lockout's device cookie); only the SHA-256 of the token's nonce is stored. Revoked one by one
 * (`credentials`), and all at once when the password or a second factor changes.
 */
@Entity({ tableName: 'trusted_devices' })
@Unique({ properties: ['user', 'deviceHash'] })
export class TrustedDevice {
  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  @ManyToOne(() => User, { deleteRule: 'cascade' })
  user!: User;

  @Property({ type: 'text' })
  deviceHash!: string;

  @Property({ type: 'timestamptz' })
  createdAt!: Date;

  @Property({ type: 'timestamptz' })
  expiresAt!: Date;

  @Property({ type: 'timestamptz', nullable: true })
  lastUsedAt: (Date & Opt) | null = null;

  @Property({ type: 'text', nullable: true })
  ipAddress: string | null = null;

  @Property({ type: 'text', nullable: true })
  userAgent: string | null = null;

  @Property({ type: 'timestamptz', nullable: true })
  revokedAt: (Date & Opt) | null = null;
}

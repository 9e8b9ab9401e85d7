import { Entity, Enum, Index, ManyToOne, type Opt, PrimaryKey, Property } from '@mikro-orm/core';
import { randomUUID } from 'node:crypto';
import { User } from './user.entity';

export enum EmailTokenPurpose {
  VERIFY_EMAIL = 'VERIFY_EMAIL',
  RESET_PASSWORD = 'RESET_PASSWORD',
  CHANGE_EMAIL = 'CHANGE_EMAIL',
  UNLOCK_ACCOUNT = 'UNLOCK_ACCOUNT',
  SIGN_IN = 'SIGN_IN',
  /** An administrator's invitation (`inviteUser`): sets the first password, like a reset link. */
  INVITE = 'INVITE',
}

/**
 * A one-time token mailed to an address. Bound to its user, its purpose and the address it was
 * sent to (for CHANGE_EMAIL, the new address): it is void if the user's address has changed
 * since. Only the SHA-256 of the token is stored; the optional short code (email verification)
 * is stored as an HMAC under SECRET_KEY, since a 6-digit code hashed plainly could be brute-forced
 * from a copy of the database.
 */
@Entity({ tableName: 'email_tokens' })
@Index({ properties: ['user', 'purpose'] })
export class EmailToken {
  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  @ManyToOne(() => User, { deleteRule: 'cascade' })
  user!: User;

  @Enum({ items: () => EmailTokenPurpose, nativeEnumName: 'email_token_purpose' })
  purpose!: EmailTokenPurpose;

  @Property({ type: 'text', unique: true })
  tokenHash!: string;

  @Property({ type: 'text' })
  email!: string;

  @Property({ type: 'text', nullable: true })
  codeHash: string | null = null;

  @Property({ type: 'integer', default: 0 })
  codeAttempts: number & Opt = 0;

  @Property({ type: 'timestamptz', nullable: true })
  codeExpiresAt: Date | null = null;

  @Property({ type: 'timestamptz' })
  createdAt!: Date;

  @Property({ type: 'timestamptz' })
  expiresAt!: Date;

  /** Set when used, and when superseded (a newer token, a password change). */
  @Property({ type: 'timestamptz', nullable: true })
  usedAt: (Date & Opt) | null = null;
}

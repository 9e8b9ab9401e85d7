import { Entity, Enum, ManyToOne, type Opt, PrimaryKey, Property } from '@mikro-orm/core';
import { randomUUID } from 'node:crypto';
import { User } from './user.entity';

export enum WebAuthnCeremony {
  REGISTRATION = 'REGISTRATION',
  SIGN_IN = 'SIGN_IN',
}

/**
 * A WebAuthn challenge we issued: only its SHA-256 is kept. Bound to its ceremony and (when
 * known) its user, single-use and short-lived. A sign-in challenge is reached by the flow token
 * the client holds (`tokenHash`); a registration challenge by the signed-in user.
 */
@Entity({ tableName: 'webauthn_challenges' })
export class WebAuthnChallenge {
  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  @Property({ type: 'text', unique: true })
  challengeHash!: string;

  @Property({ type: 'text', nullable: true, unique: true })
  tokenHash: string | null = null;

  @Enum({ items: () => WebAuthnCeremony, nativeEnumName: 'webauthn_ceremony' })
  ceremony!: WebAuthnCeremony;

  @ManyToOne(() => User, { deleteRule: 'cascade', nullable: true })
  user: User | null = null;

  @Property({ type: 'timestamptz' })
  createdAt!: Date;

  @Property({ type: 'timestamptz' })
  expiresAt!: Date;

  @Property({ type: 'timestamptz', nullable: true })
  usedAt: (Date & Opt) | null = null;
}

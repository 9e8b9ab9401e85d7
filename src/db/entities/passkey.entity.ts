import { ArrayType, Entity, Index, ManyToOne, type Opt, PrimaryKey, Property } from '@mikro-orm/core';
import { randomUUID } from 'node:crypto';
import { Field, ID, ObjectType } from 'type-graphql';
import { User } from './user.entity';

/**
 * A WebAuthn credential (passkey) of a user. The public key and the signature counter are what
 * verify its assertions; nothing here is secret, but none of it is shown beyond what a user
 * needs to recognise the passkey.
 */
@Entity({ tableName: 'passkeys' })
@Index({ properties: ['user'] })
@ObjectType('Passkey')
export class Passkey {
  @PrimaryKey({ type: 'uuid' })
  @Field(() => ID)
  id: string = randomUUID();

  @ManyToOne(() => User, { deleteRule: 'cascade' })
  user!: User;

  /** The authenticator's credential id, base64url: how an assertion names its passkey. */
  @Property({ type: 'text', unique: true })
  credentialId!: string;

  /** The COSE public key, base64url. */
  @Property({ type: 'text' })
  publicKey!: string;

  @Property({ type: 'bigint' })
  counter!: string;

  @Property({ type: ArrayType, columnType: 'text[]' })
  @Field(() => [String])
  transports!: string[];

  @Property({ type: 'text' })
  aaguid!: string;

  /** `singleDevice` (a security key) or `multiDevice` (synced, e.g. iCloud Keychain). */
  @Property({ type: 'text' })
  @Field(() => String)
  deviceType!: string;

  @Property({ type: 'boolean' })
  @Field(() => Boolean)
  backedUp!: boolean;

  @Property({ type: 'text' })
  @Field(() => String)
  name!: string;

  @Property({ type: 'timestamptz' })
  @Field(() => Date)
  createdAt!: Date;

  @Property({ type: 'timestamptz', nullable: true })
  @Field(() => Date, { nullable: true })
  lastUsedAt: (Date & Opt) | null = null;
}

import { Entity, Enum, ManyToOne, type Opt, PrimaryKey, Property, Unique } from '@mikro-orm/core';
import { randomUUID } from 'node:crypto';
import { Field, ObjectType, registerEnumType } from 'type-graphql';
import { User } from './user.entity';

/** A way to prove the second factor. Passkeys join this list with their own table (issue 15). */
export enum SecondFactorKind {
  TOTP = 'TOTP',
  RECOVERY_CODE = 'RECOVERY_CODE',
  WEBAUTHN = 'WEBAUTHN',
}

registerEnumType(SecondFactorKind, {
  name: 'SecondFactorKind',
  description: 'A way to finish a sign-in with a second factor, or to step up.',
  valuesConfig: {
    TOTP: { description: 'A 6-digit code from an authenticator app (RFC 6238).' },
    RECOVERY_CODE: { description: 'One of the single-use recovery codes shown when the authenticator was set up.' },
    WEBAUTHN: { description: 'One of your passkeys (with `passkeyOptions` for navigator.credentials.get()).' },
  },
});

/**
 * A TOTP authenticator of a user (one per user). `secretBox` is the RFC 6238 seed sealed by
 * SecretBox with the user's id as context: unreadable in the table and in backups without
 * MFA_ENCRYPTION_KEY. The row exists from `beginTotpEnrollment`; it counts as a second factor
 * only once `confirmedAt` is set (the user proved their app has the seed). `lastUsedStep` is the
 * RFC 6238 time step of the last accepted code: a code is accepted only for a later step, so none
 * is accepted twice, and once a code was used no earlier one is (RFC 6238 §5.2).
 */
@Entity({ tableName: 'second_factors' })
@Unique({ properties: ['user', 'kind'] })
@ObjectType('SecondFactor')
export class SecondFactor {
  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  @ManyToOne(() => User, { deleteRule: 'cascade' })
  user!: User;

  @Enum({ items: () => SecondFactorKind, nativeEnumName: 'second_factor_kind' })
  @Field(() => SecondFactorKind)
  kind!: SecondFactorKind;

  @Property({ type: 'text' })
  secretBox!: string;

  @Property({ type: 'timestamptz' })
  @Field(() => Date)
  createdAt!: Date;

  @Property({ type: 'timestamptz', nullable: true })
  confirmedAt: (Date & Opt) | null = null;

  @Property({ type: 'timestamptz', nullable: true })
  @Field(() => Date, { nullable: true })
  lastUsedAt: (Date & Opt) | null = null;

  @Property({ type: 'bigint', nullable: true })
  lastUsedStep: (string & Opt) | null = null;
}

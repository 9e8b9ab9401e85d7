import { ArrayType, Entity, Enum, Index, ManyToOne, type Opt, PrimaryKey, Property } from '@mikro-orm/core';
import { randomUUID } from 'node:crypto';
import { Field, ID, ObjectType } from 'type-graphql';
import { CredentialKind } from './credential-kind';
import { User } from './user.entity';

/**
 * A signed-in device. One row per sign-in, whatever the credential kind: a cookie or session token
 * is looked up by `tokenHash`; a JWT client's session is the refresh-token family its access
 * tokens name in `sid` (refresh tokens get their own table, pointing here). Revocation sets
 * `revokedAt`; rows are kept for the audit trail and the "signed-in devices" list.
 */
@Entity({ tableName: 'sessions' })
@Index({ properties: ['user', 'revokedAt'] })
// The revocation listener's catch-up read: recently revoked JWT sessions (created by migration).
@Index({
  name: 'sessions_jwt_revoked_at_index',
  expression: `create index "sessions_jwt_revoked_at_index" on "sessions" ("revoked_at") where credential_kind = 'JWT' and revoked_at is not null`,
})
@ObjectType('SessionInfo')
export class Session {
  @PrimaryKey({ type: 'uuid' })
  @Field(() => ID)
  id: string = randomUUID();

  @ManyToOne(() => User, { deleteRule: 'cascade' })
  user!: User;

  @Enum({ items: () => CredentialKind, nativeEnumName: 'credential_kind' })
  @Field(() => CredentialKind)
  credentialKind!: CredentialKind;

  /** SHA-256 of the opaque session token (cookie or bearer); null for JWT sessions. */
  @Property({ type: 'text', nullable: true, unique: true })
  tokenHash: string | null = null;

  @Property({ type: 'timestamptz' })
  @Field(() => Date)
  createdAt!: Date;

  /** When the user last proved who they are (password, provider): the basis for re-authentication. */
  @Property({ type: 'timestamptz' })
  authenticatedAt!: Date;

  /**
   * How the user proved who they are in this session, as RFC 8176 `amr` values: `pwd`, `social`,
   * `otp`, `recovery_code`, `mfa` (both factors); step-ups add theirs.
   */
  @Property({ type: ArrayType, columnType: 'text[]', default: '{}' })
  amr: string[] & Opt = [];

  /** When a second factor was last proved in this session (sign-in or step-up): aal2 since then. */
  @Property({ type: 'timestamptz', nullable: true })
  secondFactorAt: (Date & Opt) | null = null;

  /** Updated at most once per touch interval, so idle tracking costs no write per request. */
  @Property({ type: 'timestamptz' })
  @Field(() => Date)
  lastSeenAt!: Date;

  /** Absolute end of life: createdAt + absolute lifetime. */
  @Property({ type: 'timestamptz' })
  @Field(() => Date)
  expiresAt!: Date;

  /** Idle lifetime in seconds, fixed when the session was created. */
  @Property({ type: 'integer' })
  idleTimeoutSeconds!: number;

  @Property({ type: 'text', nullable: true })
  @Field(() => String, { nullable: true })
  ipAddress: string | null = null;

  @Property({ type: 'text', nullable: true })
  @Field(() => String, { nullable: true })
  userAgent: string | null = null;

  @Property({ type: 'timestamptz', nullable: true })
  revokedAt: (Date & Opt) | null = null;

  @Property({ type: 'text', nullable: true })
  revokedReason: (string & Opt) | null = null;

  /** When the session ends if it stays idle from now on. */
  @Field(() => Date)
  get idleExpiresAt(): Date & Opt {
    return new Date(this.lastSeenAt.getTime() + this.idleTimeoutSeconds * 1000);
  }

  /** The invariant every credential path checks: not revoked, within both lifetimes. */
  isLiveAt(now: Date): boolean {
    return sessionIsLiveAt(this, now);
  }
}

/** Session.isLiveAt for a session's row as the caller cache holds it (no entity). */
export function sessionIsLiveAt(s: Pick<Session, 'revokedAt' | 'expiresAt' | 'lastSeenAt' | 'idleTimeoutSeconds'>, now: Date): boolean {
  return s.revokedAt === null && now < s.expiresAt && now.getTime() < s.lastSeenAt.getTime() + s.idleTimeoutSeconds * 1000;
}

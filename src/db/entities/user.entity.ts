import { ArrayType, Entity, Index, type Opt, PrimaryKey, Property } from '@mikro-orm/core';
import { randomUUID } from 'node:crypto';
import { Field, ID, ObjectType } from 'type-graphql';

/**
 * An account. `email` is always canonical (trimmed, lower-cased) and unique; `passwordHash` is null
 * for accounts that sign in only through a social provider. Secret columns have no @Field.
 */
@Entity({ tableName: 'users' })
// The admin API's user list: newest first, and by email prefix (`LIKE 'ada%'` needs text_pattern_ops).
@Index({ properties: ['createdAt', 'id'] })
@Index({ name: 'users_email_pattern_index', expression: 'create index "users_email_pattern_index" on "users" ("email" text_pattern_ops)' })
@ObjectType('User')
export class User {
  @PrimaryKey({ type: 'uuid' })
  @Field(() => ID)
  id: string = randomUUID();

  @Property({ type: 'text', unique: true })
  @Field(() => String)
  email!: string;

  @Property({ type: 'timestamptz', nullable: true })
  emailVerifiedAt: Date | null = null;

  @Property({ type: 'text', nullable: true, lazy: false })
  passwordHash: string | null = null;

  @Property({ type: 'text', nullable: true })
  @Field(() => String, { nullable: true })
  displayName: string | null = null;

  /** The app's profile fields (PROFILE_FIELDS), by name; typed in the schema as `User.profile`. */
  @Property({ type: 'jsonb', default: '{}' })
  profile: Record<string, unknown> & Opt = {};

  /** The language of mails to this user (a shipped locale); null: each request's Accept-Language. */
  @Property({ type: 'text', nullable: true })
  @Field(() => String, { nullable: true, description: 'The language of mails to you (en, de); null: your browser’s, each time.' })
  locale: string | null = null;

  @Property({ type: 'boolean', default: true })
  isActive: boolean & Opt = true;

  /**
   * What the user may do beyond being signed in (`@Authorized('admin')`): names from ROLES; every
   * account has `user`. Changed only by operators (the library's `setRoles`, later the admin API).
   */
  @Property({ type: ArrayType, columnType: 'text[]', default: '{user}' })
  @Field(() => [String])
  roles: string[] & Opt = ['user'];

  /** Why an operator disabled the account (`disableUser`), and until when; null: not disabled, or for good. */
  @Property({ type: 'text', nullable: true })
  disabledReason: string | null = null;

  @Property({ type: 'timestamptz', nullable: true })
  disabledUntil: Date | null = null;

  /** Set by an operator (SQL today, the admin API later): this user must have a second factor, whatever MFA says. */
  @Property({ type: 'boolean', default: false })
  mfaRequired: boolean & Opt = false;

  @Property({ type: 'timestamptz' })
  @Field(() => Date)
  createdAt!: Date;

  @Property({ type: 'timestamptz', onUpdate: () => new Date() })
  updatedAt!: Date;

  @Property({ type: 'timestamptz', nullable: true })
  lastLoginAt: Date | null = null;

  @Field(() => Boolean)
  get emailVerified(): boolean & Opt {
    return this.emailVerifiedAt !== null;
  }
}

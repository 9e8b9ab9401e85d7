import { ArrayType, Entity, Index, ManyToOne, type Opt, PrimaryKey, Property } from '@mikro-orm/core';
import { randomUUID } from 'node:crypto';
import { Field, ID, ObjectType, registerEnumType } from 'type-graphql';
import { User } from './user.entity';

export enum ApiTokenScope {
  READ = 'READ',
  WRITE = 'WRITE',
  /** For a service that asks `POST /oauth/introspect` about other credentials; no GraphQL at all. */
  INTROSPECT = 'INTROSPECT',
  /** The admin API, with the token's `admin` role; only for a user with a second factor. */
  ADMIN = 'ADMIN',
}

registerEnumType(ApiTokenScope, {
  name: 'ApiTokenScope',
  description: 'What an API token may do.',
  valuesConfig: {
    READ: { description: 'Queries.' },
    WRITE: { description: 'Mutations.' },
    ADMIN: { description: 'The admin API (with the admin role given to the token); only users with a second factor may create one.' },
    INTROSPECT: { description: 'Only `POST /oauth/introspect` (RFC 7662): for a service that checks the credentials its callers present.' },
  },
});

/**
 * A personal API token: named, many per user, stored as SHA-256, optionally expiring and scoped.
 * `prefix` is the token's first characters, kept so users can tell their tokens apart.
 */
@Entity({ tableName: 'api_tokens' })
@Index({ properties: ['user', 'revokedAt'] })
@ObjectType('ApiToken')
export class ApiToken {
  @PrimaryKey({ type: 'uuid' })
  @Field(() => ID)
  id: string = randomUUID();

  @ManyToOne(() => User, { deleteRule: 'cascade' })
  user!: User;

  @Property({ type: 'text' })
  @Field(() => String)
  name!: string;

  @Property({ type: 'text' })
  @Field(() => String, { description: 'The first characters of the token, to recognise it.' })
  prefix!: string;

  @Property({ type: 'text', unique: true })
  tokenHash!: string;

  @Property({ type: ArrayType, columnType: 'text[]' })
  @Field(() => [ApiTokenScope])
  scopes!: ApiTokenScope[];

  /** Roles besides `user` the token may act with, of those its user holds at each request. */
  @Property({ type: ArrayType, columnType: 'text[]', default: '{}' })
  @Field(() => [String], { description: 'Roles besides user that the token may act with, while its user holds them.' })
  roles: string[] & Opt = [];

  @Property({ type: 'timestamptz' })
  @Field(() => Date)
  createdAt!: Date;

  @Property({ type: 'timestamptz', nullable: true })
  @Field(() => Date, { nullable: true })
  expiresAt: Date | null = null;

  @Property({ type: 'timestamptz', nullable: true })
  @Field(() => Date, { nullable: true })
  lastUsedAt: (Date & Opt) | null = null;

  @Property({ type: 'timestamptz', nullable: true })
  revokedAt: (Date & Opt) | null = null;

  isLiveAt(now: Date): boolean {
    return apiTokenIsLiveAt(this, now);
  }
}

/** ApiToken.isLiveAt for a token's row as the caller cache holds it (no entity). */
export function apiTokenIsLiveAt(t: Pick<ApiToken, 'revokedAt' | 'expiresAt'>, now: Date): boolean {
  return t.revokedAt === null && (t.expiresAt === null || now < t.expiresAt);
}

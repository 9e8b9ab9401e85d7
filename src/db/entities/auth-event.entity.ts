import { Entity, Index, ManyToOne, PrimaryKey, Property } from '@mikro-orm/core';
import { randomUUID } from 'node:crypto';
import { Field, ID, ObjectType } from 'type-graphql';
import { User } from './user.entity';

/**
 * One entry of the audit trail: who did what, how, from where, and whether it worked. Never a
 * secret: no password, token, code or link. Kept when the user is deleted (user set to null).
 */
@Entity({ tableName: 'auth_events' })
@Index({ properties: ['user', 'createdAt'] })
@Index({ properties: ['createdAt', 'id'] }) // the admin API's trail across users, newest first
@ObjectType('SecurityEvent')
export class AuthEvent {
  @PrimaryKey({ type: 'uuid' })
  @Field(() => ID)
  id: string = randomUUID();

  /** Whose trail it is on: the user the event is about (the target of an admin's action). */
  @ManyToOne(() => User, { nullable: true, deleteRule: 'set null' })
  user: User | null = null;

  /** Who did it, when not the user themselves: the administrator (on their trail too). */
  @ManyToOne(() => User, { nullable: true, deleteRule: 'set null', index: true })
  actor: User | null = null;

  /** What happened, e.g. LOGIN, REFRESH_TOKEN, PASSWORD_CHANGED, ACCOUNT_LOCKED. */
  @Property({ type: 'text' })
  @Field(() => String)
  type!: string;

  @Property({ type: 'boolean' })
  @Field(() => Boolean)
  success!: boolean;

  /** The error code of a failure, or a detail such as the provider id. */
  @Property({ type: 'text', nullable: true })
  @Field(() => String, { nullable: true })
  detail: string | null = null;

  /** The credential kind used or asked for (COOKIE, JWT, API_TOKEN, …). */
  @Property({ type: 'text', nullable: true })
  @Field(() => String, { nullable: true })
  credentialKind: string | null = null;

  @Property({ type: 'text', nullable: true })
  @Field(() => String, { nullable: true })
  ipAddress: string | null = null;

  @Property({ type: 'text', nullable: true })
  @Field(() => String, { nullable: true })
  userAgent: string | null = null;

  @Property({ type: 'timestamptz' })
  @Field(() => Date)
  createdAt!: Date;
}

import { Entity, Index, ManyToOne, PrimaryKey, Property, Unique } from '@mikro-orm/core';
import { randomUUID } from 'node:crypto';
import { Field, ID, ObjectType } from 'type-graphql';
import { User } from './user.entity';

/**
 * An identity at a social provider linked to a user. The identity is (issuer, subject), never an
 * email address (SEC-47); the email is kept only as the provider last reported it.
 * Provider access and refresh tokens are not kept at all.
 */
@Entity({ tableName: 'social_accounts' })
@Unique({ properties: ['issuer', 'subject'] })
@Index({ properties: ['user'] })
@ObjectType('SocialAccount')
export class SocialAccount {
  @PrimaryKey({ type: 'uuid' })
  @Field(() => ID)
  id: string = randomUUID();

  @ManyToOne(() => User, { deleteRule: 'cascade' })
  user!: User;

  /** The configured provider id (google, github, …). */
  @Property({ type: 'text' })
  @Field(() => String)
  provider!: string;

  @Property({ type: 'text' })
  issuer!: string;

  @Property({ type: 'text' })
  subject!: string;

  @Property({ type: 'text', nullable: true })
  @Field(() => String, { nullable: true })
  email: string | null = null;

  @Property({ type: 'timestamptz' })
  @Field(() => Date)
  createdAt!: Date;

  @Property({ type: 'timestamptz' })
  @Field(() => Date)
  lastUsedAt!: Date;
}

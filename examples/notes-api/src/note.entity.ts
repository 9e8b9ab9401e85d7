import { Entity, Index, ManyToOne, type Opt, PrimaryKey, Property } from '@mikro-orm/core';
import { randomUUID } from 'node:crypto';
import { User } from 'gatehouse';
import { Field, ID, ObjectType } from 'type-graphql';

/** A note, owned by a Gatehouse user: deleting the account deletes their notes. */
@Entity({ tableName: 'notes' })
@Index({ properties: ['owner', 'createdAt'] })
@ObjectType('Note')
export class Note {
  @PrimaryKey({ type: 'uuid' })
  @Field(() => ID)
  id: string = randomUUID();

  @ManyToOne(() => User, { deleteRule: 'cascade' })
  owner!: User;

  @Property({ type: 'text' })
  @Field(() => String)
  text!: string;

  @Property({ type: 'timestamptz' })
  @Field(() => Date)
  createdAt: Date & Opt = new Date();
}

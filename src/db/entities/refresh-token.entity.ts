import { Entity, Index, ManyToOne, type Opt, PrimaryKey, Property } from '@mikro-orm/core';
import { randomUUID } from 'node:crypto';
import { Session } from './session.entity';

/**
 * One refresh token of a JWT session (the session row is the token family). Each use rotates:
 * `usedAt` is set atomically and a successor is issued. A token presented again after its use,
 * outside the grace window, is treated as stolen and ends the whole family.
 */
@Entity({ tableName: 'refresh_tokens' })
@Index({ properties: ['session'] })
export class RefreshToken {
  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  @ManyToOne(() => Session, { deleteRule: 'cascade' })
  session!: Session;

  /** SHA-256 of the opaque token. */
  @Property({ type: 'text', unique: true })
  tokenHash!: string;

  @Property({ type: 'timestamptz' })
  createdAt!: Date;

  @Property({ type: 'timestamptz', nullable: true })
  usedAt: (Date & Opt) | null = null;
}

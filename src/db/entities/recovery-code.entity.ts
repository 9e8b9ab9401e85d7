import { Entity, Index, ManyToOne, type Opt, PrimaryKey, Property } from '@mikro-orm/core';
import { randomUUID } from 'node:crypto';
import { User } from './user.entity';

/**
 * One single-use recovery code. Only its SHA-256 is stored: codes carry 80 random bits, far
 * beyond brute force from a copy of the table. A set is replaced whole (the old rows deleted).
 */
@Entity({ tableName: 'recovery_codes' })
@Index({ properties: ['user', 'usedAt'] })
export class RecoveryCode {
  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  @ManyToOne(() => User, { deleteRule: 'cascade' })
  user!: User;

  @Property({ type: 'text' })
  codeHash!: string;

  @Property({ type: 'timestamptz' })
  createdAt!: Date;

  @Property({ type: 'timestamptz', nullable: true })
  usedAt: (Date & Opt) | null = null;
}

import { ArrayType, Entity, Enum, ManyToOne, type Opt, PrimaryKey, Property } from '@mikro-orm/core';
import { randomUUID } from 'node:crypto';
import { CredentialKind } from './credential-kind';
import { User } from './user.entity';

/** What a pending sign-in still needs (a flow exists only for steps that take a flow token). */
export enum SignInFlowStep {
  SECOND_FACTOR = 'SECOND_FACTOR',
  ENROLL_SECOND_FACTOR = 'ENROLL_SECOND_FACTOR',
}

/**
 * A sign-in that proved its first factor and waits for the next step: the pending flow
 * (allauth's "flows"). The client holds an opaque flow token; only its SHA-256 is stored. The
 * flow is bound to its user, the first factor proved (`amr`) and the credential kind asked for,
 * so finishing it cannot change either; it lives minutes, works once (`usedAt`), and is void
 * after `failedAttempts` reaches the configured maximum.
 */
@Entity({ tableName: 'sign_in_flows' })
export class SignInFlow {
  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  @Property({ type: 'text', unique: true })
  tokenHash!: string;

  @ManyToOne(() => User, { deleteRule: 'cascade' })
  user!: User;

  @Enum({ items: () => SignInFlowStep, nativeEnumName: 'sign_in_flow_step' })
  step!: SignInFlowStep;

  @Enum({ items: () => CredentialKind, nativeEnumName: 'credential_kind' })
  credentialKind!: CredentialKind;

  /** The methods already proved (RFC 8176 values: `pwd`, `social`). */
  @Property({ type: ArrayType, columnType: 'text[]' })
  amr!: string[];

  @Property({ type: 'timestamptz' })
  createdAt!: Date;

  @Property({ type: 'timestamptz' })
  expiresAt!: Date;

  @Property({ type: 'integer', default: 0 })
  failedAttempts: number & Opt = 0;

  @Property({ type: 'timestamptz', nullable: true })
  usedAt: (Date & Opt) | null = null;
}

import { Entity, Index, PrimaryKey, Property } from '@mikro-orm/core';
import { randomUUID } from 'node:crypto';

/**
 * A browser redirect-flow sign-in between leaving for the provider and coming back. Kept here, not
 * in the browser's cookie, so that it is consumed once: a copy of the cookie, replayed with a
 * fresh code for the same state, finds nothing (RFC 9700 §4.7). The state is stored as its
 * SHA-256 (it is what the browser presents); the PKCE verifier and nonce are plain, since they are
 * checked by the provider's answer, never presented by a client, and live ten minutes.
 */
@Entity({ tableName: 'oauth_flows' })
export class OAuthFlow {
  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  @Property({ type: 'text', unique: true })
  stateHash!: string;

  @Property({ type: 'text' })
  provider!: string;

  @Property({ type: 'text' })
  codeVerifier!: string;

  @Property({ type: 'text' })
  nonce!: string;

  @Property({ type: 'text' })
  returnTo!: string;

  @Property({ type: 'timestamptz' })
  createdAt!: Date;

  @Index()
  @Property({ type: 'timestamptz' })
  expiresAt!: Date;
}

import type { EntityManager } from '@mikro-orm/postgresql';
import type { Request, Response } from 'express';
import type { CredentialKind, Session, User } from '../db/entities';
import type { Services } from '../services';

/** Who is calling. Anonymous is a normal value, not an error. */
export type Caller =
  | { kind: 'anonymous' }
  | { kind: 'user'; user: User; session: Session; credential: CredentialKind };

export const ANONYMOUS: Caller = Object.freeze({ kind: 'anonymous' });

/** What every resolver receives: its own EntityManager, the caller, and the services. */
export interface Context {
  em: EntityManager;
  req: Request;
  res: Response;
  caller: Caller;
  services: Services;
}

/** The context of a signed-in caller, as guaranteed by `@Authorized()`. */
export type UserContext = Context & { caller: Extract<Caller, { kind: 'user' }> };

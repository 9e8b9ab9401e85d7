import { Session } from './session.entity';
import { User } from './user.entity';

export { CredentialKind } from './credential-kind';
export { Session, User };

/** Every entity, listed explicitly: no folder scanning, so tsc, tsx and vitest all see the same set. */
export const entities = [User, Session];

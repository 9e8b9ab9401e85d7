import type { EntityManager } from '@mikro-orm/postgresql';
import type { Config } from '../../config';
import { User } from '../../db/entities';
import { inTransaction } from '../../db/transaction';
import { AuthError, ErrorCode } from '../../errors';
import type { AuditService } from '../audit/audit.service';
import type { SecurityStateService } from '../security-state/security-state.service';
import { BASE_ROLE } from './roles';

/**
 * Roles of users, from the configured set (ROLES). A change is seen at once by every live
 * credential on every instance: callers read roles from the user's row, which this instance
 * evicts as it writes and the others on the row's NOTIFY. Access tokens verified by other
 * services carry the roles they were issued with until they expire (ACCESS_TOKEN_TTL_SECONDS);
 * token introspection answers with the roles of now.
 */
export class RolesService {
  constructor(
    private readonly config: Pick<Config, 'roles'>,
    private readonly securityState: SecurityStateService,
    private readonly audit: AuditService,
  ) {}

  /** The configured roles a value names: BAD_USER_INPUT for an unknown one; `user` always included. */
  parse(roles: readonly string[], field = 'roles'): string[] {
    const unknown = roles.filter((role) => !this.config.roles.names.includes(role));
    if (unknown.length > 0) {
      throw new AuthError(ErrorCode.BAD_USER_INPUT, { field, message: `Choose roles from: ${this.config.roles.names.join(', ')}.` });
    }
    return [...new Set([BASE_ROLE, ...roles])];
  }

  /**
   * Sets a user's roles (`user` is always kept): a security state change (SEC-60), audited in
   * the same transaction on their trail with the roles before and after, and with the
   * administrator who did it (`actorId`; null for an operator's library call or the CLI).
   */
  async set(em: EntityManager, userId: string, roles: readonly string[], actorId: string | null = null): Promise<User> {
    const wanted = this.parse(roles);
    const user = await inTransaction(em, async (tx) => {
      const found = await tx.findOne(User, { id: userId });
      if (!found) throw new AuthError(ErrorCode.NOT_FOUND);
      const previous = found.roles;
      found.roles = wanted;
      await tx.flush();
      await this.securityState.changed(tx, userId, 'ROLES_CHANGED'); // SEC-60: mailed links are void
      await this.audit.recordIn(tx, { type: 'ROLES_CHANGED', success: true, userId, actorId, detail: `${previous.join(',')} -> ${wanted.join(',')}` });
      return found;
    });
    return user;
  }
}

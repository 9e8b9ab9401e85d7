import type { EntityManager } from '@mikro-orm/postgresql';
import type { Config } from '../../config';
import type { EmailTokenService } from '../account-emails/email-token.service';
import type { ApiTokenService } from '../api-tokens/api-token.service';
import type { TrustedDeviceService } from '../mfa/trusted-devices.service';
import type { SessionService } from '../sessions/session.service';

/** A change to what proves an account's identity. Each ends what its rule says (README table). */
export type SecurityChange = 'PASSWORD_RESET' | 'PASSWORD_CHANGED' | 'EMAIL_CHANGED' | 'SECOND_FACTOR_ENABLED' | 'SECOND_FACTOR_DISABLED' | 'ROLES_CHANGED';

interface Rule {
  /** `all`: every session and JWT family; `others`: all but the one that made the change. */
  sessions: 'all' | 'others' | 'none';
  apiTokens: boolean;
  /** Forget every trusted device, so the next sign-in anywhere has the second step again. */
  trustedDevices: boolean;
}

/**
 * The one place that decides what a security change ends. Whatever the change, every pending
 * mailed token of the user (verification, reset, email change, unlock) is void: a link mailed
 * before the change must not undo it (a pending email change outliving a reset was an account
 * takeover, SEC-60). A reset is account recovery: whoever held the account before may still hold
 * its API tokens, so those end too unless REVOKE_API_TOKENS_ON_PASSWORD_RESET=false.
 * Deactivation is handled by the database itself (a trigger on `users.is_active`), so that an
 * operator's SQL ends the same things.
 */
export class SecurityStateService {
  private readonly rules: Record<SecurityChange, Rule>;

  constructor(
    config: Pick<Config, 'revokeApiTokensOnPasswordReset'>,
    private readonly sessions: SessionService,
    private readonly emailTokens: EmailTokenService,
    private readonly apiTokens: ApiTokenService,
    private readonly trustedDevices: TrustedDeviceService,
  ) {
    this.rules = {
      PASSWORD_RESET: { sessions: 'all', apiTokens: config.revokeApiTokensOnPasswordReset, trustedDevices: true },
      PASSWORD_CHANGED: { sessions: 'others', apiTokens: false, trustedDevices: true },
      // Sessions stay: if a stolen session moved the account, the owner's own sessions are what
      // can move it back (the change needs the password, which the owner still has).
      EMAIL_CHANGED: { sessions: 'none', apiTokens: false, trustedDevices: false },
      // Sessions signed in with one factor must not outlive the second's arrival (nor a refresh
      // family created before it); and whoever turned a factor off elsewhere is signed out.
      SECOND_FACTOR_ENABLED: { sessions: 'others', apiTokens: false, trustedDevices: true },
      SECOND_FACTOR_DISABLED: { sessions: 'others', apiTokens: false, trustedDevices: true },
      // Live credentials read roles from the user's row, so they act with the new roles at once;
      // nothing needs to end but the mailed links, as for every change.
      ROLES_CHANGED: { sessions: 'none', apiTokens: false, trustedDevices: false },
    };
  }

  /**
   * Ends what `change` ends for the user. Call it in the transaction of the change itself, so
   * that the change and its consequences commit together or not at all. `keepSessionId` is the
   * session that made the change (kept under an `others` rule).
   */
  async changed(em: EntityManager, userId: string, change: SecurityChange, keepSessionId: string | null = null): Promise<void> {
    const rule = this.rules[change];
    const reason = change.toLowerCase();
    if (rule.sessions === 'all') await this.sessions.revokeAllSessions(em, userId, reason);
    if (rule.sessions === 'others') await this.sessions.revokeOtherSessions(em, userId, keepSessionId, reason);
    await this.emailTokens.invalidateAll(em, userId);
    if (rule.apiTokens) await this.apiTokens.revokeAll(em, userId);
    if (rule.trustedDevices) await this.trustedDevices.revokeAll(em, userId);
  }
}

import type { EntityManager } from '@mikro-orm/postgresql';
import type { AuthenticatedCaller } from '../../context/context';
import { User } from '../../db/entities';
import { inTransaction } from '../../db/transaction';
import { type Mailer, recipient } from '../../mail/mailer';
import type { ReauthenticationService } from '../reauthentication/reauthentication.service';
import type { SessionService } from '../sessions/session.service';

/** Deleting an account and everything that signs in to it. */
export class AccountDeletionService {
  constructor(
    private readonly reauthentication: ReauthenticationService,
    private readonly sessions: SessionService,
    private readonly mailer: Mailer,
  ) {}

  /**
   * Needs the password (or a recent sign-in for accounts without one). Sessions are revoked
   * first (so live JWTs fail on this instance at once), in the transaction of the delete, which
   * cascades to every session, refresh token, API token and mailed token; the database tells the
   * other instances at commit.
   */
  async deleteAccount(em: EntityManager, caller: AuthenticatedCaller, password: string | null, locale: string): Promise<void> {
    await this.reauthentication.requireRecent(em, caller, password);
    const { id } = caller.user;
    const to = recipient(caller.user, locale); // read before the row goes
    await inTransaction(em, async (tx) => {
      await this.sessions.revokeAllSessions(tx, id, 'account_deleted');
      await tx.nativeDelete(User, { id });
    });
    this.mailer.accountDeleted(to);
  }
}

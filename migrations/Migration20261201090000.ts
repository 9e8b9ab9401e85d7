import { Migration } from '@mikro-orm/migrations';

/**
 * Deactivating a user (`is_active = false`, by Gatehouse or by an operator's SQL) ends every
 * credential of theirs, not only the sessions: API tokens are revoked and every pending mailed
 * token (reset, verification, email change, unlock) is void, so that reactivating the account
 * brings none of them back (SEC-60).
 */
export class Migration20261201090000 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create or replace function gatehouse_revoke_sessions_of_deactivated_user() returns trigger language plpgsql as $$
      begin
        update sessions set revoked_at = now(), revoked_reason = 'user_deactivated'
          where user_id = new.id and revoked_at is null;
        update api_tokens set revoked_at = now() where user_id = new.id and revoked_at is null;
        update email_tokens set used_at = now() where user_id = new.id and used_at is null;
        return null;
      end $$;`);
  }

  override async down(): Promise<void> {
    this.addSql(`create or replace function gatehouse_revoke_sessions_of_deactivated_user() returns trigger language plpgsql as $$
      begin
        update sessions set revoked_at = now(), revoked_reason = 'user_deactivated'
          where user_id = new.id and revoked_at is null;
        return null;
      end $$;`);
  }

}

import { Migration } from '@mikro-orm/migrations';

/**
 * Revocation of live access JWTs, announced by the database itself: whatever ends a JWT session
 * (our services, a cascade from deleting or deactivating a user, or an operator's SQL) sends
 * NOTIFY gatehouse_session_revoked with the session id, delivered at commit to every instance.
 */
export class Migration20261128135354 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create function gatehouse_notify_session_revoked() returns trigger language plpgsql as $$
      begin
        perform pg_notify('gatehouse_session_revoked', coalesce(new.id, old.id)::text);
        return null;
      end $$;`);
    this.addSql(`create trigger sessions_revoked_notify after update of revoked_at on sessions for each row
      when (old.revoked_at is null and new.revoked_at is not null and new.credential_kind = 'JWT')
      execute function gatehouse_notify_session_revoked();`);
    this.addSql(`create trigger sessions_deleted_notify after delete on sessions for each row
      when (old.revoked_at is null and old.credential_kind = 'JWT')
      execute function gatehouse_notify_session_revoked();`);

    this.addSql(`create function gatehouse_revoke_sessions_of_deactivated_user() returns trigger language plpgsql as $$
      begin
        update sessions set revoked_at = now(), revoked_reason = 'user_deactivated'
          where user_id = new.id and revoked_at is null;
        return null;
      end $$;`);
    this.addSql(`create trigger users_deactivated_revoke_sessions after update of is_active on users for each row
      when (old.is_active and not new.is_active)
      execute function gatehouse_revoke_sessions_of_deactivated_user();`);

    // The catch-up read after a reconnect: recently revoked JWT sessions.
    this.addSql(`create index "sessions_jwt_revoked_at_index" on "sessions" ("revoked_at") where credential_kind = 'JWT' and revoked_at is not null;`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop index if exists "sessions_jwt_revoked_at_index";`);
    this.addSql(`drop trigger if exists users_deactivated_revoke_sessions on users;`);
    this.addSql(`drop function if exists gatehouse_revoke_sessions_of_deactivated_user();`);
    this.addSql(`drop trigger if exists sessions_deleted_notify on sessions;`);
    this.addSql(`drop trigger if exists sessions_revoked_notify on sessions;`);
    this.addSql(`drop function if exists gatehouse_notify_session_revoked();`);
  }

}

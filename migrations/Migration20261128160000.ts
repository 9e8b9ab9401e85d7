import { Migration } from '@mikro-orm/migrations';

/**
 * Every change to a user row, whoever makes it (our services, a cascade, an operator's SQL),
 * sends NOTIFY gatehouse_user_changed with the user's id at commit, so each instance evicts that
 * user from its in-memory caller cache (see src/context/user-cache.ts).
 */
export class Migration20261128160000 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create function gatehouse_notify_user_changed() returns trigger language plpgsql as $$
      begin
        perform pg_notify('gatehouse_user_changed', old.id::text);
        return null;
      end $$;`);
    this.addSql(`create trigger users_changed_notify after update or delete on users for each row
      execute function gatehouse_notify_user_changed();`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop trigger if exists users_changed_notify on users;`);
    this.addSql(`drop function if exists gatehouse_notify_user_changed();`);
  }

}

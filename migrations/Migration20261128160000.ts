import { Migration } from '@mikro-orm/migrations';

/**
 * Every change to a user, session or API token row, whoever makes it (our services, a cascade,
 * an operator's SQL), sends NOTIFY gatehouse_<user|session|api_token>_changed with the row's id at
 * commit, so each instance evicts that row from its in-memory caller caches (src/db/row-cache.ts).
 */
const TABLES = [
  ['users', 'gatehouse_user_changed'],
  ['sessions', 'gatehouse_session_changed'],
  ['api_tokens', 'gatehouse_api_token_changed'],
] as const;

export class Migration20261128160000 extends Migration {

  override async up(): Promise<void> {
    // The channel is the trigger's argument: one function serves the three tables.
    this.addSql(`create function gatehouse_notify_row_changed() returns trigger language plpgsql as $$
      begin
        perform pg_notify(tg_argv[0], old.id::text);
        return null;
      end $$;`);
    for (const [table, channel] of TABLES) {
      this.addSql(`create trigger ${table}_changed_notify after update or delete on ${table} for each row
        execute function gatehouse_notify_row_changed('${channel}');`);
    }
  }

  override async down(): Promise<void> {
    for (const [table] of TABLES) this.addSql(`drop trigger if exists ${table}_changed_notify on ${table};`);
    this.addSql(`drop function if exists gatehouse_notify_row_changed();`);
  }

}

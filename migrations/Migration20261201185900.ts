import { Migration } from '@mikro-orm/migrations';

/**
 * A JWT session's revocation NOTIFY also says when it was made (`<id>:<epoch ms>`, the database's
 * clock at the revoking statement), so each instance can measure how long the news took to reach
 * it: the revocation propagation lag metric.
 */
export class Migration20261201185900 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create or replace function gatehouse_notify_session_revoked() returns trigger language plpgsql as $$
      begin
        perform pg_notify('gatehouse_session_revoked', coalesce(new.id, old.id)::text || ':' || floor(extract(epoch from clock_timestamp()) * 1000)::bigint::text);
        return null;
      end $$;`);
  }

  override async down(): Promise<void> {
    this.addSql(`create or replace function gatehouse_notify_session_revoked() returns trigger language plpgsql as $$
      begin
        perform pg_notify('gatehouse_session_revoked', coalesce(new.id, old.id)::text);
        return null;
      end $$;`);
  }

}

import { Migration } from '@mikro-orm/migrations';

/**
 * Every security event of a user (an audit entry with a user) is announced at its commit:
 * `NOTIFY gatehouse_security_event, '<user id>:<event id>'`, so every instance can deliver it to
 * that user's open `securityEvents` subscriptions, whichever instance recorded it.
 */
export class Migration20261201120000 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create or replace function gatehouse_notify_security_event() returns trigger language plpgsql as $$
      begin
        if new.user_id is not null then
          perform pg_notify('gatehouse_security_event', new.user_id || ':' || new.id);
        end if;
        return null;
      end $$;`);
    this.addSql(`create trigger auth_events_notify after insert on auth_events
      for each row execute function gatehouse_notify_security_event();`);
  }

  override async down(): Promise<void> {
    this.addSql('drop trigger if exists auth_events_notify on auth_events;');
    this.addSql('drop function if exists gatehouse_notify_security_event();');
  }

}

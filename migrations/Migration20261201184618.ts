import { Migration } from '@mikro-orm/migrations';

/**
 * Outgoing events (webhooks). Triggers write each event into webhook_deliveries, one row per
 * active endpoint that wants it, in the transaction of the change itself: whoever makes the change
 * (our services, a cascade, the command line, an operator's SQL), the event commits with it or
 * not at all. Payloads are built from named columns only, so no password hash, token hash or
 * secret can reach a receiver. With no endpoint configured a change costs one lookup of an empty
 * table.
 */
const TRIGGER_TABLES = ['users', 'sessions', 'second_factors', 'passkeys', 'social_accounts'];

const EVENT_TRIGGERS = [
  `create function gatehouse_emit(p_user uuid, p_type text, p_data jsonb) returns void language plpgsql as $$
    begin
      insert into webhook_deliveries (event_id, endpoint_id, user_id, type, payload)
        select event.id, e.id, p_user, p_type,
               jsonb_build_object('type', p_type, 'timestamp', to_char(now() at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'), 'data', p_data)
          from webhook_endpoints e, (select gen_random_uuid() as id) event
         where e.active and (cardinality(e.events) = 0 or p_type = any(e.events));
      -- Wakes the relays at commit (NOTIFY is transactional): no waiting for the next poll.
      if found then perform pg_notify('gatehouse_webhook', ''); end if;
    end $$;`,
  `create function gatehouse_user_json(u users) returns jsonb language sql stable as $$
    select jsonb_build_object('id', u.id, 'email', u.email, 'emailVerified', u.email_verified_at is not null,
      'displayName', u.display_name, 'locale', u.locale, 'roles', to_jsonb(u.roles), 'profile', u.profile,
      'active', u.is_active, 'createdAt', u.created_at)
  $$;`,
  `create function gatehouse_user_events() returns trigger language plpgsql as $$
    declare
      changed text[] := '{}';
    begin
      if tg_op = 'INSERT' then
        perform gatehouse_emit(new.id, 'user.created', jsonb_build_object('user', gatehouse_user_json(new)));
      elsif tg_op = 'DELETE' then
        perform gatehouse_emit(old.id, 'user.deleted', jsonb_build_object('user', jsonb_build_object('id', old.id, 'email', old.email)));
      else
        if new.email is distinct from old.email then changed := array_append(changed, 'email'); end if;
        if (new.email_verified_at is null) <> (old.email_verified_at is null) then changed := array_append(changed, 'emailVerified'); end if;
        if new.display_name is distinct from old.display_name then changed := array_append(changed, 'displayName'); end if;
        if new.locale is distinct from old.locale then changed := array_append(changed, 'locale'); end if;
        if new.profile is distinct from old.profile then changed := array_append(changed, 'profile'); end if;
        if cardinality(changed) > 0 then
          perform gatehouse_emit(new.id, 'user.updated', jsonb_build_object('user', gatehouse_user_json(new), 'changed', to_jsonb(changed)));
        end if;
        -- A rehash at sign-in (stronger argon2 settings) is the same password: the login marks its
        -- transaction so that it is not announced as a change.
        if new.password_hash is distinct from old.password_hash and current_setting('gatehouse.password_rehash', true) is distinct from 'on' then
          perform gatehouse_emit(new.id, 'password.changed', jsonb_build_object('user', jsonb_build_object('id', new.id)));
        end if;
        if new.roles is distinct from old.roles then
          perform gatehouse_emit(new.id, 'role.changed', jsonb_build_object('user', gatehouse_user_json(new), 'previousRoles', to_jsonb(old.roles)));
        end if;
        if new.is_active <> old.is_active then
          perform gatehouse_emit(new.id, case when new.is_active then 'user.enabled' else 'user.disabled' end,
            jsonb_build_object('user', gatehouse_user_json(new), 'reason', new.disabled_reason, 'until', new.disabled_until));
        end if;
      end if;
      return null;
    end $$;`,
  `create function gatehouse_session_events() returns trigger language plpgsql as $$
    begin
      if tg_op = 'INSERT' then
        perform gatehouse_emit(new.user_id, 'user.signed_in', jsonb_build_object('user', jsonb_build_object('id', new.user_id),
          'session', jsonb_build_object('id', new.id, 'credentialKind', new.credential_kind, 'amr', to_jsonb(new.amr), 'ipAddress', new.ip_address, 'userAgent', new.user_agent)));
      elsif old.revoked_at is null and new.revoked_at is not null then
        perform gatehouse_emit(new.user_id, 'session.revoked', jsonb_build_object('user', jsonb_build_object('id', new.user_id),
          'session', jsonb_build_object('id', new.id, 'credentialKind', new.credential_kind), 'reason', new.revoked_reason));
      end if;
      return null;
    end $$;`,
  // A TOTP authenticator counts once confirmed; a passkey at once. Rows removed with their user
  // (the cascade of a deletion) are not announced: user.deleted says it all.
  `create function gatehouse_factor_events() returns trigger language plpgsql as $$
    declare
      was boolean := false;
      now_on boolean := false;
      owner uuid;
    begin
      if tg_op <> 'INSERT' then was := tg_table_name = 'passkeys' or to_jsonb(old)->>'confirmed_at' is not null; owner := old.user_id; end if;
      if tg_op <> 'DELETE' then now_on := tg_table_name = 'passkeys' or to_jsonb(new)->>'confirmed_at' is not null; owner := new.user_id; end if;
      if was = now_on or not exists (select 1 from users where id = owner) then return null; end if;
      perform gatehouse_emit(owner, 'second_factor.changed', jsonb_build_object('user', jsonb_build_object('id', owner),
        'factor', case when tg_table_name = 'passkeys' then 'PASSKEY' else 'TOTP' end, 'change', case when now_on then 'added' else 'removed' end));
      return null;
    end $$;`,
  `create function gatehouse_social_events() returns trigger language plpgsql as $$
    declare
      account record := case when tg_op = 'INSERT' then new else old end;
    begin
      if tg_op = 'DELETE' and not exists (select 1 from users where id = account.user_id) then return null; end if;
      perform gatehouse_emit(account.user_id, case when tg_op = 'INSERT' then 'social_account.linked' else 'social_account.unlinked' end,
        jsonb_build_object('user', jsonb_build_object('id', account.user_id), 'provider', account.provider));
      return null;
    end $$;`,
  `create trigger users_events after insert or update or delete on users for each row execute function gatehouse_user_events();`,
  `create trigger sessions_events after insert or update of revoked_at on sessions for each row execute function gatehouse_session_events();`,
  `create trigger second_factors_events after insert or update of confirmed_at or delete on second_factors for each row execute function gatehouse_factor_events();`,
  `create trigger passkeys_events after insert or delete on passkeys for each row execute function gatehouse_factor_events();`,
  `create trigger social_accounts_events after insert or delete on social_accounts for each row execute function gatehouse_social_events();`,
];

export class Migration20261201184618 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create type "webhook_delivery_status" as enum ('PENDING', 'DELIVERED', 'DEAD');`);
    this.addSql(`create table "webhook_endpoints" ("id" text not null, "url" text not null, "events" text[] not null default '{}', "active" boolean not null default true, constraint "webhook_endpoints_pkey" primary key ("id"));`);

    this.addSql(`create table "webhook_deliveries" ("id" bigserial primary key, "event_id" uuid not null, "endpoint_id" text not null, "tx" xid8 not null default pg_current_xact_id(), "user_id" uuid null, "type" text not null, "payload" jsonb not null, "status" "webhook_delivery_status" not null default 'PENDING', "attempts" int not null default 0, "next_attempt_at" timestamptz null, "last_error" text null, "created_at" timestamptz not null default now(), "delivered_at" timestamptz null);`);
    this.addSql(`create index "webhook_deliveries_status_id_index" on "webhook_deliveries" ("status", "id");`);
    this.addSql(`create index "webhook_deliveries_pending_index" on "webhook_deliveries" ("endpoint_id", "user_id", "tx", "id") where status = 'PENDING';`);

    this.addSql(`alter table "webhook_deliveries" add constraint "webhook_deliveries_endpoint_id_foreign" foreign key ("endpoint_id") references "webhook_endpoints" ("id") on update cascade on delete cascade;`);

    for (const statement of EVENT_TRIGGERS) this.addSql(statement);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table "webhook_deliveries" drop constraint "webhook_deliveries_endpoint_id_foreign";`);

    for (const table of TRIGGER_TABLES) this.addSql(`drop trigger if exists ${table}_events on ${table};`);
    for (const fn of ['gatehouse_user_events', 'gatehouse_session_events', 'gatehouse_factor_events', 'gatehouse_social_events']) this.addSql(`drop function if exists ${fn}();`);
    this.addSql(`drop function if exists gatehouse_user_json(users);`);
    this.addSql(`drop function if exists gatehouse_emit(uuid, text, jsonb);`);
    this.addSql(`drop table if exists "webhook_endpoints" cascade;`);

    this.addSql(`drop table if exists "webhook_deliveries" cascade;`);

    this.addSql(`drop type "webhook_delivery_status";`);
  }

}

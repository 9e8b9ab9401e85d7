import { Migration } from '@mikro-orm/migrations';

export class Migration20261128134141 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create type "credential_kind" as enum ('COOKIE', 'SESSION_TOKEN', 'JWT');`);
    this.addSql(`create table "users" ("id" uuid not null, "email" text not null, "email_verified_at" timestamptz null, "password_hash" text null, "display_name" text null, "is_active" boolean not null default true, "created_at" timestamptz not null, "updated_at" timestamptz not null, "last_login_at" timestamptz null, constraint "users_pkey" primary key ("id"));`);
    this.addSql(`alter table "users" add constraint "users_email_unique" unique ("email");`);

    this.addSql(`create table "sessions" ("id" uuid not null, "user_id" uuid not null, "credential_kind" "credential_kind" not null, "token_hash" text null, "created_at" timestamptz not null, "authenticated_at" timestamptz not null, "last_seen_at" timestamptz not null, "expires_at" timestamptz not null, "idle_timeout_seconds" int not null, "ip_address" text null, "user_agent" text null, "revoked_at" timestamptz null, "revoked_reason" text null, constraint "sessions_pkey" primary key ("id"));`);
    this.addSql(`alter table "sessions" add constraint "sessions_token_hash_unique" unique ("token_hash");`);
    this.addSql(`create index "sessions_user_id_revoked_at_index" on "sessions" ("user_id", "revoked_at");`);

    this.addSql(`alter table "sessions" add constraint "sessions_user_id_foreign" foreign key ("user_id") references "users" ("id") on update cascade on delete cascade;`);
  }

}

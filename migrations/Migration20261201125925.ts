import { Migration } from '@mikro-orm/migrations';

export class Migration20261201125925 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create type "sign_in_flow_step" as enum ('SECOND_FACTOR', 'ENROLL_SECOND_FACTOR');`);
    this.addSql(`create type "second_factor_kind" as enum ('TOTP', 'RECOVERY_CODE');`);
    this.addSql(`create table "trusted_devices" ("id" uuid not null, "user_id" uuid not null, "device_hash" text not null, "created_at" timestamptz not null, "expires_at" timestamptz not null, "last_used_at" timestamptz null, "ip_address" text null, "user_agent" text null, "revoked_at" timestamptz null, constraint "trusted_devices_pkey" primary key ("id"));`);
    this.addSql(`alter table "trusted_devices" add constraint "trusted_devices_user_id_device_hash_unique" unique ("user_id", "device_hash");`);

    this.addSql(`create table "sign_in_flows" ("id" uuid not null, "token_hash" text not null, "user_id" uuid not null, "step" "sign_in_flow_step" not null, "credential_kind" "credential_kind" not null, "amr" text[] not null, "created_at" timestamptz not null, "expires_at" timestamptz not null, "failed_attempts" int not null default 0, "used_at" timestamptz null, constraint "sign_in_flows_pkey" primary key ("id"));`);
    this.addSql(`alter table "sign_in_flows" add constraint "sign_in_flows_token_hash_unique" unique ("token_hash");`);

    this.addSql(`create table "second_factors" ("id" uuid not null, "user_id" uuid not null, "kind" "second_factor_kind" not null, "secret_box" text not null, "created_at" timestamptz not null, "confirmed_at" timestamptz null, "last_used_at" timestamptz null, "last_used_step" bigint null, constraint "second_factors_pkey" primary key ("id"));`);
    this.addSql(`alter table "second_factors" add constraint "second_factors_user_id_kind_unique" unique ("user_id", "kind");`);

    this.addSql(`create table "recovery_codes" ("id" uuid not null, "user_id" uuid not null, "code_hash" text not null, "created_at" timestamptz not null, "used_at" timestamptz null, constraint "recovery_codes_pkey" primary key ("id"));`);
    this.addSql(`create index "recovery_codes_user_id_used_at_index" on "recovery_codes" ("user_id", "used_at");`);

    this.addSql(`alter table "trusted_devices" add constraint "trusted_devices_user_id_foreign" foreign key ("user_id") references "users" ("id") on update cascade on delete cascade;`);

    this.addSql(`alter table "sign_in_flows" add constraint "sign_in_flows_user_id_foreign" foreign key ("user_id") references "users" ("id") on update cascade on delete cascade;`);

    this.addSql(`alter table "second_factors" add constraint "second_factors_user_id_foreign" foreign key ("user_id") references "users" ("id") on update cascade on delete cascade;`);

    this.addSql(`alter table "recovery_codes" add constraint "recovery_codes_user_id_foreign" foreign key ("user_id") references "users" ("id") on update cascade on delete cascade;`);

    this.addSql(`alter table "sessions" add column "amr" text[] not null default '{}', add column "second_factor_at" timestamptz null;`);

    this.addSql(`alter table "users" add column "mfa_required" boolean not null default false;`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "trusted_devices" cascade;`);

    this.addSql(`drop table if exists "sign_in_flows" cascade;`);

    this.addSql(`drop table if exists "second_factors" cascade;`);

    this.addSql(`drop table if exists "recovery_codes" cascade;`);

    this.addSql(`alter table "sessions" drop column "amr", drop column "second_factor_at";`);

    this.addSql(`alter table "users" drop column "mfa_required";`);

    this.addSql(`drop type "sign_in_flow_step";`);
    this.addSql(`drop type "second_factor_kind";`);
  }

}

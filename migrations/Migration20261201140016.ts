import { Migration } from '@mikro-orm/migrations';

/** Passkeys (WebAuthn credentials), the challenges we issue for them, and passkeys as a second-factor method. */
export class Migration20261201140016 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`alter type "second_factor_kind" add value if not exists 'WEBAUTHN' after 'RECOVERY_CODE';`);
    this.addSql(`create type "webauthn_ceremony" as enum ('REGISTRATION', 'SIGN_IN');`);
    this.addSql(`create table "passkeys" ("id" uuid not null, "user_id" uuid not null, "credential_id" text not null, "public_key" text not null, "counter" bigint not null, "transports" text[] not null, "aaguid" text not null, "device_type" text not null, "backed_up" boolean not null, "name" text not null, "created_at" timestamptz not null, "last_used_at" timestamptz null, constraint "passkeys_pkey" primary key ("id"));`);
    this.addSql(`alter table "passkeys" add constraint "passkeys_credential_id_unique" unique ("credential_id");`);
    this.addSql(`create index "passkeys_user_id_index" on "passkeys" ("user_id");`);

    this.addSql(`create table "webauthn_challenges" ("id" uuid not null, "challenge_hash" text not null, "token_hash" text null, "ceremony" "webauthn_ceremony" not null, "user_id" uuid null, "created_at" timestamptz not null, "expires_at" timestamptz not null, "used_at" timestamptz null, constraint "webauthn_challenges_pkey" primary key ("id"));`);
    this.addSql(`alter table "webauthn_challenges" add constraint "webauthn_challenges_challenge_hash_unique" unique ("challenge_hash");`);
    this.addSql(`alter table "webauthn_challenges" add constraint "webauthn_challenges_token_hash_unique" unique ("token_hash");`);

    this.addSql(`alter table "passkeys" add constraint "passkeys_user_id_foreign" foreign key ("user_id") references "users" ("id") on update cascade on delete cascade;`);

    this.addSql(`alter table "webauthn_challenges" add constraint "webauthn_challenges_user_id_foreign" foreign key ("user_id") references "users" ("id") on update cascade on delete cascade;`);

  }

  override async down(): Promise<void> {

    this.addSql(`drop table if exists "passkeys" cascade;`);

    this.addSql(`drop table if exists "webauthn_challenges" cascade;`);

    this.addSql(`drop type "webauthn_ceremony";`);
  }

}

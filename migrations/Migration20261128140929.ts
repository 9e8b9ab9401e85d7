import { Migration } from '@mikro-orm/migrations';

export class Migration20261128140929 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create type "email_token_purpose" as enum ('VERIFY_EMAIL', 'RESET_PASSWORD', 'CHANGE_EMAIL');`);
    this.addSql(`create table "email_tokens" ("id" uuid not null, "user_id" uuid not null, "purpose" "email_token_purpose" not null, "token_hash" text not null, "email" text not null, "code_hash" text null, "code_attempts" int not null default 0, "code_expires_at" timestamptz null, "created_at" timestamptz not null, "expires_at" timestamptz not null, "used_at" timestamptz null, constraint "email_tokens_pkey" primary key ("id"));`);
    this.addSql(`alter table "email_tokens" add constraint "email_tokens_token_hash_unique" unique ("token_hash");`);
    this.addSql(`create index "email_tokens_user_id_purpose_index" on "email_tokens" ("user_id", "purpose");`);

    this.addSql(`alter table "email_tokens" add constraint "email_tokens_user_id_foreign" foreign key ("user_id") references "users" ("id") on update cascade on delete cascade;`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "email_tokens" cascade;`);

    this.addSql(`drop type "email_token_purpose";`);
  }

}

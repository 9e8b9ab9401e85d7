import { Migration } from '@mikro-orm/migrations';

export class Migration20261128142133 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table "social_accounts" ("id" uuid not null, "user_id" uuid not null, "provider" text not null, "issuer" text not null, "subject" text not null, "email" text null, "created_at" timestamptz not null, "last_used_at" timestamptz not null, constraint "social_accounts_pkey" primary key ("id"));`);
    this.addSql(`create index "social_accounts_user_id_index" on "social_accounts" ("user_id");`);
    this.addSql(`alter table "social_accounts" add constraint "social_accounts_issuer_subject_unique" unique ("issuer", "subject");`);

    this.addSql(`alter table "social_accounts" add constraint "social_accounts_user_id_foreign" foreign key ("user_id") references "users" ("id") on update cascade on delete cascade;`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "social_accounts" cascade;`);
  }

}

import { Migration } from '@mikro-orm/migrations';

export class Migration20261128144723 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table "auth_events" ("id" uuid not null, "user_id" uuid null, "type" text not null, "success" boolean not null, "detail" text null, "credential_kind" text null, "ip_address" text null, "user_agent" text null, "created_at" timestamptz not null, constraint "auth_events_pkey" primary key ("id"));`);
    this.addSql(`create index "auth_events_user_id_created_at_index" on "auth_events" ("user_id", "created_at");`);

    this.addSql(`alter table "auth_events" add constraint "auth_events_user_id_foreign" foreign key ("user_id") references "users" ("id") on update cascade on delete set null;`);

  }

  override async down(): Promise<void> {

    this.addSql(`drop table if exists "auth_events" cascade;`);
  }

}

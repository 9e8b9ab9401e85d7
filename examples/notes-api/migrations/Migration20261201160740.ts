import { Migration } from '@mikro-orm/migrations';

/** The notes table: each note owned by a Gatehouse user (deleted with the account). */
export class Migration20261201160740 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table "notes" ("id" uuid not null, "owner_id" uuid not null, "text" text not null, "created_at" timestamptz not null, constraint "notes_pkey" primary key ("id"));`);
    this.addSql(`create index "notes_owner_id_created_at_index" on "notes" ("owner_id", "created_at");`);

    this.addSql(`alter table "notes" add constraint "notes_owner_id_foreign" foreign key ("owner_id") references "users" ("id") on update cascade on delete cascade;`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "notes" cascade;`);
  }

}

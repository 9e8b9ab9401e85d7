import { Migration } from '@mikro-orm/migrations';

/** The admin API: disabled accounts (reason, until), an admin's actions on the audit trail (actor), the lists' indexes. */
export class Migration20261201164924 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`alter table "users" add column "disabled_reason" text null, add column "disabled_until" timestamptz null;`);
    this.addSql(`create index "users_email_pattern_index" on "users" ("email" text_pattern_ops);`);
    this.addSql(`create index "users_created_at_id_index" on "users" ("created_at", "id");`);

    this.addSql(`alter table "auth_events" add column "actor_id" uuid null;`);
    this.addSql(`alter table "auth_events" add constraint "auth_events_actor_id_foreign" foreign key ("actor_id") references "users" ("id") on update cascade on delete set null;`);
    this.addSql(`create index "auth_events_actor_id_index" on "auth_events" ("actor_id");`);
    this.addSql(`create index "auth_events_created_at_id_index" on "auth_events" ("created_at", "id");`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table "auth_events" drop constraint "auth_events_actor_id_foreign";`);

    this.addSql(`drop index "auth_events_actor_id_index";`);
    this.addSql(`drop index "auth_events_created_at_id_index";`);
    this.addSql(`alter table "auth_events" drop column "actor_id";`);

    this.addSql(`drop index "users_email_pattern_index";`);
    this.addSql(`drop index "users_created_at_id_index";`);
    this.addSql(`alter table "users" drop column "disabled_reason", drop column "disabled_until";`);
  }

}

import { Migration } from '@mikro-orm/migrations';

/** Roles (what a user may do beyond being signed in, and the roles an API token may act with), and the user's mail locale and profile fields. */
export class Migration20261201160157 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`alter table "users" add column "roles" text[] not null default '{user}', add column "locale" text null, add column "profile" jsonb not null default '{}';`);

    this.addSql(`alter table "api_tokens" add column "roles" text[] not null default '{}';`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table "api_tokens" drop column "roles";`);

    this.addSql(`alter table "users" drop column "roles", drop column "locale", drop column "profile";`);
  }

}

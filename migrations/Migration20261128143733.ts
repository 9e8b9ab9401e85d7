import { Migration } from '@mikro-orm/migrations';

/**
 * The table rate-limiter-flexible's PostgreSQL store uses (its own schema), shared by every
 * instance so limits hold across a cluster. Created here rather than by the library at run time.
 */
export class Migration20261128143733 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table "rate_limits" ("key" varchar(255) primary key, "points" integer not null default 0, "expire" bigint);`);
    this.addSql(`create index "rate_limits_expire_index" on "rate_limits" ("expire");`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "rate_limits";`);
  }

}

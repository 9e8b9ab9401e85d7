import { Migration } from '@mikro-orm/migrations';

/** Redirect-flow sign-ins kept server-side, consumed once (src/db/entities/oauth-flow.entity.ts). */
export class Migration20261201084949 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table "oauth_flows" ("id" uuid not null, "state_hash" text not null, "provider" text not null, "code_verifier" text not null, "nonce" text not null, "return_to" text not null, "created_at" timestamptz not null, "expires_at" timestamptz not null, constraint "oauth_flows_pkey" primary key ("id"));`);
    this.addSql(`alter table "oauth_flows" add constraint "oauth_flows_state_hash_unique" unique ("state_hash");`);
    this.addSql(`create index "oauth_flows_expires_at_index" on "oauth_flows" ("expires_at");`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "oauth_flows" cascade;`);
  }

}

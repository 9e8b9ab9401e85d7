import { Migration } from '@mikro-orm/migrations';

/** Mailed sign-in links and codes (email sign-in) are email tokens of their own purpose. */
export class Migration20261201135130 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`alter type "email_token_purpose" add value if not exists 'SIGN_IN' after 'UNLOCK_ACCOUNT';`);
  }

  override async down(): Promise<void> {
    // PostgreSQL cannot drop an enum value; an unused one is harmless.
  }

}

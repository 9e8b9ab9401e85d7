import { Migration } from '@mikro-orm/migrations';

/** Invitations by an administrator (`inviteUser`): a mailed token of their own purpose. */
export class Migration20261201165905 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`alter type "email_token_purpose" add value if not exists 'INVITE' after 'SIGN_IN';`);
  }

  override async down(): Promise<void> {
    // PostgreSQL cannot drop a value from an enum; an unused INVITE value is harmless.
  }

}

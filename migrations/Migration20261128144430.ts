import { Migration } from '@mikro-orm/migrations';

export class Migration20261128144430 extends Migration {

  override async up(): Promise<void> {

    this.addSql(`alter type "email_token_purpose" add value if not exists 'UNLOCK_ACCOUNT' after 'CHANGE_EMAIL';`);
  }

  override async down(): Promise<void> {
  }

}

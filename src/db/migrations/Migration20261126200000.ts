import { Migration } from '@mikro-orm/migrations';

/**
 * A collation that orders the numbers inside a text as numbers ("2" before "10", "4.2" before "4.10"):
 * programmes number their axes and objectives so, and theme codes sorted as plain text put "10" first.
 * ICU's root locale with numeric ordering (`kn`); every maintained PostgreSQL build has ICU.
 */
export class Migration20261126200000 extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create collation if not exists kb_natural (provider = icu, locale = 'und-u-kn-true');`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop collation if exists kb_natural;`);
  }
}

import { Migration } from '@mikro-orm/migrations';

/** What a source says of an outcome beside its figure ("jobs in SMEs as well as with rail industry leaders"): Outcome.notes. */
export class Migration20261128130000 extends Migration {
  override async up(): Promise<void> {
    // The default fills the outcomes already there, then goes: as for `breakdown`, the seeds write every value.
    this.addSql(`alter table "outcome" add column "notes" jsonb not null default '[]';`);
    this.addSql(`alter table "outcome" alter column "notes" drop default;`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table "outcome" drop column "notes";`);
  }
}

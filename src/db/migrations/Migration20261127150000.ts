import { Migration } from '@mikro-orm/migrations';

/**
 * The overlap claims by the territory they name. An overlap is claimed once, on the territory that declares
 * it; the other territory's claims read it through this index (a few rows), where the claims' other
 * indexes would have it read every claim that names a territory (a project's territories among them).
 */
export class Migration20261127150000 extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create index claim_overlap_reference on claim (reference_id) where field = 'overlaps';`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop index if exists claim_overlap_reference;`);
  }
}

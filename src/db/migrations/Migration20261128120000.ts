import { Migration } from '@mikro-orm/migrations';

/**
 * Whether a project's or a partner's typed amounts are rounded in their source, as the preferred funding
 * they are taken from says: `Money.approximate`, and a breakdown's sums of them.
 */
export class Migration20261128120000 extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter table "project" add column "total_budget_approximate" boolean not null default false, add column "eu_funding_approximate" boolean not null default false;`);
    this.addSql(`alter table "participation" add column "budget_approximate" boolean not null default false;`);
    // Filled from the preferred amounts already there, which a seed would otherwise only fill on its next run.
    this.addSql(`update project p set total_budget_approximate = f.approximate from funding f
      where f.project_id = p.id and f.preferred and f.basis = 'TOTAL_BUDGET' and f.approximate;`);
    this.addSql(`update project p set eu_funding_approximate = f.approximate from funding f
      where f.project_id = p.id and f.preferred and f.basis = 'EU_FUNDING' and f.approximate;`);
    this.addSql(`update participation pa set budget_approximate = f.approximate from funding f
      where f.participation_id = pa.id and f.preferred and f.basis = 'PARTNER_SHARE' and f.approximate;`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table "project" drop column "total_budget_approximate", drop column "eu_funding_approximate";`);
    this.addSql(`alter table "participation" drop column "budget_approximate";`);
  }
}

import { Migration } from '@mikro-orm/migrations';

/**
 * Indexes for the API's sort orders and filters at keep.eu's size. The sort keys are expressions
 * (accent-folded names in a language, nulls last): each index holds exactly the expressions the list
 * queries order by, so a page is read from the index instead of sorting the whole table.
 */
export class Migration20261126150000 extends Migration {
  override async up(): Promise<void> {
    const fallback: Record<string, string[]> = { en: ['en', 'fr', 'nl'], fr: ['fr', 'nl', 'en'], nl: ['nl', 'fr', 'en'] };
    for (const [lang, order] of Object.entries(fallback)) {
      const title = `kb_fold(coalesce(${order.map((l) => `titles->>'${l}'`).join(', ')}))`;
      this.addSql(`create index project_title_${lang}_sort on project ((${title} is null), ${title}, id);`);
      const name = `kb_fold(coalesce(${order.map((l) => `names->>'${l}'`).join(', ')}))`;
      this.addSql(`create index organisation_name_${lang}_sort on organisation ((${name} is null), ${name}, id);`);
    }
    for (const column of ['start_date', 'end_date', 'total_budget']) {
      this.addSql(`create index project_${column}_sort on project ((${column} is null), ${column}, id);`);
    }
    this.addSql(`create index project_acronym_sort on project ((kb_fold(acronym) is null), kb_fold(acronym), id);`);
    this.addSql(`create index project_active on project (start_date, end_date);`);
    this.addSql(`create index organisation_country on organisation (country);`);
    this.addSql(`create index organisation_kind on organisation (kind);`);
    this.addSql(`create index participation_organisation_role on participation (organisation_id, role);`);
    this.addSql(`create index territory_country_level on territory (country, level);`);
    this.addSql(`create index territory_edge_to_relation on territory_edge (to_id, relation);`);
    this.addSql(`create index territory_edge_from_relation on territory_edge (from_id, relation);`);
  }

  override async down(): Promise<void> {
    for (const lang of ['en', 'fr', 'nl']) {
      this.addSql(`drop index if exists project_title_${lang}_sort;`);
      this.addSql(`drop index if exists organisation_name_${lang}_sort;`);
    }
    for (const name of ['project_start_date_sort', 'project_end_date_sort', 'project_total_budget_sort', 'project_acronym_sort', 'project_active',
      'organisation_country', 'organisation_kind', 'participation_organisation_role', 'territory_country_level', 'territory_edge_to_relation', 'territory_edge_from_relation']) {
      this.addSql(`drop index if exists ${name};`);
    }
  }
}

import { Migration } from '@mikro-orm/migrations';

/**
 * The ids of projects and organisations with their slugs, the lists' default order: a list filtered by ids
 * collected from other tables (a region, a theme, partners, a text) keeps each match's id and sort key
 * before it counts them and takes its page; without these indexes it read each match's row for its slug
 * (1,394 rows, 2,274 buffers for the bench's region question), from them alone about 1,000 buffers once
 * the table is vacuumed (an index-only scan of pages not all-visible reads the rows anyway).
 */
export class Migration20261127180000 extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create index project_id_slug on project (id) include (slug);`);
    this.addSql(`create index organisation_id_slug on organisation (id) include (slug);`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop index project_id_slug;`);
    this.addSql(`drop index organisation_id_slug;`);
  }
}

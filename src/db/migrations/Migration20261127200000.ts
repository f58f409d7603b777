import { Migration } from '@mikro-orm/migrations';

/** Each link table's index by its other end: the one it replaces, and the columns it is on. */
const LINKS = [
  { table: 'project_theme', replaced: 'project_theme_theme_id_index', columns: ['theme_id'] },
  { table: 'project_territory', replaced: 'project_territory_territory_id_index', columns: ['territory_id'] },
  // One index for an organisation's projects and for its projects in a role (the filter with `role`).
  { table: 'participation', replaced: 'participation_organisation_id_index', columns: ['organisation_id', 'role'] },
];

/**
 * Each link table's index by its other end now holds the project beside it (`linkIndex`): a filter by a
 * theme, a territory or a partner collects its projects' ids from the index alone. The bench's region
 * question read 591 buffers of project_territory for its 1,568 links, 563 of them blocks of rows; from the
 * index alone, 72 (full size, vacuumed; EXPLAIN of its statement). At a small size the planner walked the whole
 * `(project_id, theme_id)` unique index rather than read the rows the theme's index pointed to.
 */
export class Migration20261127200000 extends Migration {
  override async up(): Promise<void> {
    for (const { table, replaced, columns } of LINKS) {
      this.addSql(`create index "${table}_${columns.join('_')}_project_id" on "${table}" (${columns.join(', ')}) include (project_id);`);
      this.addSql(`drop index "${replaced}";`);
    }
    this.addSql(`drop index "participation_organisation_role";`);
  }

  override async down(): Promise<void> {
    this.addSql(`create index "participation_organisation_role" on "participation" ("organisation_id", "role");`);
    for (const { table, replaced, columns } of LINKS) {
      this.addSql(`create index "${replaced}" on "${table}" ("${columns[0]}");`);
      this.addSql(`drop index "${table}_${columns.join('_')}_project_id";`);
    }
  }
}

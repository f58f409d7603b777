import type { MikroORM } from '@mikro-orm/postgresql';
import { DerivedView, refreshDerivedViews } from '../../src/db/derived';

export const TABLES = [
  'source',
  'claim',
  'territory',
  'territory_edge',
  'organisation',
  'programme',
  'programme_territory',
  'programme_region',
  'theme',
  'project',
  'project_theme',
  'project_territory',
  'participation',
  'funding',
  'outcome',
  'outcome_organisation',
];

/**
 * What is computed from the tables when data is written, by its key: every derived view (a view added to
 * src/db/derived.ts without its key here does not compile) and the row counts kept for unfiltered lists. A
 * write that failed must leave them as they were too, and a write that succeeded must have brought them up
 * to date.
 */
export const DERIVED: Record<DerivedView | 'row_count', string> = {
  search_document: `record_type || ':' || record_id`,
  territory_reach: `territory_id || ':' || reached_id`,
  claim_conflict: `subject_id || ':' || field || ':' || coalesce(language, '') || ':' || position`,
  row_count: 'table_name',
};

/**
 * Refreshes what is derived from the tables, as a write does after writing, for a test that writes rows
 * by hand (`execute` runs one statement on the test's connection).
 */
export async function refreshDerived(execute: (sql: string) => Promise<unknown>): Promise<void> {
  for (const { sql } of refreshDerivedViews()) await execute(sql);
}

/**
 * Every row of every table and of what is derived from them, as JSON, ordered by id (or key): two
 * snapshots are equal when nothing changed.
 */
export async function snapshot(orm: MikroORM): Promise<Record<string, Array<{ id: string; row: unknown }>>> {
  const connection = orm.em.getConnection();
  const result: Record<string, Array<{ id: string; row: unknown }>> = {};
  for (const table of TABLES) {
    result[table] = await connection.execute(`select id, to_jsonb(t.*) as row from "${table}" t order by id`);
  }
  for (const [relation, key] of Object.entries(DERIVED)) {
    result[relation] = await connection.execute(`select ${key} as id, to_jsonb(t.*) as row from "${relation}" t order by 1`);
  }
  return result;
}

export function idsOf(snap: Record<string, Array<{ id: string }>>): Record<string, string[]> {
  return Object.fromEntries(Object.entries(snap).map(([table, rows]) => [table, rows.map((row) => row.id)]));
}

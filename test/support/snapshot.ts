import type { MikroORM } from '@mikro-orm/postgresql';

export const TABLES = [
  'source',
  'claim',
  'territory',
  'territory_edge',
  'organisation',
  'programme',
  'programme_territory',
  'theme',
  'project',
  'project_theme',
  'project_territory',
  'participation',
  'funding',
  'outcome',
  'outcome_organisation',
];

/** Every row of every table, as JSON, ordered by id: two snapshots are equal when nothing changed. */
export async function snapshot(orm: MikroORM): Promise<Record<string, Array<{ id: string; row: unknown }>>> {
  const connection = orm.em.getConnection();
  const result: Record<string, Array<{ id: string; row: unknown }>> = {};
  for (const table of TABLES) {
    result[table] = await connection.execute(`select id, to_jsonb(t.*) as row from "${table}" t order by id`);
  }
  return result;
}

export function idsOf(snap: Record<string, Array<{ id: string }>>): Record<string, string[]> {
  return Object.fromEntries(Object.entries(snap).map(([table, rows]) => [table, rows.map((row) => row.id)]));
}

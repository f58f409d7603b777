import type { Knex } from 'knex';
import { Client } from 'pg';
import { PREPARED_READS } from '../src/db/orm.config';
import { startTestApp, TestApp } from './support/app';

/**
 * The read path sends named prepared statements (src/db/prepared.ts). A migration that adds a column
 * while a server runs (a rolling deploy) must not break them: they name their columns instead of `*`,
 * whose changed result type PostgreSQL refuses for a cached plan.
 */
let app: TestApp;
beforeAll(async () => {
  app = await startTestApp();
});
afterAll(() => app.close());

const QUERY = `{ projects(first: 3) { totalCount edges { node { slug leadPartner { name } themes { slug } territories { code } participations { organisation { slug } } } } } project(slug: "weldcome") { slug } }`;

/** What each idle connection of a pool says (run on the connections themselves, outside the pool's queue). */
async function onEveryConnection<T>(knex: Knex, sql: string): Promise<T[]> {
  const pool = knex.client.pool as { free: Array<{ resource: Client }> };
  const answers = await Promise.all(pool.free.map(({ resource }) => resource.query(sql)));
  return answers.flatMap((answer) => answer.rows as T[]);
}

test('named statements are planned once, generically, and statements whose text varies for their values', async () => {
  // A filtered list is sent unnamed (its text varies with the filter); the rest of QUERY is named.
  const filtered = `{ projects(first: 2, filter: { text: "welding" }) { totalCount edges { node { slug } } } }`;
  for (let round = 0; round < 8; round++) await Promise.all([app.data(QUERY), app.data(filtered)]);

  const prepared = app.orm.em.getKnex(PREPARED_READS);
  const modes = await onEveryConnection<{ plan_cache_mode: string }>(prepared, 'show plan_cache_mode');
  expect(modes.length).toBeGreaterThan(0);
  expect(new Set(modes.map((row) => row.plan_cache_mode))).toEqual(new Set(['force_generic_plan']));
  const plans = await onEveryConnection<{ generic: number; custom: number }>(
    prepared,
    'select coalesce(sum(generic_plans), 0)::int as generic, coalesce(sum(custom_plans), 0)::int as custom from pg_prepared_statements',
  );
  // Eight rounds of the same statements: left to choose, PostgreSQL planned several of them afresh each time.
  expect(plans.reduce((sum, row) => sum + row.generic, 0)).toBeGreaterThanOrEqual(8 * 4);
  expect(plans.reduce((sum, row) => sum + row.custom, 0)).toBe(0);

  const varying = app.orm.em.getKnex();
  const others = await onEveryConnection<{ plan_cache_mode: string; named: number }>(
    varying,
    'select current_setting($$plan_cache_mode$$) as plan_cache_mode, (select count(*)::int from pg_prepared_statements) as named',
  );
  expect(others.length).toBeGreaterThan(0);
  expect(others).toEqual(others.map(() => ({ plan_cache_mode: 'auto', named: 0 })));
});

test('statements prepared before a column is added still run after it', async () => {
  // Several times, so that the statements are prepared on more than one pooled connection.
  const before = await Promise.all(Array.from({ length: 5 }, () => app.data(QUERY)));
  const admin = new Client({ connectionString: app.databaseUrl });
  await admin.connect();
  try {
    for (const table of ['project', 'organisation', 'theme', 'territory', 'participation']) {
      await admin.query(`alter table ${table} add column added_by_a_later_release text`);
    }
  } finally {
    await admin.end();
  }
  const after = await Promise.all(Array.from({ length: 5 }, () => app.query(QUERY)));
  for (const response of after) {
    expect(response.errors).toBeUndefined();
    expect(response.data).toEqual(before[0]);
  }
});

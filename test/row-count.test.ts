import { Client } from 'pg';
import { openOrm } from '../src/db/orm';
import { generate } from '../src/generate/synthetic';
import { cloneTestDatabase, startTestApp, TestApp } from './support/app';

/**
 * Unfiltered lists read their totalCount from `row_count`, kept by triggers. These tests hold the kept
 * counts to `count(*)` through every way rows change: inserts, upserts, deletes, truncation, rollback.
 */
const TABLES = ['project', 'organisation', 'programme', 'theme', 'territory', 'source'];

let client: Client;
let databaseUrl: string;
beforeAll(async () => {
  databaseUrl = await cloneTestDatabase();
  client = new Client({ connectionString: databaseUrl });
  await client.connect();
});
afterAll(() => client.end());

async function mismatches(): Promise<string[]> {
  const found: string[] = [];
  for (const table of TABLES) {
    const { rows } = await client.query(`select (select count(*) from ${table})::int as actual, (select row_count from row_count where table_name = $1)::int as kept`, [table]);
    if (rows[0].actual !== rows[0].kept) found.push(`${table}: ${rows[0].kept} kept, ${rows[0].actual} in the table`);
  }
  return found;
}

const source = (key: string) =>
  client.query(`insert into source (id, key, title, publisher, kind) values (gen_random_uuid(), $1, 'A test source', 'Tests', 'EDITORIAL')
    on conflict (key) do update set title = excluded.title`, [key]);

test('the seeded database starts with exact counts', async () => {
  expect(await mismatches()).toEqual([]);
  const { rows } = await client.query(`select row_count::int from row_count where table_name = 'project'`);
  expect(rows[0].row_count).toBeGreaterThan(0);
});

test('inserts, upserts that update, and deletes keep the counts exact', async () => {
  const before = (await client.query(`select count(*)::int as n from source`)).rows[0].n;
  await source('row-count-a');
  await source('row-count-b');
  await source('row-count-a'); // updates: no new row
  expect(await mismatches()).toEqual([]);
  expect((await client.query(`select row_count::int from row_count where table_name = 'source'`)).rows[0].row_count).toBe(before + 2);
  await client.query(`delete from source where key like 'row-count-%'`);
  expect(await mismatches()).toEqual([]);
});

test('a rolled back transaction leaves the counts as they were', async () => {
  await client.query('begin');
  await source('row-count-rolled-back');
  await client.query('rollback');
  expect(await mismatches()).toEqual([]);
});

test('bulk loading by the synthetic generator keeps them exact', async () => {
  const orm = await openOrm(databaseUrl);
  try {
    const before = (await client.query(`select row_count::int from row_count where table_name = 'project'`)).rows[0].row_count;
    await generate(orm.em.fork(), { scale: 0.01, seed: 1 }, () => undefined);
    expect(await mismatches()).toEqual([]);
    expect((await client.query(`select row_count::int from row_count where table_name = 'project'`)).rows[0].row_count).toBeGreaterThan(before + 100);
  } finally {
    await orm.close();
  }
}, 120_000);

test('cascading deletes and truncation are counted', async () => {
  await client.query('delete from programme where id in (select id from programme limit 1)');
  expect(await mismatches()).toEqual([]);
  await client.query('truncate project, organisation cascade');
  expect(await mismatches()).toEqual([]);
});

describe('through the API', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp();
  });
  afterAll(() => app.close());

  test('an unfiltered totalCount is the kept count, read in the page statement', async () => {
    const response = await app.query(`{ projects(first: 2) { totalCount edges { node { slug } } } organisations(first: 1) { totalCount } }`);
    const probe = new Client({ connectionString: app.databaseUrl });
    await probe.connect();
    const { rows } = await probe.query(`select (select count(*) from project)::int as projects, (select count(*) from organisation)::int as organisations`);
    await probe.end();
    expect(response.data.projects.totalCount).toBe(rows[0].projects);
    expect(response.data.organisations.totalCount).toBe(rows[0].organisations);
    // Two lists, one statement each: the counts came with the pages.
    expect(response.extensions?.queryStats?.sqlStatements).toBe(2);
  });

  test('past the last record the count is still given', async () => {
    const all = await app.data(`{ projects(first: 100) { totalCount pageInfo { endCursor } } }`);
    const after = await app.data(`query($after: String) { projects(first: 5, after: $after) { totalCount edges { node { slug } } } }`, { after: all.projects.pageInfo.endCursor });
    expect(after.projects.edges).toEqual([]);
    expect(after.projects.totalCount).toBe(all.projects.totalCount);
  });
});

import { Client } from 'pg';
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

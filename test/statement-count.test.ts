import { Client } from 'pg';
import { startTestApp, TestApp, waitUntil } from './support/app';

// The statement counts that the other tests hold are reported by the server (`extensions.queryStats`),
// and test/support/app.ts checks each one against every statement knex saw while the request ran alone.
// This shows that check can fail: a statement sent while a request runs, but not through the request's
// context, makes the request's query() reject.
describe('the test app’s statement-count check', () => {
  let app: TestApp;

  beforeAll(async () => {
    app = await startTestApp();
  });

  afterAll(async () => {
    await app.close();
  });

  it('rejects a request during which a statement was sent around its context', async () => {
    // The request waits on a lock until the outside statement has been sent.
    const lock = new Client({ connectionString: app.databaseUrl });
    await lock.connect();
    const watcher = new Client({ connectionString: app.databaseUrl });
    await watcher.connect();
    try {
      await lock.query('begin');
      await lock.query('lock table project in access exclusive mode');
      const pending = app.query('{ projects(first: 1) { edges { node { slug } } } }');
      const settled = pending.then(
        () => undefined,
        (error: Error) => error,
      );
      const waiting = async () =>
        (await watcher.query<{ n: number }>(`select count(*)::int as n from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock'`)).rows[0].n;
      await waitUntil(async () => (await waiting()) > 0, 15_000);
      expect(await waiting()).toBe(1);
      // Through the server's own ORM, as a resolver that bypassed `context.sql` would send it.
      await app.orm.em.getConnection().execute('select 1');
      await lock.query('commit');
      const error = await settled;
      expect(error?.message).toMatch(/reported 1 SQL statements for this request, but sent 2/);
    } finally {
      await lock.query('rollback').catch(() => undefined);
      await lock.end();
      await watcher.end();
    }
  });

  it('accepts the same request when nothing else is sent', async () => {
    const response = await app.query('{ projects(first: 1) { edges { node { slug } } } }');
    expect(response.errors).toBeUndefined();
    expect(response.extensions?.queryStats).toEqual({ sqlStatements: 1 });
  });
});

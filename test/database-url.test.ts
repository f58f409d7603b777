import { MikroORM } from '@mikro-orm/postgresql';
import { connectionPools, openOrm } from '../src/db/orm';
import { Client } from 'pg';
import { databaseUrl as databaseUrlOf, dropDatabase, ensureDatabaseExists } from '../src/db/database';
import { migrationsList } from '../src/db/migrations';
import { ormConfig, PREPARED_SESSION_OPTIONS, sessionConfig } from '../src/db/orm.config';
import { cloneTestDatabase } from './support/app';

/**
 * A DATABASE_URL's settings beyond host, port, user, password and database reach every connection of the
 * API, both pools: MikroORM reads only those five from the URL, and `?sslmode=require` connected without
 * TLS where the server allowed it.
 */
let databaseUrl: string;
beforeAll(async () => {
  databaseUrl = await cloneTestDatabase();
});

const withParameters = (parameters: Record<string, string>) => `${databaseUrl}?${new URLSearchParams(parameters)}`;

/** What a session of each pool says. */
async function sessions(orm: MikroORM, sql: string): Promise<Array<Record<string, unknown>>> {
  return Promise.all(connectionPools(orm).map(async (knex) => (await knex.raw(sql)).rows[0]));
}

it("passes the URL's application name and session options to both pools, beside the API's own settings", async () => {
  const orm = await openOrm(withParameters({ application_name: 'kb-url-test', options: '-c work_mem=5MB' }));
  try {
    const settings = await sessions(
      orm,
      `select current_setting('application_name') as name, current_setting('work_mem') as work_mem, current_setting('random_page_cost') as random_page_cost, current_setting('plan_cache_mode') as plan_cache_mode`,
    );
    expect(settings).toEqual([
      { name: 'kb-url-test', work_mem: '5MB', random_page_cost: '1.1', plan_cache_mode: 'auto' },
      { name: 'kb-url-test', work_mem: '5MB', random_page_cost: '1.1', plan_cache_mode: 'force_generic_plan' },
    ]);
  } finally {
    await orm.close();
  }
});

it('opens no unencrypted session, on either pool, when the URL asks for TLS (sslmode=require)', async () => {
  // Not connected at start: each pool opens its own first session below.
  const orm = await MikroORM.init({ ...ormConfig(withParameters({ sslmode: 'require' })), connect: false });
  try {
    for (const knex of connectionPools(orm)) {
      const session = await knex.raw('select ssl from pg_stat_ssl where pid = pg_backend_pid()').then(
        (result: { rows: Array<{ ssl: boolean }> }) => result.rows[0],
        (error: Error) => error,
      );
      // A server without TLS (the embedded one, the CI's) is refused; one with TLS must encrypt, or fail
      // on a certificate this machine does not trust (sslmode=require verifies it, as node-postgres does).
      if (session instanceof Error) expect(session.message).toMatch(/does not support SSL|certificate|self.signed/i);
      else expect(session).toEqual({ ssl: true });
    }
  } finally {
    await orm.close();
  }
});

it('takes a host and port given as query parameters, as node-postgres does (a Unix socket directory, say)', async () => {
  const url = new URL(databaseUrl);
  const { hostname, port } = url;
  url.hostname = 'nowhere.invalid';
  url.port = '1';
  const orm = await openOrm(`${url}?${new URLSearchParams({ host: hostname, port })}`);
  try {
    expect(await sessions(orm, 'select 1 as one')).toEqual([{ one: 1 }, { one: 1 }]);
  } finally {
    await orm.close();
  }
});

it("gives a session opened apart (the plan checks') the URL's options and the pool's own, as the pools have them", async () => {
  // With the URL as a connection string, node-postgres would let its `options` replace the pool's.
  const client = new Client(sessionConfig(withParameters({ options: '-c work_mem=5MB' }), PREPARED_SESSION_OPTIONS));
  await client.connect();
  try {
    const { rows } = await client.query(`select current_setting('work_mem') as work_mem, current_setting('plan_cache_mode') as plan_cache_mode`);
    expect(rows[0]).toEqual({ work_mem: '5MB', plan_cache_mode: 'force_generic_plan' });
  } finally {
    await client.end();
  }
});

it('lets instances that start together on a new database create it, migrate it once, and all start', async () => {
  const url = databaseUrlOf(databaseUrl, `kb_race_${process.pid}_${Date.now()}`);
  const starts = await Promise.allSettled(
    [1, 2, 3].map(async () => {
      await ensureDatabaseExists(url);
      return openOrm(url);
    }),
  );
  try {
    expect(starts.map((start) => (start.status === 'rejected' ? String(start.reason) : 'started'))).toEqual(['started', 'started', 'started']);
    const orm = (starts[0] as PromiseFulfilledResult<MikroORM>).value;
    const applied = await orm.em.getConnection().execute<Array<{ name: string; times: number }>>(
      'select name, count(*)::int as times from mikro_orm_migrations group by name order by name',
    );
    expect(applied.length).toBe(migrationsList.length);
    expect(applied.every((migration) => migration.times === 1)).toBe(true);
  } finally {
    await Promise.all(starts.map((start) => (start.status === 'fulfilled' ? start.value.close() : undefined)));
    await dropDatabase(url);
  }
});

import type { MikroORM } from '@mikro-orm/postgresql';
import { Client } from 'pg';
import { openOrm } from '../src/db/orm';
import { PREPARED_READS } from '../src/db/orm.config';
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
  const pools = [orm.em.getKnex(), orm.em.getKnex(PREPARED_READS)];
  return Promise.all(pools.map(async (knex) => (await knex.raw(sql)).rows[0]));
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

it('never opens an unencrypted session when the URL asks for TLS (sslmode=require)', async () => {
  const plain = new Client({ connectionString: databaseUrl });
  await plain.connect();
  const { rows } = await plain.query(`select current_setting('ssl') as ssl`);
  await plain.end();
  const url = withParameters({ sslmode: 'require' });
  if (rows[0].ssl === 'off') {
    // This server has no TLS: asked for it, the API refuses to start rather than connect in the clear.
    await expect(openOrm(url)).rejects.toThrow(/does not support SSL/);
  } else {
    // Its certificate is not one this machine trusts (sslmode=require verifies it, as node-postgres does).
    const orm = await openOrm(url).catch((error: Error) => error);
    if (orm instanceof Error) expect(orm.message).toMatch(/certificate|self.signed/i);
    else {
      try {
        expect(await sessions(orm, 'select ssl from pg_stat_ssl where pid = pg_backend_pid()')).toEqual([{ ssl: true }, { ssl: true }]);
      } finally {
        await orm.close();
      }
    }
  }
});

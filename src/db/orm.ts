import { MikroORM } from '@mikro-orm/postgresql';
import type { Knex } from 'knex';
import { ormConfig, PREPARED_READS } from './orm.config';

/** The ORM's two pools on the database: statements whose text varies, then the named prepared statements (PREPARED_READS). */
export function connectionPools(orm: MikroORM): [Knex, Knex] {
  return [orm.em.getKnex(), orm.em.getKnex(PREPARED_READS)];
}

/** Connects and applies every pending migration: the schema changes only through committed migrations. */
export async function openOrm(databaseUrl: string, options: { statementTimeoutMs?: number } = {}): Promise<MikroORM> {
  const orm = await MikroORM.init(ormConfig(databaseUrl, options));
  try {
    await orm.getMigrator().up();
  } catch (error) {
    await orm.close(true);
    throw error;
  }
  return orm;
}

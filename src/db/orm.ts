import { MikroORM } from '@mikro-orm/postgresql';
import type { Knex } from 'knex';
import { Client } from 'pg';
import { CONNECT_TIMEOUT_MS } from './database';
import { ormConfig, PREPARED_READS } from './orm.config';

/** The ORM's two pools on the database: statements whose text varies, then the named prepared statements (PREPARED_READS). */
export function connectionPools(orm: MikroORM): [Knex, Knex] {
  return [orm.em.getKnex(), orm.em.getKnex(PREPARED_READS)];
}

/**
 * The advisory lock a process holds while it migrates. MikroORM's migrator takes none: two instances that
 * start together on a new or older database both created its migrations table, or ran one migration
 * twice, and one of them failed to start.
 */
export const MIGRATION_LOCK = 0x6b62_6d67;

/** Connects and applies every pending migration: the schema changes only through committed migrations. */
export async function openOrm(databaseUrl: string, options: { statementTimeoutMs?: number } = {}): Promise<MikroORM> {
  const orm = await MikroORM.init(ormConfig(databaseUrl, options));
  try {
    // On a connection of its own: its end (the process's too) lets the lock go.
    const lock = new Client({ connectionString: databaseUrl, connectionTimeoutMillis: CONNECT_TIMEOUT_MS });
    // Lost while held (its server stopped under a signalled command): the migration's own statements say
    // so; unheard, the client's error event ended the process before the command's orderly exit.
    lock.on('error', () => undefined);
    await lock.connect();
    try {
      await lock.query('select pg_advisory_lock($1)', [MIGRATION_LOCK]);
      // Whoever waited finds the migrations done, and has none left to run.
      await orm.getMigrator().up();
    } finally {
      await lock.end();
    }
  } catch (error) {
    await orm.close(true);
    throw error;
  }
  return orm;
}

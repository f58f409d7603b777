import { MikroORM } from '@mikro-orm/postgresql';
import type { Knex } from 'knex';
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
const MIGRATION_LOCK = 0x6b62_6d67;

/** Connects and applies every pending migration: the schema changes only through committed migrations. */
export async function openOrm(databaseUrl: string, options: { statementTimeoutMs?: number } = {}): Promise<MikroORM> {
  const orm = await MikroORM.init(ormConfig(databaseUrl, options));
  try {
    // Held by a transaction on one of the pool's connections, while the migrations run on others: its end,
    // or its connection's, lets the lock go. Waited for however long another start migrates.
    await orm.em.getKnex().transaction(async (lock) => {
      // Asked again and again rather than waited for in one statement, which the pool's sessions give up
      // on after the statement timeout and a margin (query_timeout), where another start may migrate longer.
      while (!(await lock.raw('select pg_try_advisory_xact_lock(?) as locked', [MIGRATION_LOCK])).rows[0].locked) {
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      // Whoever waited finds the migrations done, and has none left to run.
      await orm.getMigrator().up();
    });
  } catch (error) {
    await orm.close(true);
    throw error;
  }
  return orm;
}

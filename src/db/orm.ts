import { MikroORM } from '@mikro-orm/postgresql';
import { ormConfig } from './orm.config';

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

import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import { AsyncLocalStorage } from 'node:async_hooks';
import type { Logger } from 'pino';
import type { Config } from '../config';
import { Loaders } from './loaders';

/** What one request's resolvers share: its own identity map and loaders, and its statistics. */
export interface RequestContext {
  requestId: string;
  em: EntityManager;
  loaders: Loaders;
  config: Config;
  stats: RequestStats;
  log: Logger;
  /** The query's cost, once measured (see limits.ts). */
  cost?: number;
}

/** What the request's log line reports, filled in as the request runs. */
export interface RequestStats {
  sqlStatements: number;
  operationName?: string | null;
  cost?: number;
  errorCodes?: string[];
  variables?: unknown;
  /**
   * The response as sent, once Apollo has it: the response cache keeps this object (parsing the sent
   * text back, as it did, cost as much as a twentieth of a list page).
   */
  response?: Record<string, unknown>;
}

const currentStats = new AsyncLocalStorage<RequestStats>();

/**
 * Counts the SQL statements each request sends, by listening to the query builder's `query` event and
 * attributing each statement to the request whose async context sent it. Returns what stops counting
 * (a closed server must not leave its listener on a connection that outlives it).
 */
export function countSqlStatements(orm: MikroORM): () => void {
  const knex = orm.em.getConnection().getKnex();
  const count = () => {
    const stats = currentStats.getStore();
    if (stats) stats.sqlStatements++;
  };
  knex.on('query', count);
  return () => knex.removeListener('query', count);
}

/** Runs `work` with `stats` as the current request's statistics. */
export function withRequestStats<T>(stats: RequestStats, work: () => T): T {
  return currentStats.run(stats, work);
}

export function createContext(orm: MikroORM, config: Config, requestId: string, stats: RequestStats, log: Logger): RequestContext {
  const em = orm.em.fork({ useContext: false });
  return { requestId, em, loaders: new Loaders(em), config, stats, log };
}

import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import type { Logger } from 'pino';
import type { Config } from '../config';
import { Statements } from '../db/statements';
import { Loaders } from './loaders';

/** What one request's resolvers share: its own identity map and loaders, and its statistics. */
export interface RequestContext {
  requestId: string;
  em: EntityManager;
  /** Every statement the request sends goes through here, and is counted in `stats`. */
  sql: Statements;
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

export function createContext(orm: MikroORM, config: Config, requestId: string, stats: RequestStats, log: Logger): RequestContext {
  const em = orm.em.fork({ useContext: false });
  const sql = new Statements(em.getKnex(), stats);
  return { requestId, em, sql, loaders: new Loaders(em, sql), config, stats, log };
}

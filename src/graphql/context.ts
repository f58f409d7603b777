import type { MetadataStorage } from '@mikro-orm/core';
import type { MikroORM } from '@mikro-orm/postgresql';
import type { Knex } from 'knex';
import type { Logger } from 'pino';
import type { Config } from '../config';
import { connectionPools } from '../db/orm';
import { Statements } from '../db/statements';
import { Loaders } from './loaders';

/** What one request's resolvers share: its loaders, its way to the database, and its statistics. */
export interface RequestContext {
  requestId: string;
  /**
   * The entities' mapping to tables, for reading rows into them (rows.ts). The API reads without the ORM's
   * unit of work, so a request has no EntityManager of its own: forking one (a copy of the ORM's
   * configuration and an identity map nothing used) showed as 0.5 to 1.5% of a list page's CPU profile.
   */
  metadata: MetadataStorage;
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
  /**
   * Whether the operation went to its compiled form (graphql-jit) or to graphql-js (which also refuses an
   * operation the document lacks); set even when its variables were then refused. Unset when the request
   * never reached execution (a parse or validation error, a query over the limits).
   */
  compiled?: boolean;
  cost?: number;
  errorCodes?: string[];
  variables?: unknown;
  /**
   * The response as sent, once Apollo has it: the response cache keeps this object (parsing the sent
   * text back, as it did, cost as much as a twentieth of a list page).
   */
  response?: Record<string, unknown>;
}

/** What every request of one ORM reads with: resolved once, not per request (the pool of prepared statements is looked up among the ORM's replicas). */
const readPaths = new WeakMap<MikroORM, { metadata: MetadataStorage; knex: Knex; preparedKnex: Knex }>();

export function createContext(orm: MikroORM, config: Config, requestId: string, stats: RequestStats, log: Logger): RequestContext {
  let readPath = readPaths.get(orm);
  if (!readPath) {
    const [knex, preparedKnex] = connectionPools(orm);
    readPaths.set(orm, (readPath = { metadata: orm.getMetadata(), knex, preparedKnex }));
  }
  const { metadata, knex, preparedKnex } = readPath;
  const sql = new Statements(knex, preparedKnex, stats);
  return { requestId, metadata, sql, loaders: new Loaders(metadata, sql), config, stats, log };
}

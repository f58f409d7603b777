import 'reflect-metadata';
import { Migrator } from '@mikro-orm/migrations';
import { defineConfig, PostgreSqlDriver } from '@mikro-orm/postgresql';
import path from 'node:path';
import type { ClientConfig } from 'pg';
import { parseIntoClientConfig } from 'pg-connection-string';
import { projectRoot } from '../config';
import { CONNECT_TIMEOUT_MS } from './database';
import { entities } from './entities';
import { migrationsList } from './migrations';

/**
 * Planner settings of the API's own sessions (sent when each connection opens; the server's defaults
 * stay as they are for everything else).
 *
 * `random_page_cost` 1.1 rather than 4: PostgreSQL's documented value for storage whose random reads
 * cost about what sequential ones do, as with solid-state disks or data held in memory. At 4, a loader
 * joining 20 projects' links to the 1,621 territories hashed the whole territory table rather than
 * looking up 20 rows by key: 0.33 ms of PostgreSQL CPU a call against 0.12 to 0.17 ms (the same
 * statement sent 10 at a time through node-postgres, at full size).
 */
export const SESSION_OPTIONS = '-c random_page_cost=1.1';

/**
 * The connections that run the read path's named prepared statements (prepared.ts) plan each of them once
 * and keep that plan: `plan_cache_mode` `force_generic_plan`. Left to choose, PostgreSQL planned most of
 * them afresh on every execution, for good: a plan for the values at hand looks cheaper than the generic
 * one (a lookup of one id against the ten an array parameter is assumed to hold, a page of 21 rows against
 * the tenth of the table an unknown `limit` is assumed to take), and planning itself is priced at almost
 * nothing. Counted on the API's connections after 400 of each bench operation: no generic plan at all for
 * the list page, the search, the collaborators, the territory walk, the claims and every lookup of a
 * single key (most of the detail page's), and generic plans about half the time for the others.
 * The generic plans are the index lookups the custom ones were (the plan checks explain them as
 * generic, see generate/plans.ts), and PostgreSQL CPU a request went, in-process and alternated, from
 * 1,160-1,193 to 787-813 µs for the detail page, from 673-767 to 173-187 µs for the collaborators and from
 * 660-680 to 560-613 µs for the list page.
 *
 * Only those statements, whose plan does not hang on their values: lookups by an array of keys, unfiltered
 * pages, the search (its query is computed inside the statement) and the collaborators (reached from the
 * organisations' ids; its optional filters narrow the projects and programmes already reached; the plan
 * checks explain it filtered too). The statements whose text varies with the request (filters, sent
 * unnamed) must be planned for their values, since a generic plan assumes default selectivities where a
 * filter's values matter, and `plan_cache_mode` governs unnamed statements too. So the named statements
 * run on connections of their own, a second pool on the same database (MikroORM's read-replica mechanism,
 * `PREPARED_READS`), which the ORM itself never reads from (`preferReadReplicas: false`).
 */
export const PREPARED_SESSION_OPTIONS = `${SESSION_OPTIONS} -c plan_cache_mode=force_generic_plan`;

/** The connection type (`em.getKnex(PREPARED_READS)`) of the pool that runs the named prepared statements. */
export const PREPARED_READS = 'read' as const;

/**
 * node-postgres's settings for a session of one of the API's pools on `clientUrl` (`sessionOptions`:
 * SESSION_OPTIONS or PREPARED_SESSION_OPTIONS), every parameter of the URL included, as node-postgres
 * reads them: TLS (`sslmode`, `sslrootcert`...), `application_name`, `host` as a query parameter (a Unix
 * socket's directory)... The URL's own `options` come first and the API's follow, winning where both set
 * one. MikroORM reads only host, port, user, password and database from a URL, and `?sslmode=require`
 * connected without TLS where the server allowed it. Settings, not a `connectionString`: node-postgres
 * lets a connection string's `options` replace the ones given beside it.
 */
export function sessionConfig(clientUrl: string, sessionOptions: string): ClientConfig {
  const { options, ...settings } = parseIntoClientConfig(clientUrl);
  return { ...settings, options: [options, sessionOptions].filter(Boolean).join(' ') };
}

/** The connections of each of the API's two pools (statements whose text varies, named prepared statements). */
export const POOL_SIZE = 10;

/**
 * How long past the statement timeout the API waits for a statement's answer before it gives up on it
 * itself (node-postgres's `query_timeout`): PostgreSQL cancels a statement at the statement timeout, but a
 * server that hangs, or a network that drops its packets (a failover), answers nothing, and each request
 * would wait for as long as TCP does (minutes), then every request for a connection.
 */
export const QUERY_TIMEOUT_MARGIN_MS = 5000;

/** How long a request waits for a free connection of a pool before it is answered SERVICE_UNAVAILABLE (knex's default: 60 s). */
export const ACQUIRE_TIMEOUT_MS = 10_000;

export function ormConfig(clientUrl: string, options: { debug?: boolean; statementTimeoutMs?: number } = {}) {
  return defineConfig({
    driver: PostgreSqlDriver,
    clientUrl,
    entities,
    // Names are explicit in every decorator; no TypeScript reflection of types is needed at run time.
    discovery: { requireEntitiesArray: true },
    extensions: [Migrator],
    migrations: {
      migrationsList,
      // Where `migration:create` writes new migrations (they must then be added to migrations/index.ts).
      path: path.join(projectRoot, 'src', 'db', 'migrations'),
      silent: true,
      transactional: true,
      allOrNothing: true,
      snapshot: false,
      emit: 'ts',
    },
    pool: { min: 0, max: POOL_SIZE },
    // The pool of the named prepared statements (see PREPARED_SESSION_OPTIONS): the same database and pool
    // size, only its sessions' planning differs. Its driver options are merged over the ones below.
    replicas: [{ name: 'prepared-reads', driverOptions: { connection: { options: sessionConfig(clientUrl, PREPARED_SESSION_OPTIONS).options } } }],
    preferReadReplicas: false,
    // Kept by triggers and read by raw SQL (Migration20261126170000), not an entity: the schema diff of
    // `migration:create` leaves it alone rather than drop it.
    schemaGenerator: { skipTables: ['row_count'] },
    // The sessions' planner settings; with a statement timeout, a runaway query is cancelled by PostgreSQL
    // itself rather than holding a connection.
    driverOptions: {
      connection: {
        ...sessionConfig(clientUrl, SESSION_OPTIONS),
        ...(options.statementTimeoutMs
          ? { statement_timeout: options.statementTimeoutMs, query_timeout: options.statementTimeoutMs + QUERY_TIMEOUT_MARGIN_MS }
          : {}),
        // A connection attempt gives up after CONNECT_TIMEOUT_MS rather than the system's TCP timeout, and
        // TCP keepalive ends an idle connection whose peer went away without a word (about 11 minutes, not
        // hours); one whose statement's answer does not come is ended at query_timeout (patches/pg+8.20.0.patch).
        connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
        keepAlive: true,
        keepAliveInitialDelayMillis: 10_000,
      },
      acquireConnectionTimeout: ACQUIRE_TIMEOUT_MS,
    },
    // A dropped connection must not crash the process: the pool reconnects on the next request.
    debug: options.debug ?? false,
    allowGlobalContext: false,
    forceUndefined: false,
  });
}

/** Used by the MikroORM CLI (`npm run migration:create`). */
export default ormConfig(process.env.DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/interreg_kb_dev');

import 'reflect-metadata';
import { parse } from 'csv-parse/sync';
import type { MikroORM } from '@mikro-orm/postgresql';
import type { FastifyInstance } from 'fastify';
import { randomBytes } from 'node:crypto';
import { Writable } from 'node:stream';
import { Client } from 'pg';
import pino from 'pino';
import { Config, loadConfig } from '../../src/config';
import { cloneDatabase } from '../../src/db/database';
import { connectionPools, openOrm } from '../../src/db/orm';
import { listenLocally } from '../../src/generate/plans';
import { createServer } from '../../src/server';
import { EXPORT_APPLICATION_NAME } from '../../src/modules/export/export.routes';

export interface GraphQLResponse<T = any> {
  data?: T;
  errors?: Array<{ message: string; path?: Array<string | number>; extensions?: Record<string, any> }>;
  extensions?: Record<string, any>;
}

export interface TestApp {
  /** The cloned, seeded database of this test file. */
  databaseUrl: string;
  orm: MikroORM;
  server: FastifyInstance;
  baseUrl: string;
  query<T = any>(query: string, variables?: Record<string, unknown>): Promise<GraphQLResponse<T>>;
  /** Like `query`, but fails the test on any GraphQL error. */
  data<T = any>(query: string, variables?: Record<string, unknown>): Promise<T>;
  close(): Promise<void>;
}

/**
 * The number of SQL statements the server reports for a response (`extensions.queryStats`), failing on
 * GraphQL errors and on a missing or zero count, so that comparisons of counts cannot pass on nothing.
 */
export function sqlStatementsOf(response: GraphQLResponse): number {
  expect(response.errors).toBeUndefined();
  const count = response.extensions?.queryStats?.sqlStatements;
  expect(count).toEqual(expect.any(Number));
  expect(count).toBeGreaterThan(0);
  return count;
}

/** A fresh copy of the seeded template database. */
export async function cloneTestDatabase(): Promise<string> {
  const template = process.env.KB_TEST_TEMPLATE_URL;
  if (!template) throw new Error('KB_TEST_TEMPLATE_URL is unset: run the tests through jest (globalSetup prepares the database)');
  return cloneDatabase(template, `${process.env.KB_TEST_RUN}_${randomBytes(6).toString('hex')}`);
}

/** Boots the real HTTP server on a free port, on its own copy of the seeded database. */
export async function startTestApp(
  environment: Record<string, string> = {},
  options: { logger?: pino.Logger; connectThrough?: (databaseUrl: string) => Promise<string> } = {},
): Promise<TestApp> {
  const databaseUrl = await cloneTestDatabase();
  // The URL the server connects with: the database's own, or one through a proxy (see pausable-proxy.ts).
  const serverUrl = options.connectThrough ? await options.connectThrough(databaseUrl) : databaseUrl;
  // Tests send many requests quickly: no rate limit unless a test asks for one.
  // Many tests change the database behind the server's back: no response cache unless a test asks for one.
  // Queries run compiled from the first time, as every query a frontend repeats does: the tests send most
  // queries once, and would otherwise test graphql-js only (test/executor.test.ts holds the two to each other).
  const config: Config = loadConfig({ DATABASE_URL: serverUrl, LOG_LEVEL: 'silent', RATE_LIMIT_MAX: '0', RESPONSE_CACHE: 'false', COMPILE_QUERIES_AFTER: '0', ...environment });
  const orm = await openOrm(serverUrl, { statementTimeoutMs: config.statementTimeoutMs });
  const server = await createServer({ orm, config, logger: options.logger ?? pino({ level: 'silent' }) });
  const baseUrl = await listenLocally(server);

  // Every statement the server sends, as knex sees them. A request's own count (`extensions.queryStats`,
  // kept by its context) must match what knex saw while it ran alone, so that a statement sent around
  // the context cannot escape the statement-count tests. (Not with the response cache: a cached answer
  // repeats the count of the request that computed it.)
  // Both pools: statements whose text varies, and the named prepared statements.
  let sent = 0;
  for (const knex of connectionPools(orm)) knex.on('query', () => sent++);
  let started = 0;
  let inFlight = 0;

  const query = async <T>(text: string, variables?: Record<string, unknown>): Promise<GraphQLResponse<T>> => {
    const ticket = ++started;
    const alone = ++inFlight === 1;
    const sentBefore = sent;
    try {
      const response = await fetch(`${baseUrl}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query: text, variables }),
      });
      const body = (await response.json()) as GraphQLResponse<T>;
      const reported = body.extensions?.queryStats?.sqlStatements;
      if (alone && started === ticket && !config.responseCache && reported !== undefined && reported !== sent - sentBefore) {
        throw new Error(`The server reported ${reported} SQL statements for this request, but sent ${sent - sentBefore}: ${text}`);
      }
      return body;
    } finally {
      inFlight--;
    }
  };

  return {
    databaseUrl,
    orm,
    server,
    baseUrl,
    query,
    async data<T>(text: string, variables?: Record<string, unknown>): Promise<T> {
      const response = await query<T>(text, variables);
      if (response.errors?.length) throw new Error(`GraphQL errors: ${JSON.stringify(response.errors, null, 2)}`);
      return response.data as T;
    },
    async close() {
      await server.close();
      await orm.close();
    },
  };
}

/** A CSV download: its status, headers and text, and its rows by column name (none unless it is a 200). */
export async function fetchCsv(baseUrl: string, path: string): Promise<{ status: number; headers: Headers; text: string; rows: Record<string, string>[] }> {
  const response = await fetch(`${baseUrl}${path}`);
  const text = await response.text();
  const rows: Record<string, string>[] = response.status === 200 ? parse(text.replace(/^\uFEFF/, ''), { columns: true }) : [];
  return { status: response.status, headers: response.headers, text, rows };
}

/** A logger whose JSON lines the test can read. */
export function capturingLogger(): { logger: pino.Logger; lines: () => Array<Record<string, any>> } {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      chunks.push(chunk.toString());
      done();
    },
  });
  const logger = pino({ level: 'info' }, stream);
  // Each line is one JSON object whose keys appear once (JSON.parse would keep the last of two silently).
  const parse = (line: string) => {
    const parsed = JSON.parse(line);
    const keys = topLevelKeys(line);
    if (new Set(keys).size !== keys.length) throw new Error(`A log line repeats a key: ${line}`);
    return parsed;
  };
  return { logger, lines: () => chunks.join('').split('\n').filter(Boolean).map(parse) };
}

/** The keys of a JSON object's top level as written, a repeated one as often as it is (nested objects' keys left out). */
function topLevelKeys(json: string): string[] {
  const keys: string[] = [];
  let depth = 0;
  for (let at = 0; at < json.length; at++) {
    const char = json[at];
    if (char === '{' || char === '[') depth++;
    else if (char === '}' || char === ']') depth--;
    else if (char === '"') {
      let end = at + 1;
      while (json[end] !== '"') end += json[end] === '\\' ? 2 : 1;
      if (depth === 1 && json[end + 1] === ':') keys.push(JSON.parse(json.slice(at, end + 1)));
      at = end;
    }
  }
  return keys;
}

/**
 * Runs `work` while a session of its own holds `table` in access exclusive mode (every statement that reads
 * the table waits), then lets it go, whatever `work` did.
 */
export async function whileLocked<T>(databaseUrl: string, table: string, work: () => Promise<T>): Promise<T> {
  const blocker = new Client({ connectionString: databaseUrl });
  await blocker.connect();
  try {
    await blocker.query('begin');
    await blocker.query(`lock table ${table} in access exclusive mode`);
    return await work();
  } finally {
    await blocker.query('rollback');
    await blocker.end();
  }
}

/**
 * Waits until `condition` holds, asking every `everyMs`, for at most `timeoutMs`; returns either way, so
 * that the assertion after it says what was expected.
 */
export async function waitUntil(condition: () => boolean | Promise<boolean>, timeoutMs: number, everyMs = 50): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition()) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, everyMs));
}

/** The sessions of an app's download pool busy with a statement now (the pool names its sessions). */
export async function busyExportSessionsOf(app: TestApp): Promise<number> {
  const [{ busy }] = await app.orm.em
    .getConnection()
    .execute<Array<{ busy: number }>>(`select count(*)::int as busy from pg_stat_activity where datname = current_database() and application_name = ? and state <> 'idle'`, [EXPORT_APPLICATION_NAME]);
  return busy;
}

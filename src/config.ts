import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { z } from 'zod';

/**
 * The data folder of the checkout at `root` outside it: in /var/tmp, which outlives a restart, where the
 * system has one.
 */
export function fallbackDataDir(root: string): string {
  const base = fs.existsSync('/var/tmp') ? '/var/tmp' : os.tmpdir();
  return path.join(base, `interreg-kb-${createHash('sha1').update(path.resolve(root)).digest('hex').slice(0, 12)}`, 'postgres');
}

/**
 * The project's root folder: one level up from `src/`, two from `dist/src/` (the folder above this file's
 * is `dist` only in the build; a checkout under some other `dist` folder is not one).
 */
export function projectRootOf(directory: string): string {
  return path.resolve(directory, path.basename(path.dirname(directory)) === 'dist' ? '../..' : '..');
}

export const projectRoot = projectRootOf(__dirname);

const booleanFlag = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((flag) => ['true', '1', 'yes'].includes(flag));

/** An origin as browsers send it: scheme, host and port, nothing more ("https://example.org"). */
function isOrigin(value: string): boolean {
  return URL.canParse(value) && new URL(value).origin === value;
}

/** PostgreSQL's `integer` and Node's longest timer, in milliseconds (a longer one fires at once). */
const INTEGER_MAX = 2_147_483_647;

/**
 * A whole number between `min` and `max`, written as digits. `z.coerce.number()` read a blank value as 0,
 * silently: `STATEMENT_TIMEOUT_MS=" "` switched the statement timeout off, `RATE_LIMIT_MAX=" "` the rate limit.
 */
function wholeNumber(min: number, max = INTEGER_MAX) {
  return z
    .string()
    .trim()
    .regex(/^-?\d+$/, 'must be a whole number')
    .transform(Number)
    .pipe(z.number().int().min(min).max(max));
}

/** A PostgreSQL connection URL, checked here, not where it is first used: a URL that fails to parse there is printed whole, password included. */
const postgresUrl = z
  .string()
  .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// or postgresql:// connection URL')
  .refine((url) => URL.canParse(url), 'is not a valid URL (host, port 0 to 65535, percent-encoded password)')
  .refine((url) => !URL.canParse(url) || /^\/[^/]+/.test(new URL(url).pathname), 'must name a database (postgresql://host/database)');

const environmentSchema = z.object({
  DATABASE_URL: postgresUrl.optional(),
  // The response cache's LISTEN, straight to PostgreSQL where DATABASE_URL goes through a pooler in
  // transaction mode, which does not carry notifications (see ResponseCache.start).
  RESPONSE_CACHE_LISTEN_URL: postgresUrl.optional(),
  PORT: z
    .string()
    .regex(/^\d+$/, 'must be a port number (0 to 65535)')
    .transform(Number)
    .pipe(z.number().max(65535, 'must be a port number (0 to 65535)'))
    .default(4000),
  HOST: z.string().min(1).default('127.0.0.1'),
  EMBEDDED_PG_DATA_DIR: z.string().min(1).optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  SEED_ON_EMPTY: booleanFlag.default(true),
  QUERY_STATS: booleanFlag.default(true),
  MAX_PAGE_SIZE: wholeNumber(1, 1000).default(100),
  MAX_DEPTH: wholeNumber(1).default(12),
  MAX_COST: wholeNumber(1).default(100_000),
  MAX_ALIASES: wholeNumber(0).default(30),
  MAX_FIELDS: wholeNumber(1).default(1000),
  MAX_DOCUMENT_BYTES: wholeNumber(100).default(20_000),
  STATEMENT_TIMEOUT_MS: wholeNumber(0).default(10_000),
  EXPORT_TIMEOUT_MS: wholeNumber(0).default(600_000),
  RATE_LIMIT_MAX: wholeNumber(0).default(300),
  RATE_LIMIT_WINDOW_MS: wholeNumber(1000).default(60_000),
  CORS_ORIGINS: z
    .string()
    .default('*')
    .refine(
      (value) => value.trim() === '*' || (value.split(',').some((origin) => origin.trim()) && value.split(',').every((origin) => !origin.trim() || isOrigin(origin.trim()))),
      'must be "*" or a comma-separated list of origins such as https://example.org (scheme and host, no path)',
    ),
  API_KEYS: z.string().default(''),
  INTROSPECTION: booleanFlag.default(true),
  LOG_VARIABLES: booleanFlag.default(false),
  DB_CONNECT_RETRIES: wholeNumber(0).default(10),
  DB_CONNECT_RETRY_MS: wholeNumber(10).default(1000),
  // At least a second: with none, the deadline passed before the server had closed, and every stop failed.
  SHUTDOWN_TIMEOUT_MS: wholeNumber(1000).default(15_000),
  RESPONSE_CACHE: booleanFlag.default(true),
  // The cache's 64 MB fill with about 100,000 small answers; its library sets aside room for every entry
  // when it starts (2,000,000,000 entries ran the process out of memory before it listened).
  RESPONSE_CACHE_MAX_ENTRIES: wholeNumber(1, 100_000).default(1000),
  COMPILE_QUERIES_AFTER: wholeNumber(0).default(1),
});

export interface Config {
  /** External PostgreSQL; when absent the embedded PostgreSQL is started. */
  databaseUrl?: string;
  port: number;
  host: string;
  /** Where the embedded PostgreSQL keeps its data (git-ignored). */
  embeddedDataDir: string;
  /**
   * Where it keeps them when run as root with the default folder out of the `postgres` user's reach (a
   * checkout in a private home): a folder of this checkout's own outside it, the same for every command.
   * Absent when EMBEDDED_PG_DATA_DIR names the folder: that is then an error to mend.
   */
  embeddedFallbackDataDir?: string;
  logLevel: z.infer<typeof environmentSchema>['LOG_LEVEL'];
  /** Load `seeds/` when the database holds no programme yet. */
  seedOnEmpty: boolean;
  /** Report the number of SQL statements of each GraphQL response in `extensions.queryStats`. */
  queryStats: boolean;
  maxPageSize: number;
  maxDepth: number;
  /** The most records a query may ask for (see the README's Limits). */
  maxCost: number;
  maxAliases: number;
  /** The most fields a query may have, each fragment counted at every spread. */
  maxFields: number;
  maxDocumentBytes: number;
  /** Each SQL statement is cancelled after this long (0: never). */
  statementTimeoutMs: number;
  /** Requests per client per window (0: no limit). */
  rateLimitMax: number;
  /**
   * Keys (`x-api-key`) that get an allowance of their own; any other request counts against its
   * address, so that made-up keys cannot multiply a client's allowance.
   */
  apiKeys: Set<string>;
  rateLimitWindowMs: number;
  /** Origins allowed to call the API from a browser: "*" for any, or a comma-separated list. */
  corsOrigins: string[] | '*';
  introspection: boolean;
  /** Log GraphQL variables (off: they may hold what users typed). */
  logVariables: boolean;
  dbConnectRetries: number;
  dbConnectRetryMs: number;
  /** How long a stop may wait for requests in flight before the database is stopped anyway. */
  shutdownTimeoutMs: number;
  /** Keep whole responses of reads in memory, emptied when seeding or imports change the data. */
  responseCache: boolean;
  responseCacheMaxEntries: number;
  /** Where the response cache listens for changes of data; the API's database (DATABASE_URL) when absent. */
  responseCacheListenUrl?: string;
  /**
   * How many times a parsed query is executed by graphql-js before it is compiled (graphql-jit) and runs
   * compiled from then on; 0 compiles it at once (see graphql/executor.ts).
   */
  compileQueriesAfter: number;
  /** A CSV download's statement is cancelled after this long (0: never), the client's reading included. */
  exportTimeoutMs: number;
}

export class ConfigError extends Error {}

/** Reads the environment once, failing fast with every problem named. */
export function loadConfig(environment: NodeJS.ProcessEnv = process.env): Config {
  const parsed = environmentSchema.safeParse(
    Object.fromEntries(Object.entries(environment).filter(([, value]) => value !== '')),
  );
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `  ${issue.path.join('.')}: ${issue.message}`);
    throw new ConfigError(`Invalid configuration in the environment:\n${problems.join('\n')}`);
  }
  const env = parsed.data;
  return {
    databaseUrl: env.DATABASE_URL,
    port: env.PORT,
    host: env.HOST,
    embeddedDataDir: path.resolve(env.EMBEDDED_PG_DATA_DIR ?? path.join(projectRoot, '.data', 'postgres')),
    embeddedFallbackDataDir: env.EMBEDDED_PG_DATA_DIR ? undefined : fallbackDataDir(projectRoot),
    logLevel: env.LOG_LEVEL,
    seedOnEmpty: env.SEED_ON_EMPTY,
    queryStats: env.QUERY_STATS,
    maxPageSize: env.MAX_PAGE_SIZE,
    maxDepth: env.MAX_DEPTH,
    maxCost: env.MAX_COST,
    maxAliases: env.MAX_ALIASES,
    maxFields: env.MAX_FIELDS,
    maxDocumentBytes: env.MAX_DOCUMENT_BYTES,
    statementTimeoutMs: env.STATEMENT_TIMEOUT_MS,
    rateLimitMax: env.RATE_LIMIT_MAX,
    apiKeys: new Set(env.API_KEYS.split(',').map((key) => key.trim()).filter(Boolean)),
    rateLimitWindowMs: env.RATE_LIMIT_WINDOW_MS,
    corsOrigins: env.CORS_ORIGINS.trim() === '*' ? '*' : env.CORS_ORIGINS.split(',').map((origin) => origin.trim()).filter(Boolean),
    introspection: env.INTROSPECTION,
    logVariables: env.LOG_VARIABLES,
    dbConnectRetries: env.DB_CONNECT_RETRIES,
    dbConnectRetryMs: env.DB_CONNECT_RETRY_MS,
    shutdownTimeoutMs: env.SHUTDOWN_TIMEOUT_MS,
    responseCache: env.RESPONSE_CACHE,
    responseCacheMaxEntries: env.RESPONSE_CACHE_MAX_ENTRIES,
    responseCacheListenUrl: env.RESPONSE_CACHE_LISTEN_URL,
    compileQueriesAfter: env.COMPILE_QUERIES_AFTER,
    exportTimeoutMs: env.EXPORT_TIMEOUT_MS,
  };
}

import os from 'node:os';
import { Client } from 'pg';
import { loadConfig } from '../config';
import { EmbeddedPostgres } from './embedded-postgres';

/** The database the API runs on: the one `DATABASE_URL` names, or one on the embedded PostgreSQL. */
export interface DatabaseHandle {
  url: string;
  embedded?: EmbeddedPostgres;
  /** Lets go of the embedded PostgreSQL: stops it unless another command of this project still uses it. */
  close(): Promise<void>;
}

export const EMBEDDED_DATABASE_NAME = 'interreg_kb';

export interface OpenDatabaseOptions {
  databaseUrl?: string;
  embeddedDataDir: string;
  /** See EmbeddedPostgresOptions.fallbackDataDir. */
  embeddedFallbackDataDir?: string;
  log?: (line: string) => void;
  notice?: (line: string) => void;
  /** Create DATABASE_URL's database when missing (main.ts does it itself, between retries). */
  ensureExists?: boolean;
}

export async function openDatabase(options: OpenDatabaseOptions): Promise<DatabaseHandle> {
  if (options.databaseUrl) {
    if (options.ensureExists !== false) await ensureDatabaseExists(options.databaseUrl);
    return { url: options.databaseUrl, close: async () => undefined };
  }
  const embedded = new EmbeddedPostgres({
    dataDir: options.embeddedDataDir,
    fallbackDataDir: options.embeddedFallbackDataDir,
    log: options.log,
    notice: options.notice,
  });
  await embedded.start();
  try {
    const url = embedded.url(EMBEDDED_DATABASE_NAME);
    await ensureDatabaseExists(url);
    return { url, embedded, close: () => embedded.stop() };
  } catch (error) {
    await embedded.stop();
    throw error;
  }
}

/**
 * How long a first connection may take: a server behind a firewall that drops packets is otherwise waited
 * for as long as the system's TCP timeout (about two minutes) on each of the start's attempts.
 */
export const CONNECT_TIMEOUT_MS = 10_000;

export function quoteIdentifier(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/** Connects to the server's maintenance database, so that the target database can be created or dropped. */
export async function withMaintenanceClient<T>(databaseUrl: string, work: (client: Client, database: string) => Promise<T>): Promise<T> {
  const url = new URL(databaseUrl);
  const database = decodeURIComponent(url.pathname.replace(/^\//, ''));
  if (!database) throw new Error(`DATABASE_URL names no database: ${url.origin}`);
  url.pathname = '/postgres';
  const client = new Client({ connectionString: url.toString(), connectionTimeoutMillis: CONNECT_TIMEOUT_MS });
  await client.connect();
  try {
    return await work(client, database);
  } finally {
    await client.end();
  }
}

/**
 * Creates the database a URL names when it does not exist yet, so a fresh server needs no manual step.
 * It connects to that database first: a server that lets this user into its database but not into the
 * maintenance one (a managed or hardened server) needs nothing created.
 */
export async function ensureDatabaseExists(databaseUrl: string): Promise<void> {
  const probe = new Client({ connectionString: databaseUrl, connectionTimeoutMillis: CONNECT_TIMEOUT_MS });
  try {
    await probe.connect();
    return;
  } catch (error) {
    // 3D000: the database does not exist. Anything else (unreachable, refused) is the caller's to handle.
    if ((error as { code?: string }).code !== '3D000') throw error;
  } finally {
    await probe.end().catch(() => undefined);
  }
  await withMaintenanceClient(databaseUrl, async (client, database) => {
    const found = await client.query('select 1 from pg_database where datname = $1', [database]);
    if (found.rowCount === 0) {
      try {
        await client.query(`create database ${quoteIdentifier(database)}`);
      } catch (error) {
        // Another process may have created it between our check and our create: 42P04 once it has, 23505
        // (pg_database's unique name) while its create is still under way.
        if (!['42P04', '23505'].includes((error as { code?: string }).code ?? '')) throw error;
      }
    }
  });
}

export async function dropDatabase(databaseUrl: string): Promise<void> {
  await withMaintenanceClient(databaseUrl, async (client, database) => {
    await client.query(`drop database if exists ${quoteIdentifier(database)} with (force)`);
  });
}

/** The URL of another database on the same server, with the same user, options and query string. */
export function databaseUrl(serverUrl: string, database: string): string {
  const url = new URL(serverUrl);
  url.pathname = `/${encodeURIComponent(database)}`;
  return url.toString();
}

/** Creates `target` as a copy of `template` on the same server (used by the tests for isolation). */
export async function cloneDatabase(templateUrl: string, target: string): Promise<string> {
  return withMaintenanceClient(templateUrl, async (client, template) => {
    await client.query(`drop database if exists ${quoteIdentifier(target)} with (force)`);
    await client.query(`create database ${quoteIdentifier(target)} template ${quoteIdentifier(template)}`);
    return databaseUrl(templateUrl, target);
  });
}

/**
 * The signals that stop the API and the commands in order: SIGHUP too (its terminal closed, an SSH session
 * dropped), whose default ended the process and left a detached embedded PostgreSQL running.
 */
export const STOP_SIGNALS = ['SIGTERM', 'SIGINT', 'SIGHUP'] as const;

/**
 * Listens to the stop signals: the first runs `stop`, then ends the process with the signal's exit
 * status (130 for SIGINT); a second ends it at once. `exiting` is that end once a signal came (it never
 * resolves: the process ends), for work that must not go on meanwhile; `stopListening` gives the
 * listeners back.
 */
export function onStopSignals(stop: (signal: NodeJS.Signals) => Promise<unknown>): { exiting: () => Promise<never> | undefined; stopListening: () => void } {
  let exiting: Promise<never> | undefined;
  const onSignal = (signal: NodeJS.Signals) => {
    const status = 128 + os.constants.signals[signal];
    if (exiting) {
      console.error(`${signal} received again: stopping now`);
      process.exit(status);
    }
    exiting = stop(signal)
      .catch(() => undefined)
      .then(() => process.exit(status));
  };
  for (const signal of STOP_SIGNALS) process.on(signal, onSignal);
  return {
    exiting: () => exiting,
    stopListening: () => {
      for (const signal of STOP_SIGNALS) process.off(signal, onSignal);
    },
  };
}

/**
 * Runs `work` with a database for command-line tools: the configured one, or the embedded one (started
 * and stopped around the work). With `fresh`, a scratch database on the same server, dropped afterwards.
 *
 * A signal (Ctrl-C, SIGTERM, SIGHUP) ends the command with the signal's exit status (130 for SIGINT), once the
 * embedded PostgreSQL has been let go (stopped unless another command of this project still uses it); one
 * that comes while the server starts lets it start, then stops it, and the work never begins. Node's
 * default would end the process at once and leave the detached server running, holding its port and
 * memory until a later command adopted it. The work is not waited for: it is told through `stopped`
 * (aborted first: a child process spawned with it is sent its kill signal before the database goes), and its statements end
 * with the server, or with the process when DATABASE_URL names the server (a generation then leaves its
 * database half written, replaced by the next); a scratch database is dropped first. A second signal ends
 * the process at once.
 */
export async function withDatabase<T>(options: { fresh?: boolean }, work: (url: string, stopped: AbortSignal) => Promise<T>): Promise<T> {
  const config = loadConfig();
  const stop = new AbortController();
  let scratch: Promise<string> | undefined;
  let released: Promise<void> | undefined;
  // Once, whoever asks first: the work's end, or a signal (during the work, or during this release).
  const release = () =>
    (released ??= (async () => {
      const handle = await opened;
      try {
        const scratchUrl = await scratch?.catch(() => undefined);
        if (scratchUrl) await dropDatabase(scratchUrl);
      } finally {
        await handle.close();
      }
    })());
  // Listened to before the server starts: its start runs initdb before it first waits, and a signal
  // meanwhile, with no listener, would end the process at once.
  const signals = onStopSignals((signal) => {
    console.error(`${signal} received: letting go of the database, then stopping`);
    stop.abort();
    return release();
  });
  const exiting = () => signals.exiting();
  const opened = openDatabase({ databaseUrl: config.databaseUrl, embeddedDataDir: config.embeddedDataDir, embeddedFallbackDataDir: config.embeddedFallbackDataDir });
  try {
    const { url } = await opened;
    // Signalled while the server started: the work does not begin.
    await exiting();
    if (!options.fresh) return await work(url, stop.signal);
    scratch = cloneDatabase(databaseUrl(url, 'template1'), `interreg_kb_scratch_${process.pid}`);
    const scratchUrl = await scratch;
    await exiting();
    return await work(scratchUrl, stop.signal);
  } finally {
    // Signalled: the work failed or ended as its server went; the process ends with the signal's status.
    await exiting();
    try {
      await release();
    } finally {
      // Also when the database never opened, or its release failed: the error is the command's to report.
      signals.stopListening();
    }
  }
}

/**
 * `npm start`: reads the configuration, starts the database (the one DATABASE_URL names, or the
 * embedded PostgreSQL), applies the migrations, loads the seeds into an empty database, and serves the
 * API until SIGTERM, SIGINT or SIGHUP, then shuts down in order.
 */
import 'reflect-metadata';
import pino from 'pino';
import type { MikroORM } from '@mikro-orm/postgresql';
import { Config, ConfigError, loadConfig } from './config';
import { ensureDatabaseExists, openDatabase, STOP_SIGNALS } from './db/database';
import { EmbeddedPostgresError } from './db/embedded-postgres';
import { databaseUnavailable } from './db/failures';
import { openOrm } from './db/orm';
import { Programme } from './modules/programme/programme.entity';
import { seed } from './seeds/write';
import { createServer, GRAPHQL_PATH } from './server';

/**
 * A database that is not up yet (a container starting beside us) gets a few tries, each said in the log;
 * then we stop with a message that says what to check. A server that answers and refuses (a wrong
 * password, an unknown user, a migration that fails) is not retried: waiting would not change it.
 */
async function connectWithRetries(url: string, config: Config, logger: pino.Logger): Promise<MikroORM> {
  const target = new URL(url);
  const where = `${target.hostname}:${target.port || 5432}${target.pathname}`;
  for (let attempt = 1; ; attempt++) {
    try {
      await ensureDatabaseExists(url);
      return await openOrm(url, { statementTimeoutMs: config.statementTimeoutMs });
    } catch (error) {
      const reason = (error as Error).message.split('\n')[0];
      if (!databaseUnavailable(error)) {
        throw new DatabaseStartError(`PostgreSQL at ${where} answered but the start cannot go on: ${reason}. Check DATABASE_URL and the server's log.`);
      }
      if (attempt > config.dbConnectRetries) {
        throw new DatabaseStartError(
          `Cannot reach PostgreSQL at ${where} after ${attempt} attempts (${reason}). Check that it runs and that DATABASE_URL is right.`,
        );
      }
      logger.warn({ attempt, of: config.dbConnectRetries + 1, reason }, `PostgreSQL at ${where} is not reachable yet; retrying in ${config.dbConnectRetryMs} ms`);
      await new Promise((resolve) => setTimeout(resolve, config.dbConnectRetryMs));
    }
  }
}

/** A start that cannot go on for a reason the message says (printed without a stack). */
class DatabaseStartError extends Error {}

async function main(): Promise<void> {
  const config = loadConfig();
  const logger = pino({ level: config.logLevel });
  // A signal while the database starts (the embedded one's initdb and start take seconds on a first run)
  // is kept until it has: Node's default would end us there, leaving a detached PostgreSQL running.
  let signalledWhileStarting: NodeJS.Signals | undefined;
  const whileStarting = (signal: NodeJS.Signals) => {
    signalledWhileStarting ??= signal;
    logger.info(`${signal} received while the database starts: stopping as soon as it has`);
  };
  for (const signal of STOP_SIGNALS) process.on(signal, whileStarting);
  const database = await openDatabase({
    databaseUrl: config.databaseUrl,
    embeddedDataDir: config.embeddedDataDir,
    embeddedFallbackDataDir: config.embeddedFallbackDataDir,
    log: (line) => logger.debug({ component: 'embedded-postgres' }, line),
    notice: (line) => logger.warn({ component: 'embedded-postgres' }, line),
    ensureExists: false,
  });
  logger.info(database.embedded ? `embedded PostgreSQL on port ${database.embedded.port}, data in ${database.embedded.dataDir}` : 'using DATABASE_URL');

  // From here on, whatever stops the process (a signal, a failed start) closes what is open, newest
  // first, and always lets go of the embedded PostgreSQL, which stops it unless another command of this
  // project still uses it: it runs detached and would outlive us, holding its data folder.
  let orm: MikroORM | undefined;
  let server: Awaited<ReturnType<typeof createServer>> | undefined;
  let stopping: Promise<never> | undefined;
  const stop = (message: string, code: number, error?: unknown): Promise<never> =>
    (stopping ??= (async () => {
      if (error) logger.error({ err: error }, message);
      else logger.info(message);
      const orderly = async () => {
        await server?.close();
        logger.debug('http server closed');
        await orm?.close();
        logger.debug('database connections closed');
      };
      let clean = true;
      let deadline: NodeJS.Timeout | undefined;
      try {
        await Promise.race([
          orderly(),
          new Promise((_resolve, reject) => {
            // A request that never ends (a client that never reads its download) must not keep the
            // process, and the embedded PostgreSQL with it, running for ever.
            deadline = setTimeout(() => reject(new Error(`still not stopped after ${config.shutdownTimeoutMs} ms`)), config.shutdownTimeoutMs);
          }),
        ]);
      } catch (failure) {
        clean = false;
        logger.error({ err: failure }, 'error while stopping; stopping the database anyway');
      } finally {
        clearTimeout(deadline);
      }
      await database.close().catch((failure: unknown) => {
        clean = false;
        logger.error({ err: failure }, 'error while stopping the database');
      });
      if (clean && code === 0) logger.info('stopped cleanly');
      process.exit(clean ? code : 1);
    })());
  for (const signal of STOP_SIGNALS) {
    process.off(signal, whileStarting);
    process.on(signal, () => void stop(`${signal} received: finishing requests in flight, then stopping`, 0));
  }
  if (signalledWhileStarting) {
    await stop(`${signalledWhileStarting} received while starting: stopping`, 0);
    return;
  }

  try {
    orm = await connectWithRetries(database.url, config, logger);
    if (config.seedOnEmpty && (await orm.em.fork().count(Programme)) === 0) {
      const result = await seed(orm.em.fork());
      logger.info({ counts: result.counts }, 'the database was empty: loaded the seeds');
    }
    server = await createServer({ orm, config, logger });
    await server.listen({ port: config.port, host: config.host });
  } catch (error) {
    // A signal during the start has already begun stopping: the failure it causes is part of that.
    if (stopping) return;
    const expected = error instanceof DatabaseStartError;
    if (expected) console.error(`Cannot start: ${(error as Error).message}`);
    await stop('the start failed: stopping what was started', 1, expected ? undefined : error);
  }
  logger.info(`Interreg knowledge base: http://${config.host === '0.0.0.0' ? 'localhost' : config.host}:${config.port}${GRAPHQL_PATH}`);
}

main().catch((error) => {
  const expected = error instanceof ConfigError || error instanceof EmbeddedPostgresError;
  console.error(expected ? `Cannot start: ${error.message}` : error);
  process.exit(1);
});

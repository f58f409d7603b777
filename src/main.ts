/**
 * `npm start`: reads the configuration, starts the database (the one DATABASE_URL names, or the
 * embedded PostgreSQL), applies the migrations, loads the seeds into an empty database, and serves the
 * API until SIGTERM or SIGINT, then shuts down in order.
 */
import 'reflect-metadata';
import pino from 'pino';
import type { MikroORM } from '@mikro-orm/postgresql';
import { Config, ConfigError, loadConfig } from './config';
import { ensureDatabaseExists, openDatabase } from './db/database';
import { EmbeddedPostgresError } from './db/embedded-postgres';
import { openOrm } from './db/orm';
import { Programme } from './modules/programme/programme.entity';
import { seed } from './seeds/write';
import { createServer, GRAPHQL_PATH } from './server';

/**
 * A database that is not up yet (a container starting beside us) gets a few tries, each said in the log;
 * then we stop with a message that says what to check.
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
      if (attempt > config.dbConnectRetries) {
        throw new DatabaseUnreachableError(
          `Cannot reach PostgreSQL at ${where} after ${attempt} attempts (${reason}). Check that it runs and that DATABASE_URL is right.`,
        );
      }
      logger.warn({ attempt, of: config.dbConnectRetries + 1, reason }, `PostgreSQL at ${where} is not reachable yet; retrying in ${config.dbConnectRetryMs} ms`);
      await new Promise((resolve) => setTimeout(resolve, config.dbConnectRetryMs));
    }
  }
}

class DatabaseUnreachableError extends Error {}

async function main(): Promise<void> {
  const config = loadConfig();
  const logger = pino({ level: config.logLevel });
  const database = await openDatabase({
    databaseUrl: config.databaseUrl,
    embeddedDataDir: config.embeddedDataDir,
    log: (line) => logger.debug({ component: 'embedded-postgres' }, line),
    notice: (line) => logger.warn({ component: 'embedded-postgres' }, line),
    ensureExists: false,
  });
  logger.info(database.embedded ? `embedded PostgreSQL on port ${database.embedded.port}, data in ${config.embeddedDataDir}` : 'using DATABASE_URL');
  const orm = await connectWithRetries(database.url, config, logger).catch(async (error) => {
    await database.close();
    throw error;
  });
  if (config.seedOnEmpty && (await orm.em.fork().count(Programme)) === 0) {
    const result = await seed(orm.em.fork());
    logger.info({ counts: result.counts }, 'the database was empty: loaded the seeds');
  }
  const server = await createServer({ orm, config, logger });
  await server.listen({ port: config.port, host: config.host });
  logger.info(`Interreg knowledge base: http://${config.host === '0.0.0.0' ? 'localhost' : config.host}:${config.port}${GRAPHQL_PATH}`);

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info(`${signal} received: finishing requests in flight, then stopping`);
    try {
      await server.close();
      logger.debug('http server closed');
      await orm.close();
      logger.debug('database connections closed');
      await database.close();
      logger.info('stopped cleanly');
      process.exit(0);
    } catch (error) {
      logger.error({ err: error }, 'error while stopping');
      process.exit(1);
    }
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
}

main().catch((error) => {
  const expected = error instanceof ConfigError || error instanceof EmbeddedPostgresError || error instanceof DatabaseUnreachableError;
  console.error(expected ? `Cannot start: ${error.message}` : error);
  process.exit(1);
});

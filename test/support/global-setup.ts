import 'reflect-metadata';
import os from 'node:os';
import path from 'node:path';
import fs from 'node:fs';
import { randomBytes } from 'node:crypto';
import { databaseUrl, dropDatabase, ensureDatabaseExists, onStopSignals } from '../../src/db/database';
import { EmbeddedPostgres } from '../../src/db/embedded-postgres';
import { openOrm } from '../../src/db/orm';
import { seed } from '../../src/seeds/write';
import globalTeardown from './global-teardown';

declare global {
  // Shared with global-teardown.ts (same process).
  var __KB_TEST_EMBEDDED__: EmbeddedPostgres | undefined;
  var __KB_TEST_TEMPLATE_URL__: string | undefined;
  var __KB_TEST_DATA_DIR__: string | undefined;
}

/**
 * Starts the database the tests use (the embedded PostgreSQL in a temporary folder, unless
 * TEST_DATABASE_URL or DATABASE_URL names a server), and builds a migrated, seeded template database
 * that each test file clones.
 */
export default async function globalSetup(): Promise<void> {
  const external = process.env.TEST_DATABASE_URL ?? process.env.DATABASE_URL;
  let serverUrl: string;
  if (external) {
    serverUrl = external;
  } else {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'interreg-kb-test-pg-'));
    fs.chmodSync(dataDir, 0o755);
    const embedded = new EmbeddedPostgres({ dataDir: path.join(dataDir, 'data') });
    await embedded.start();
    globalThis.__KB_TEST_EMBEDDED__ = embedded;
    globalThis.__KB_TEST_DATA_DIR__ = dataDir;
    serverUrl = embedded.url('postgres');
  }
  // Unique to this run even among runs sharing one server (containers often reuse process ids).
  const run = `kbtest_${process.pid}_${randomBytes(4).toString('hex')}`;
  const templateUrl = databaseUrl(serverUrl, `${run}_template`);
  try {
    await dropDatabase(templateUrl);
    await ensureDatabaseExists(templateUrl);
    const orm = await openOrm(templateUrl);
    try {
      await seed(orm.em.fork());
    } finally {
      await orm.close();
    }
  } catch (error) {
    // Jest runs no teardown after a failed setup: stop the server started above, which would outlive it.
    await globalTeardown();
    throw error;
  }
  // MikroORM keeps process-wide registries under these keys; an in-band test run would inherit them.
  for (const key of Object.keys(globalThis)) {
    if (key.startsWith('mikro-orm-')) delete (globalThis as Record<string, unknown>)[key];
  }
  globalThis.__KB_TEST_TEMPLATE_URL__ = templateUrl;
  process.env.KB_TEST_TEMPLATE_URL = templateUrl;
  process.env.KB_TEST_RUN = run;
  // Ctrl-C ends Jest without its teardown (it listens to no signal): the detached server and this run's
  // databases outlived every interrupted run. Torn down here instead; then the run ends as the signal
  // would have ended it. A second signal ends it at once.
  onStopSignals(async (signal) => {
    console.error(`\n${signal} received: dropping this run's databases and stopping its PostgreSQL`);
    await globalTeardown();
  });
}

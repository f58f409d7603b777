import fs from 'node:fs';
import { quoteIdentifier, withMaintenanceClient } from '../../src/db/database';

/** Drops every database this run created, then stops the embedded PostgreSQL if one was started. */
export default async function globalTeardown(): Promise<void> {
  const templateUrl = globalThis.__KB_TEST_TEMPLATE_URL__;
  const run = process.env.KB_TEST_RUN;
  if (templateUrl && run) {
    await withMaintenanceClient(templateUrl, async (client) => {
      // This run's databases only: `_` is a wildcard of LIKE, and a run's name must not match as the prefix of
      // another's (kbtest_12_... is not kbtest_123_...).
      const ownPrefix = `${run}_`.replace(/[\\_%]/g, '\\$&');
      const { rows } = await client.query<{ datname: string }>('select datname from pg_database where datname like $1', [`${ownPrefix}%`]);
      for (const { datname } of rows) await client.query(`drop database if exists ${quoteIdentifier(datname)} with (force)`);
    });
  }
  await globalThis.__KB_TEST_EMBEDDED__?.stop();
  if (globalThis.__KB_TEST_DATA_DIR__) fs.rmSync(globalThis.__KB_TEST_DATA_DIR__, { recursive: true, force: true });
}

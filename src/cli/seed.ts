/**
 * `npm run seed [-- --dir <folder>]`: loads the YAML seed files into the database (the configured one,
 * or the embedded one) in one transaction. Running it again with the same files changes nothing.
 */
import 'reflect-metadata';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { withDatabase } from '../db/database';
import { openOrm } from '../db/orm';
import { SeedError } from '../seeds/load';
import { isCommandLineError } from './command-line';
import { DEFAULT_SEED_DIRECTORY, planSeeds, writeSeedPlan } from '../seeds/write';

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { dir: { type: 'string' } } });
  const directory = values.dir ? path.resolve(values.dir) : DEFAULT_SEED_DIRECTORY;
  // Read and checked whole before a database is started for it: a folder without seed files, or a file
  // with a mistake, is said at once.
  const plan = planSeeds(directory);
  await withDatabase({}, async (url) => {
    const orm = await openOrm(url);
    try {
      const started = Date.now();
      const result = await writeSeedPlan(orm.em.fork(), plan);
      const counts = Object.entries(result.counts).map(([table, count]) => `${table} ${count}`).join(', ');
      console.log(`Seeded from ${directory} in ${Date.now() - started} ms: ${counts}; removed ${result.removed} stale rows.`);
    } finally {
      await orm.close();
    }
  });
}

main().catch((error) => {
  if (isCommandLineError(error)) console.error(`${error.message}\nUsage: npm run seed [-- --dir <folder>]`);
  else console.error(error instanceof SeedError ? error.message : error);
  process.exit(1);
});

/**
 * `npm run generate [-- --scale 1 --seed 1 --database interreg_kb_bench]`: a deterministic synthetic
 * dataset at keep.eu's scale (scale 1: about 33,000 projects, 93,000 organisations, 390 programmes) in
 * its own database (created, migrated and seeded first; replaced when it exists), with a progress bar and
 * the load time, then vacuumed.
 */
import 'reflect-metadata';
import { SingleBar } from 'cli-progress';
import { parseArgs } from 'node:util';
import { invalidOption, isCommandLineError, positiveNumber, wholeNumber } from './command-line';
import { databaseUrl, dropDatabase, ensureDatabaseExists, withDatabase } from '../db/database';
import { openOrm } from '../db/orm';
import { BENCH_DATABASE, generate, VACUUM_STEP } from '../generate/synthetic';
import { seed } from '../seeds/write';

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { scale: { type: 'string', default: '1' }, seed: { type: 'string', default: '1' }, database: { type: 'string', default: BENCH_DATABASE } },
  });
  const scale = positiveNumber('scale', values.scale);
  const seedNumber = wholeNumber('seed', values.seed, Number.MIN_SAFE_INTEGER);
  // The generator drops its database and makes it again: it writes only to databases named for it, so that a
  // mistyped `--database interreg_kb` cannot drop the API's own data.
  if (!values.database!.startsWith(BENCH_DATABASE)) {
    throw invalidOption(`--database must name a database of the generator's, starting with "${BENCH_DATABASE}" (it is dropped and made again); got ${JSON.stringify(values.database)}.`);
  }
  await withDatabase({}, async (serverUrl) => {
    const url = databaseUrl(serverUrl, values.database!);
    await dropDatabase(url);
    await ensureDatabaseExists(url);
    const orm = await openOrm(url);
    try {
      await seed(orm.em.fork());
      const bar = new SingleBar({ format: 'generating [{bar}] {value}/{total} {step}', hideCursor: true });
      const started = Date.now();
      let vacuumStarted = 0;
      let total = 0;
      await generate(orm.em.fork(), { scale, seed: seedNumber }, (step, index, count) => {
        total = count;
        if (step === VACUUM_STEP) vacuumStarted = Date.now();
        if (index === 0) bar.start(count, 0, { step: step.name });
        else bar.update(index, { step: step.name });
      });
      bar.update(total, { step: 'done' });
      bar.stop();
      const seconds = ((vacuumStarted - started) / 1000).toFixed(1);
      const vacuumSeconds = ((Date.now() - vacuumStarted) / 1000).toFixed(1);
      const counts = await orm.em.getConnection().execute(`select
        (select count(*) from programme)::int as programmes, (select count(*) from project)::int as projects,
        (select count(*) from organisation)::int as organisations, (select count(*) from participation)::int as participations,
        (select count(*) from territory)::int as territories, (select count(*) from claim)::int as claims`);
      console.log(`Generated scale ${scale} (seed ${seedNumber}) into ${values.database} in ${seconds} s, vacuumed in ${vacuumSeconds} s: ${JSON.stringify(counts[0])}`);
    } finally {
      await orm.close();
    }
  });
}

main().catch((error) => {
  if (isCommandLineError(error)) console.error(`${error.message}\nUsage: npm run generate [-- --scale <n> --seed <n> --database <name>]`);
  else console.error(error);
  process.exit(1);
});

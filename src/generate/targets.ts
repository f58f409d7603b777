/**
 * The benchmark's targets (issue 6: fast at scale), read from one run's measures, so that every run of
 * `npm run bench` says which hold on the machine it ran on. Statements bounded by the query's depth are
 * not among them: one run cannot tell that (test/statement-count.test.ts and test/no-n-plus-one.test.ts
 * compare 10 and 1,000 parent rows).
 */

import { FLOOR_OPERATION, LIST_PAGE_KEY, LIST_PROJECTS_ALONE_KEY } from './plans';

/** What the targets read of an operation's run. */
export interface MeasuredOperation {
  /** The operation's short name (`list`, `search`, `floor`...). */
  key: string;
  uncached: {
    requestsPerSecond: number;
    p99Ms: number;
    errors: number;
    /** CPU time a request of the API's JavaScript thread, and the share of the time it ran; where /proc told. */
    apiThreadCpuMs?: number | null;
    apiThreadBusyPercent?: number | null;
  };
  cached: { requestsPerSecond: number; errors: number };
  /** Its statements replayed without the API (`StatementReplay`), where the run measured that. */
  sqlAlone?: { requestsPerSecond: number; cpuBoundRequestsPerSecond: number | null } | null;
}

export interface TargetVerdict {
  target: string;
  holds: boolean;
  /** The measures the verdict was read from. */
  measured: string;
}

/** Every operation's p99 must stay under this, fresh, with 10 connections. */
export const P99_LIMIT_MS = 100;
/** The list page's fresh rate against the floor's. */
export const LIST_FRESH_SHARE = 0.2;
/** The list page's rate from the response cache against the floor's fresh rate. */
export const LIST_CACHED_SHARE = 0.7;

/**
 * The verdicts on the targets for `results`, against `floor` (the floor's mean fresh rate). The targets of
 * operations a run did not measure (the list page's, or every operation's for a run of the floor alone)
 * are left out.
 */
export function targetVerdicts(results: MeasuredOperation[], floor: number): TargetVerdict[] {
  const operations = results.filter((result) => result.key !== FLOOR_OPERATION.key);
  // One decimal: rounded to a whole percent, 19.6% would read as the 20% it misses.
  const percent = (rate: number) => `${Math.round((1000 * rate) / floor) / 10}%`;
  const verdicts: TargetVerdict[] = [];
  if (operations.length > 0) {
    verdicts.push({
      target: `every operation's p99 under ${P99_LIMIT_MS} ms (fresh)`,
      holds: operations.every((result) => result.uncached.p99Ms < P99_LIMIT_MS),
      measured: operations.map((result) => `${result.key} ${result.uncached.p99Ms} ms`).join(', '),
    });
  }
  verdicts.push({
    target: 'no errors',
    holds: results.every((result) => result.uncached.errors + result.cached.errors === 0),
    measured: `${results.reduce((sum, result) => sum + result.uncached.errors + result.cached.errors, 0)} errors`,
  });
  const list = operations.find((result) => result.key === LIST_PAGE_KEY);
  if (list) {
    const alone = list.sqlAlone;
    const cpuBound = alone?.cpuBoundRequestsPerSecond ?? null;
    const sqlAlone = alone
      ? `; its SQL alone, without the API, ${alone.requestsPerSecond} req/s, ${percent(alone.requestsPerSecond)}` +
        (cpuBound === null ? '' : `, CPU-bound ${cpuBound} req/s, ${percent(cpuBound)}`)
      : '';
    const thread = apiThreadShare(list, results.filter((result) => result.key === FLOOR_OPERATION.key), floor);
    const projectsAlone = operations.find((result) => result.key === LIST_PROJECTS_ALONE_KEY);
    const withoutRelations = projectsAlone
      ? `; its projects alone, without their relations, ${projectsAlone.uncached.requestsPerSecond} req/s, ${percent(projectsAlone.uncached.requestsPerSecond)}`
      : '';
    verdicts.push(
      {
        target: `the list page fresh at ${100 * LIST_FRESH_SHARE}% of the floor or more`,
        holds: list.uncached.requestsPerSecond >= LIST_FRESH_SHARE * floor,
        measured: `${list.uncached.requestsPerSecond} req/s, ${percent(list.uncached.requestsPerSecond)}${thread}${sqlAlone}${withoutRelations}`,
      },
      {
        target: `the list page from the response cache at ${100 * LIST_CACHED_SHARE}% of the floor or more`,
        holds: list.cached.requestsPerSecond >= LIST_CACHED_SHARE * floor,
        measured: `${list.cached.requestsPerSecond} req/s, ${percent(list.cached.requestsPerSecond)}`,
      },
    );
  }
  return verdicts;
}

/**
 * What the API's JavaScript thread spent on a list page, against what the target leaves it. One thread
 * runs every request's JavaScript, so a rate of R pages a second can take it at most 1000 / R ms a page,
 * however idle the other cores are: the bound holds whatever else limits the rate, and it is the one that
 * does when the thread is busy all the time.
 */
function apiThreadShare(list: MeasuredOperation, floors: MeasuredOperation[], floor: number): string {
  const { apiThreadCpuMs, apiThreadBusyPercent } = list.uncached;
  if (apiThreadCpuMs == null || apiThreadBusyPercent == null) return '';
  const floorMs = floors.map((result) => result.uncached.apiThreadCpuMs);
  const floorCost = floorMs.length > 0 && floorMs.every((ms) => ms != null)
    ? ` (the floor's ${round((floorMs as number[]).reduce((sum, ms) => sum + ms, 0) / floorMs.length)} ms)`
    : '';
  const allowed = round(1000 / (LIST_FRESH_SHARE * floor));
  return `; the API's JavaScript thread busy ${apiThreadBusyPercent}%, ${apiThreadCpuMs} ms a page${floorCost}, where ${100 * LIST_FRESH_SHARE}% of the floor allows it ${allowed} ms`;
}

/** Milliseconds to the thousandth, as the bench reports CPU times. */
function round(ms: number): number {
  return Math.round(1000 * ms) / 1000;
}

/** The verdicts as Markdown lines. */
export function targetLines(verdicts: TargetVerdict[]): string[] {
  return verdicts.map((verdict) => `- ${verdict.holds ? 'holds' : '**missed**'}: ${verdict.target} (${verdict.measured}).`);
}

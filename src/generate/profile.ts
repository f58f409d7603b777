/** A V8 CPU profile (the inspector's `Profiler.stop`), as far as the shares read it. */
export interface Profile {
  nodes: Array<{ id: number; callFrame: { functionName: string; url: string; lineNumber?: number } }>;
  samples: number[];
  /** Microseconds from the sample before (for the first sample, from the profile's start). */
  timeDeltas: number[];
}

/**
 * Samples that are not the process's own work: V8 charges to `writev` the wall time a thread spends in that
 * system call, preempted by the database or the load generator (the API's system time, from /proc, is a
 * tenth of a list page's CPU), and idle and program samples are time outside JavaScript.
 */
const NOT_BUSY = new Set(['writev', '(idle)', '(program)']);

/** The package a frame's code belongs to, `app` for this project's, `node` for Node's own, else V8's name. */
function partOf(frame: Profile['nodes'][number]['callFrame']): string {
  const dependency = frame.url.match(/node_modules\/((?:@[^/]+\/)?[^/]+)/);
  if (dependency) return dependency[1];
  if (frame.url.includes('/src/')) return 'app';
  if (frame.url.startsWith('node:')) return 'node';
  return frame.functionName.startsWith('(') ? frame.functionName : 'native';
}

/**
 * Where a frame's code is: its file (the path from its package on, or from the build's `dist/`, whose
 * JavaScript the line numbers are of: the profiler applies no source maps) and line, or its part alone.
 */
function placeOf(frame: Profile['nodes'][number]['callFrame']): string {
  if (!frame.url) return partOf(frame);
  const dependency = frame.url.match(/node_modules\/(.*)$/);
  const inProject = frame.url.match(/^.*\/(dist\/src\/.*)$/) ?? frame.url.match(/^.*\/(src\/.*)$/);
  const file = dependency?.[1] ?? inProject?.[1] ?? frame.url;
  return frame.lineNumber === undefined ? file : `${file}:${frame.lineNumber + 1}`;
}

export interface ProfileShares {
  busyMsPerRequest: number;
  /** Each part's share of the busy samples (a package, `app`, `node`, or V8's own), largest first. */
  parts: Array<{ part: string; percent: number }>;
  /** The functions with the most busy samples of their own (self time), largest first. */
  functions: Array<{ function: string; place: string; percent: number }>;
}

/** How many of the busiest functions a profile's shares name. */
const MOST_FUNCTIONS = 15;

/**
 * Each part's and the busiest functions' shares of a profile's busy samples, and the busy time per request.
 *
 * A sample stands for the time until the next one, as Chrome's DevTools reads a profile; the last one, whose
 * next is the end of profiling, for none. The first delta, from the profile's start to the first sample, is
 * the inspector starting the profiler (about 120 ms here, in its `dispatch`), no request's work: charged to
 * a sample, it would add 0.03 ms to each of 4,000 requests, a third of the floor's busy time.
 */
export function profileShares(profile: Profile, requests: number): ProfileShares {
  const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
  const byPart = new Map<string, number>();
  const byFunction = new Map<string, { function: string; place: string; time: number }>();
  let busy = 0;
  profile.samples.forEach((id, index) => {
    const frame = nodes.get(id)!.callFrame;
    if (NOT_BUSY.has(frame.functionName)) return;
    const elapsed = profile.timeDeltas[index + 1] ?? 0;
    const part = partOf(frame);
    busy += elapsed;
    byPart.set(part, (byPart.get(part) ?? 0) + elapsed);
    // A function is one place in the code: the profile has a node for each of its callers.
    const place = placeOf(frame);
    const name = frame.functionName || '(anonymous)';
    const key = `${name} ${place}`;
    const entry = byFunction.get(key) ?? byFunction.set(key, { function: name, place, time: 0 }).get(key)!;
    entry.time += elapsed;
  });
  const percent = (time: number) => (busy === 0 ? 0 : Math.round((1000 * time) / busy) / 10);
  const parts = [...byPart].map(([part, time]) => ({ part, percent: percent(time) })).sort((a, b) => b.percent - a.percent);
  const functions = [...byFunction.values()]
    .sort((a, b) => b.time - a.time)
    .slice(0, MOST_FUNCTIONS)
    .map((entry) => ({ function: entry.function, place: entry.place, percent: percent(entry.time) }));
  return { busyMsPerRequest: Math.round(busy / requests) / 1000, parts, functions };
}

/** A V8 CPU profile (the inspector's `Profiler.stop`), as far as the shares read it. */
export interface Profile {
  nodes: Array<{ id: number; callFrame: { functionName: string; url: string } }>;
  samples: number[];
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

/** Each part's share of a profile's busy samples, largest first, and the busy time per request. */
export function profileShares(profile: Profile, requests: number): { busyMsPerRequest: number; parts: Array<{ part: string; percent: number }> } {
  const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
  const byPart = new Map<string, number>();
  let busy = 0;
  profile.samples.forEach((id, index) => {
    const frame = nodes.get(id)!.callFrame;
    if (NOT_BUSY.has(frame.functionName)) return;
    const elapsed = profile.timeDeltas[index] ?? 0;
    const part = partOf(frame);
    busy += elapsed;
    byPart.set(part, (byPart.get(part) ?? 0) + elapsed);
  });
  const parts = [...byPart]
    .map(([part, time]) => ({ part, percent: busy === 0 ? 0 : Math.round((1000 * time) / busy) / 10 }))
    .sort((a, b) => b.percent - a.percent);
  return { busyMsPerRequest: Math.round(busy / requests) / 1000, parts };
}

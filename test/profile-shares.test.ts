import { profileShares } from '../src/generate/profile';

/** `npm run bench:profile` reads CPU profiles into each library's share of the busy samples. */
describe('profile shares', () => {
  const frame = (functionName: string, url = '', lineNumber?: number) => ({ functionName, url, lineNumber });
  const profile = {
    nodes: [
      { id: 1, callFrame: frame('executeField', 'file:///srv/node_modules/graphql/execution/execute.js', 9) },
      { id: 2, callFrame: frame('runHttpQuery', 'file:///srv/node_modules/@apollo/server/dist/cjs/runHttpQuery.js', 41) },
      { id: 3, callFrame: frame('paginate', 'file:///srv/dist/src/graphql/connection.js', 99) },
      { id: 4, callFrame: frame('writev') },
      { id: 5, callFrame: frame('(idle)') },
      { id: 6, callFrame: frame('(garbage collector)') },
      { id: 7, callFrame: frame('emit', 'node:events', 0) },
      // The same function as node 1, reached from another caller: its samples add up.
      { id: 8, callFrame: frame('executeField', 'file:///srv/node_modules/graphql/execution/execute.js', 9) },
      { id: 9, callFrame: frame('', 'file:///srv/dist/src/graphql/loaders.js', 4) },
      // The inspector starting the profiler: the first sample, long after the profile's start.
      { id: 10, callFrame: frame('dispatch') },
    ],
    samples: [10, 1, 1, 2, 3, 4, 4, 4, 5, 6, 7, 8, 9, 5],
    // A sample stands for the time until the next one. The busiest function comes last but one, so that
    // only the sort puts it first.
    timeDeltas: [118000, 5, 100, 100, 100, 100, 500, 500, 500, 900, 100, 100, 200, 500],
  };

  it('leaves out writev, idle and program samples, and names scoped packages, the app, Node and V8', () => {
    const { busyMsPerRequest, parts } = profileShares(profile, 2);
    // 1,305 µs over 2 requests: the 118 ms before the first sample are not among them.
    expect(busyMsPerRequest).toBe(0.653);
    expect(parts).toEqual([
      { part: 'app', percent: 46 },
      { part: 'graphql', percent: 30.7 },
      { part: '@apollo/server', percent: 7.7 },
      { part: '(garbage collector)', percent: 7.7 },
      { part: 'node', percent: 7.7 },
      { part: 'native', percent: 0.4 },
    ]);
  });

  it("adds up each function's samples over its callers, busiest first, and names where it is", () => {
    const { functions } = profileShares(profile, 2);
    expect(functions).toHaveLength(7);
    expect(functions.slice(0, 3)).toEqual([
      { function: '(anonymous)', place: 'dist/src/graphql/loaders.js:5', percent: 38.3 },
      { function: 'executeField', place: 'graphql/execution/execute.js:10', percent: 30.7 },
      { function: 'runHttpQuery', place: '@apollo/server/dist/cjs/runHttpQuery.js:42', percent: 7.7 },
    ]);
    expect(functions).toContainEqual({ function: 'paginate', place: 'dist/src/graphql/connection.js:100', percent: 7.7 });
    expect(functions).toContainEqual({ function: 'emit', place: 'node:events:1', percent: 7.7 });
    expect(functions).toContainEqual({ function: '(garbage collector)', place: '(garbage collector)', percent: 7.7 });
  });
});

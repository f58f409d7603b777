import { profileShares } from '../src/generate/profile';

/** `npm run bench:profile` reads CPU profiles into each library's share of the busy samples. */
describe('profile shares', () => {
  const frame = (functionName: string, url = '') => ({ functionName, url });
  const profile = {
    nodes: [
      { id: 1, callFrame: frame('executeField', 'file:///srv/node_modules/graphql/execution/execute.js') },
      { id: 2, callFrame: frame('runHttpQuery', 'file:///srv/node_modules/@apollo/server/dist/cjs/runHttpQuery.js') },
      { id: 3, callFrame: frame('paginate', 'file:///srv/dist/src/graphql/connection.js') },
      { id: 4, callFrame: frame('writev') },
      { id: 5, callFrame: frame('(idle)') },
      { id: 6, callFrame: frame('(garbage collector)') },
      { id: 7, callFrame: frame('emit', 'node:events') },
    ],
    samples: [1, 1, 2, 3, 4, 4, 4, 5, 6, 7],
    timeDeltas: [100, 100, 100, 100, 500, 500, 500, 900, 100, 100],
  };

  it('leaves out writev, idle and program samples, and names scoped packages, the app, Node and V8', () => {
    const { busyMsPerRequest, parts } = profileShares(profile, 2);
    expect(busyMsPerRequest).toBe(0.3);
    expect(parts).toEqual([
      { part: 'graphql', percent: 33.3 },
      { part: '@apollo/server', percent: 16.7 },
      { part: 'app', percent: 16.7 },
      { part: '(garbage collector)', percent: 16.7 },
      { part: 'node', percent: 16.7 },
    ]);
  });
});

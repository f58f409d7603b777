import { targetLines, targetVerdicts } from '../src/generate/targets';

/** `npm run bench` says which of issue 6's targets hold in its run. */
describe('bench targets', () => {
  const run = (key: string, fresh: number, p99Ms: number, cached: number, errors = 0) => ({
    key,
    uncached: { requestsPerSecond: fresh, p99Ms, errors },
    cached: { requestsPerSecond: cached, errors: 0 },
  });
  const floor = run('floor', 7000, 3, 14000);

  it('reads each target from the run, against the floor', () => {
    const verdicts = targetVerdicts([floor, run('list', 1500, 40, 9000), run('search', 150, 112, 12000)], 7000);
    expect(verdicts.map(({ holds }) => holds)).toEqual([false, true, true, true]);
    expect(verdicts[0].measured).toBe('list 40 ms, search 112 ms');
    expect(verdicts[2].measured).toBe('1500 req/s, 21.4%');
    expect(verdicts[3].measured).toBe('9000 req/s, 128.6%');
    expect(targetLines(verdicts)[0]).toBe("- **missed**: every operation's p99 under 100 ms (fresh) (list 40 ms, search 112 ms).");
  });

  it('misses the list page below a fifth of the floor fresh or below 70% cached, and on any error', () => {
    const verdicts = targetVerdicts([floor, run('list', 1399, 40, 4899, 1)], 7000);
    expect(verdicts.map(({ target, holds }) => [target, holds])).toEqual([
      ["every operation's p99 under 100 ms (fresh)", true],
      ['no errors', false],
      ['the list page fresh at 20% of the floor or more', false],
      ['the list page from the response cache at 70% of the floor or more', false],
    ]);
  });

  it('leaves the list page out of a run without it, and the p99 out of a run of the floor alone', () => {
    expect(targetVerdicts([floor, run('search', 150, 90, 12000)], 7000).map(({ target }) => target)).toEqual([
      "every operation's p99 under 100 ms (fresh)",
      'no errors',
    ]);
    expect(targetVerdicts([floor, floor], 7000).map(({ target }) => target)).toEqual(['no errors']);
  });

  it('says a share just under the target with its decimal, not rounded up to it', () => {
    const [, , fresh] = targetVerdicts([floor, run('list', 1372, 40, 9000)], 7000);
    expect(fresh).toMatchObject({ holds: false, measured: '1372 req/s, 19.6%' });
  });

  it("names the list page's SQL alone beside its rate, where the run measured it", () => {
    const list = { ...run('list', 800, 25, 16000), sqlAlone: { requestsPerSecond: 1400, cpuBoundRequestsPerSecond: 1750 } };
    const [, , fresh] = targetVerdicts([floor, list], 7000);
    expect(fresh).toMatchObject({ holds: false, measured: '800 req/s, 11.4%; its SQL alone, without the API, 1400 req/s, 20%, CPU-bound 1750 req/s, 25%' });
    // Where /proc could not tell PostgreSQL's CPU (a remote server), the rate alone.
    const [, , remote] = targetVerdicts([floor, { ...list, sqlAlone: { requestsPerSecond: 1400, cpuBoundRequestsPerSecond: null } }], 7000);
    expect(remote.measured).toBe('800 req/s, 11.4%; its SQL alone, without the API, 1400 req/s, 20%');
  });

  it("names what the API's JavaScript thread spent on a list page, against what the target leaves it", () => {
    const withThread = (result: ReturnType<typeof run>, apiThreadCpuMs: number, apiThreadBusyPercent: number) => ({
      ...result,
      uncached: { ...result.uncached, apiThreadCpuMs, apiThreadBusyPercent },
    });
    const floors = [withThread(floor, 0.142, 99), withThread(run('floor', 7400, 3, 14000), 0.134, 98)];
    const [, , fresh] = targetVerdicts([floors[0], withThread(run('list', 800, 25, 16000), 1.21, 97), floors[1]], 7200);
    // 20% of 7,200 req/s is 1,440 pages a second: 1000 / 1440 ms of the thread a page at most.
    expect(fresh.measured).toBe("800 req/s, 11.1%; the API's JavaScript thread busy 97%, 1.21 ms a page (the floor's 0.138 ms), where 20% of the floor allows it 0.694 ms");
    // Where /proc could not tell the floor's thread, the page's alone; where not the page's either, nothing.
    const [, , noFloor] = targetVerdicts([floor, withThread(run('list', 800, 25, 16000), 1.21, 97)], 7000);
    expect(noFloor.measured).toBe("800 req/s, 11.4%; the API's JavaScript thread busy 97%, 1.21 ms a page, where 20% of the floor allows it 0.714 ms");
    const [, , unknown] = targetVerdicts([floor, run('list', 800, 25, 16000)], 7000);
    expect(unknown.measured).toBe('800 req/s, 11.4%');
  });

  it("names the rate of the list page's projects alone beside its own, where the run measured it", () => {
    const [, , fresh] = targetVerdicts([floor, run('list', 800, 25, 16000), run('list-projects', 1330, 12, 17000)], 7000);
    expect(fresh).toMatchObject({ holds: false, measured: '800 req/s, 11.4%; its projects alone, without their relations, 1330 req/s, 19%' });
  });
});

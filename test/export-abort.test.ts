import http from 'node:http';
import { generate } from '../src/generate/synthetic';
import { busyExportSessionsOf, startTestApp, TestApp, waitUntil, whileLocked } from './support/app';

/**
 * A CSV export streams from the database through one pooled connection. A client that abandons the
 * download must not keep that connection: ten such clients would otherwise hold the whole pool, and
 * shutdown would wait for them for ever.
 */
let app: TestApp;
beforeAll(async () => {
  app = await startTestApp();
  // Enough claims (about 9,000) that the export outgrows the socket buffers and waits on the client.
  await generate(app.orm.em.fork(), { scale: 0.02, seed: 1 }, () => undefined);
}, 120_000);
afterAll(() => app.close());

/** The export sessions busy with a statement now. */
const busyExportSessions = () => busyExportSessionsOf(app);

/**
 * Reads the first chunk of a CSV download (an error answered instead fails), then hangs up; gives the
 * export sessions busy at that moment.
 */
function abandon(url: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const request = http.get(url, (response) => {
      if (response.statusCode !== 200 || !String(response.headers['content-type']).startsWith('text/csv')) {
        request.destroy();
        reject(new Error(`not a download: ${response.statusCode} ${response.headers['content-type']}`));
        return;
      }
      response.once('data', () => {
        response.pause();
        busyExportSessions().then((busy) => {
          request.destroy();
          resolve(busy);
        }, reject);
      });
    });
    request.on('error', (error) => (request.destroyed ? undefined : reject(error)));
  });
}

it('gives the connection of an abandoned download back to its pool', async () => {
  const busy = await Promise.all(Array.from({ length: 3 }, () => abandon(`${app.baseUrl}/export/claims.csv`)));
  // The downloads were still streaming from the database when their clients went.
  expect(Math.max(...busy)).toBeGreaterThanOrEqual(1);
  await waitUntil(async () => (await busyExportSessions()) === 0, 15_000);
  expect(await busyExportSessions()).toBe(0);
  // The API's own pool holds no connection for them, and the API still answers.
  expect(app.orm.em.getConnection().getKnex().client.pool.numUsed()).toBe(0);
  const { projects } = await app.data('{ projects(first: 1) { totalCount } }');
  expect(projects.totalCount).toBeGreaterThan(600);
  // A new download still gets a session: `abandon` rejects an answer that is not a download, such as the
  // 503 a download gets when no session comes back to the pool within EXPORT_WAIT_MS.
  await expect(abandon(`${app.baseUrl}/export/claims.csv`)).resolves.toEqual(expect.any(Number));
});

it('answers HEAD with the download\'s headers without running its query', async () => {
  // The claims are locked: a HEAD that ran the download's statement would wait for them.
  await whileLocked(app.databaseUrl, 'claim', async () => {
    const response = await fetch(`${app.baseUrl}/export/claims.csv`, { method: 'HEAD', signal: AbortSignal.timeout(10_000) });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/csv/);
    expect(response.headers.get('content-disposition')).toBe('attachment; filename="claims.csv"');
    expect(await response.text()).toBe('');
  });
});

it('answers 503 with Retry-After when every download session stays busy, and HEAD refuses what GET refuses', async () => {
  // Three downloads wait for a lock on the claims, holding the three sessions.
  const held = await whileLocked(app.databaseUrl, 'claim', async () => {
    const downloads = Array.from({ length: 3 }, () => fetch(`${app.baseUrl}/export/claims.csv`).then(async (response) => (await response.text(), response.status)));
    await waitUntil(async () => (await busyExportSessions()) >= 3, 10_000);
    expect(await busyExportSessions()).toBe(3);
    const fourth = await fetch(`${app.baseUrl}/export/projects.csv`, { headers: { 'x-request-id': 'export-busy-1' } });
    expect(fourth.status).toBe(503);
    expect(fourth.headers.get('retry-after')).toBe('5');
    // Shaped as every other 503: the code a client acts on, and the request id to report.
    expect(await fourth.json()).toEqual({
      error: 'All 3 download connections are busy; try again in a few seconds.',
      code: 'SERVICE_UNAVAILABLE',
      statusCode: 503,
      requestId: 'export-busy-1',
    });
    return downloads;
  });
  // The three held ones complete once the lock is gone.
  expect(await Promise.all(held)).toEqual([200, 200, 200]);
  const head = await fetch(`${app.baseUrl}/export/projects.csv?bogus=1`, { method: 'HEAD' });
  expect(head.status).toBe(400);
}, 30_000);

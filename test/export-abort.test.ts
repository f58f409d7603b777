import http from 'node:http';
import { generate } from '../src/generate/synthetic';
import { startTestApp, TestApp } from './support/app';

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

/**
 * Reads the first chunk of a CSV download (an error answered instead fails), then hangs up; gives the
 * connections in use at that moment.
 */
function abandon(url: string, inUse: () => number): Promise<number> {
  return new Promise((resolve, reject) => {
    const request = http.get(url, (response) => {
      if (response.statusCode !== 200 || !String(response.headers['content-type']).startsWith('text/csv')) {
        request.destroy();
        reject(new Error(`not a download: ${response.statusCode} ${response.headers['content-type']}`));
        return;
      }
      response.once('data', () => {
        const used = inUse();
        request.destroy();
        resolve(used);
      });
    });
    request.on('error', (error) => (request.destroyed ? undefined : reject(error)));
  });
}

it('gives the connection of an abandoned download back to the pool', async () => {
  const pool = app.orm.em.getConnection().getKnex().client.pool;
  const inUse = await Promise.all(Array.from({ length: 3 }, () => abandon(`${app.baseUrl}/export/claims.csv`, () => pool.numUsed())));
  // The downloads were still streaming from the database when their clients went.
  expect(Math.max(...inUse)).toBeGreaterThanOrEqual(1);
  for (let waited = 0; pool.numUsed() > 0 && waited < 5000; waited += 50) await new Promise((resolve) => setTimeout(resolve, 50));
  expect(pool.numUsed()).toBe(0);
  // And the API still answers.
  const { projects } = await app.data('{ projects(first: 1) { totalCount } }');
  expect(projects.totalCount).toBeGreaterThan(600);
});

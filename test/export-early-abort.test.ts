import http from 'node:http';
import { busyExportSessionsOf, capturingLogger, startTestApp, TestApp, waitUntil, whileLocked } from './support/app';

/** A download abandoned while its statement still waits, before its first line, with the API's log read. */
let app: TestApp;
const log = capturingLogger();
beforeAll(async () => {
  app = await startTestApp({}, { logger: log.logger });
});
afterAll(() => app.close());

const busyExportSessions = () => busyExportSessionsOf(app);

it('logs a download abandoned before its first line as the client leaving, not as an error, and frees its session', async () => {
  // The claims are locked: the download's statement waits, and the client leaves meanwhile.
  await whileLocked(app.databaseUrl, 'claim', async () => {
    const request = http.get(`${app.baseUrl}/export/claims.csv`);
    request.on('error', () => undefined);
    await waitUntil(async () => (await busyExportSessions()) === 1, 10_000);
    expect(await busyExportSessions()).toBe(1);
    request.destroy();
  });
  // The statement ends when the lock goes (the stream is closed then), and the handler hears of it.
  await waitUntil(() => log.lines().some((line) => line.msg === 'the client left before the download began'), 10_000);
  expect(log.lines().filter((line) => line.msg === 'the client left before the download began')).toEqual([expect.objectContaining({ level: 30, download: 'claims' })]);
  // Reported as an error in a request before: a false alarm for whoever watches the logs.
  expect(log.lines().filter((line) => line.level >= 50)).toEqual([]);
  await waitUntil(async () => (await busyExportSessions()) === 0, 10_000);
  expect(await busyExportSessions()).toBe(0);
});

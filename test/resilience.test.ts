import type { MikroORM } from '@mikro-orm/postgresql';
import type { FastifyInstance } from 'fastify';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { loadConfig } from '../src/config';
import { ensureDatabaseExists } from '../src/db/database';
import { EmbeddedPostgres, findFreePort } from '../src/db/embedded-postgres';
import { openOrm } from '../src/db/orm';
import { listenLocally } from '../src/generate/plans';
import { seed } from '../src/seeds/write';
import { createServer } from '../src/server';

let dataDir: string;
let database: EmbeddedPostgres;
let orm: MikroORM;
let server: FastifyInstance;
let baseUrl: string;

beforeAll(async () => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'kb-resilience-'));
  fs.chmodSync(dataDir, 0o755);
  // A fixed port, so that the server comes back where the pool expects it.
  database = new EmbeddedPostgres({ dataDir: path.join(dataDir, 'pg'), port: await findFreePort() });
  await database.start();
  const url = database.url('interreg_kb');
  await ensureDatabaseExists(url);
  orm = await openOrm(url);
  await seed(orm.em.fork());
  const config = loadConfig({ DATABASE_URL: url, LOG_LEVEL: 'silent', RATE_LIMIT_MAX: '0', RESPONSE_CACHE: 'false' });
  server = await createServer({ orm, config, logger: pino({ level: process.env.DEBUG_LOG ? 'error' : 'silent' }) });
  baseUrl = await listenLocally(server);
}, 120_000);

afterAll(async () => {
  await server?.close();
  await orm?.close(true);
  await database?.stop();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

async function programmes(): Promise<any> {
  const response = await fetch(`${baseUrl}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query: '{ programmes { totalCount } }' }),
  });
  return { status: response.status, body: await response.json() };
}

describe('when PostgreSQL goes away and comes back', () => {
  it('fails cleanly in between and recovers by itself, with no restart', async () => {
    expect((await programmes()).body.data.programmes.totalCount).toBe(3);

    await database.stop();
    const during = await programmes();
    expect(during.status).toBe(200);
    expect(during.body.errors[0].extensions.code).toBe('SERVICE_UNAVAILABLE');
    expect(during.body.errors[0].message).toContain('database is unavailable');
    expect((await fetch(`${baseUrl}/readyz`)).status).toBe(503);
    expect((await fetch(`${baseUrl}/healthz`)).status).toBe(200);
    // A CSV export says the same, as JSON and not as a download.
    const exported = await fetch(`${baseUrl}/export/projects.csv`);
    expect(exported.status).toBe(503);
    expect(exported.headers.get('content-disposition')).toBeNull();
    expect(await exported.json()).toMatchObject({ code: 'SERVICE_UNAVAILABLE' });

    await database.start();
    let after = await programmes();
    // The pool may hand out one connection that died with the server before it notices.
    for (let attempt = 0; attempt < 3 && after.body.errors; attempt++) after = await programmes();
    expect(after.body.data.programmes.totalCount).toBe(3);
    expect((await fetch(`${baseUrl}/readyz`)).status).toBe(200);
  }, 60_000);
});

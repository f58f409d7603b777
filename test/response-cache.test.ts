import { existsSync, readFileSync } from 'node:fs';
import http from 'node:http';
import pino from 'pino';
import { loadConfig } from '../src/config';
import { DATA_CHANGED_CHANNEL, ResponseCache } from '../src/graphql/response-cache';
import { planSeeds, writeSeedPlan } from '../src/seeds/write';
import { PausableProxy } from './support/pausable-proxy';
import { startTestApp, TestApp, waitUntil } from './support/app';

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp({ RESPONSE_CACHE: 'true' });
});
afterAll(() => app.close());

async function ask(query: string, headers: Record<string, string> = {}) {
  const response = await fetch(`${app.baseUrl}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ query }),
  });
  return { cache: response.headers.get('x-cache'), body: (await response.json()) as any };
}

describe('the response cache', () => {
  const QUERY = '{ project(slug: "weldcome") { website leadPartner { name } } }';

  it('answers a repeated read from memory, with its own request id, and a no-cache request afresh', async () => {
    const first = await ask(QUERY);
    // The first hit writes the kept data as JSON; the next ones send that text again.
    const hits = [await ask(QUERY), await ask(QUERY)];
    expect(first.cache).toBe('miss');
    for (const hit of hits) {
      expect(hit.cache).toBe('hit');
      expect(hit.body.data).toEqual(first.body.data);
      expect(hit.body.data.project.leadPartner.name).toEqual(expect.any(String));
      // The extensions of the request that computed it (its statement count among them), with its own id.
      expect(hit.body.extensions).toEqual({ ...first.body.extensions, requestId: expect.any(String), cache: 'hit' });
      expect(hit.body.extensions.requestId).not.toBe(first.body.extensions.requestId);
    }
    expect(hits[1].body.extensions.requestId).not.toBe(hits[0].body.extensions.requestId);
    expect((await ask(QUERY, { 'cache-control': 'no-cache' })).cache).toBe('miss');
  });

  it('answers from memory only requests that Apollo would accept (CSRF prevention)', async () => {
    const url = `${app.baseUrl}/graphql?query=${encodeURIComponent('{ programmes { totalCount } }')}`;
    const primed = await fetch(url, { headers: { 'apollo-require-preflight': 'true' } });
    expect(primed.status).toBe(200);
    expect((await fetch(url, { headers: { 'apollo-require-preflight': 'true' } })).headers.get('x-cache')).toBe('hit');
    // The same GET as a cross-site page could send it: refused, whether or not the answer is in memory.
    const forged = await fetch(url, { headers: { accept: 'application/json' } });
    expect(forged.status).toBe(400);
    expect(await forged.text()).toContain('Cross-Site Request Forgery');
    // A GET with a body type Apollo refuses (415): refused, though the answer is in memory.
    for (const contentType of ['application/xml', 'text/json', 'not a type']) {
      const refused = await fetch(url, { headers: { 'apollo-require-preflight': 'true', 'content-type': contentType } });
      expect([contentType, refused.status, refused.headers.get('x-cache')]).toEqual([contentType, 415, null]);
    }
    const typed = await fetch(url, { headers: { 'apollo-require-preflight': 'true', 'content-type': 'Application/JSON; charset=utf-8' } });
    expect([typed.status, typed.headers.get('x-cache')]).toEqual([200, 'hit']);
  });

  it('keys a GET request by its parameters as Apollo reads them', async () => {
    // Sent as written, quotes and braces unescaped (fetch would escape them), as any HTTP client can.
    const get = (path: string) =>
      new Promise<{ cache: string | undefined; body: any }>((resolve, reject) => {
        const { hostname, port } = new URL(app.baseUrl);
        const request = http.get({ hostname, port, path, headers: { 'apollo-require-preflight': 'true' } }, (response) => {
          let text = '';
          response.on('data', (chunk: Buffer) => (text += chunk));
          response.on('end', () => resolve({ cache: response.headers['x-cache'] as string | undefined, body: JSON.parse(text) }));
        });
        request.on('error', reject);
      });
    // A valid escape (%77, "w") beside an invalid one (%zz): Apollo decodes the first and keeps the second;
    // Fastify's own parse kept the whole value as sent, and the cache's key was made from it.
    const escaped = await get('/graphql?query={a:project(slug:"%77eldcome"){slug}+b:project(slug:"%zz"){slug}}');
    expect(escaped.body.data).toEqual({ a: { slug: 'weldcome' }, b: null });
    // The query that asks for the slug "%77eldcome" itself, properly escaped: its own answer, not that one.
    const literal = await get(`/graphql?query=${encodeURIComponent('{a:project(slug:"%77eldcome"){slug} b:project(slug:"%zz"){slug}}')}`);
    expect(literal.body.data).toEqual({ a: null, b: null });
    expect(literal.cache).toBe('miss');
  });

  it('answers a hit in the media type the client accepts, as Apollo would', async () => {
    const query = '{ programmes(first: 1) { totalCount } }';
    const post = (accept: string) =>
      fetch(`${app.baseUrl}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', accept }, body: JSON.stringify({ query }) });
    const fresh = await post('application/graphql-response+json, application/json');
    expect(fresh.headers.get('content-type')).toMatch(/^application\/graphql-response\+json/);
    for (const [accept, type] of [
      ['application/graphql-response+json, application/json', /^application\/graphql-response\+json/],
      ['application/json', /^application\/json/],
      ['*/*', /^application\/json/],
    ] as const) {
      const hit = await post(accept);
      expect(hit.headers.get('x-cache')).toBe('hit');
      expect(hit.headers.get('content-type')).toMatch(type);
    }
    // A client that accepts no JSON gets Apollo's refusal, not the kept answer.
    const refused = await post('text/csv');
    expect(refused.status).toBe(406);
  });

  it('refuses a body nested too deep before writing its key (extensions as well as variables)', async () => {
    const deep = `${'['.repeat(30_000)}${']'.repeat(30_000)}`;
    for (const body of [`{"query": "{ __typename }", "extensions": {"x": ${deep}}}`, `{"query": "{ __typename }", "variables": {"v": ${deep}}}`]) {
      const response = await fetch(`${app.baseUrl}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
      expect(response.status).toBe(400);
      expect(((await response.json()) as any).errors[0].extensions.code).toBe('BAD_USER_INPUT');
    }
  });

  it('sends the refusals made outside Apollo in the media type the client accepts', async () => {
    const accept = 'application/graphql-response+json';
    const deep = `${'['.repeat(100)}${']'.repeat(100)}`;
    for (const body of [`{"query": "{ __typename }", "variables": {"v": ${deep}}}`, JSON.stringify({ query: `{ ${'__typename '.repeat(5000)}}` }), '{"query": ']) {
      const response = await fetch(`${app.baseUrl}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', accept }, body });
      expect(response.status).toBe(400);
      expect(response.headers.get('content-type')).toMatch(/^application\/graphql-response\+json/);
      expect(((await response.json()) as any).errors).toHaveLength(1);
      const plain = await fetch(`${app.baseUrl}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
      expect(plain.headers.get('content-type')).toMatch(/^application\/json/);
    }
  });

  it('answers 304 from memory to a GET whose client holds the data it keeps', async () => {
    const url = `${app.baseUrl}/graphql?query=${encodeURIComponent('{ programme(slug: "interreg-vi-fwvl") { period } }')}`;
    const headers = { 'apollo-require-preflight': 'true' };
    const miss = await fetch(url, { headers });
    const etag = miss.headers.get('etag')!;
    expect([miss.headers.get('x-cache'), etag]).toEqual(['miss', expect.stringMatching(/^W\//)]);
    const hit = await fetch(url, { headers });
    expect([hit.headers.get('x-cache'), hit.headers.get('etag')]).toEqual(['hit', etag]);
    // Through node:http: fetch adds `cache-control: no-cache` to a request with If-None-Match (the Fetch
    // standard's rule), which asks for a fresh answer.
    const unchanged = await new Promise<http.IncomingMessage>((resolve, reject) =>
      http.get(url, { headers: { ...headers, 'if-none-match': etag } }, resolve).on('error', reject),
    );
    unchanged.resume();
    expect([unchanged.statusCode, unchanged.headers['x-cache'], unchanged.headers.etag]).toEqual([304, 'hit', etag]);
    // fetch's revalidation, though it says no-cache, is answered from memory too: the cache is as fresh as
    // the data (a plain no-cache request is computed afresh, above).
    const revalidated = await fetch(url, { headers: { ...headers, 'if-none-match': etag } });
    expect([revalidated.status, revalidated.headers.get('x-cache'), revalidated.headers.get('etag')]).toEqual([304, 'hit', etag]);
  });

  it('does not keep errors', async () => {
    const query = '{ projects(filter: { theme: ["nope"] }) { totalCount } }';
    await ask(query);
    expect((await ask(query)).cache).toBe('miss');
  });

  it('empties when seeding changes the data', async () => {
    await ask(QUERY);
    expect((await ask(QUERY)).cache).toBe('hit');
    const plan = planSeeds();
    plan.projects = plan.projects.map((row) => (row.slug === 'weldcome' ? { ...row, website: 'https://weldcome.example.org' } : row));
    await writeSeedPlan(app.orm.em.fork(), plan);
    // The notification reaches the cache a moment after the seeds commit: hits until then.
    let after: Awaited<ReturnType<typeof ask>> | undefined;
    await waitUntil(async () => (after = await ask(QUERY)).cache !== 'hit', 10_000);
    expect(after!.cache).toBe('miss');
    expect(after!.body.data.project.website).toBe('https://weldcome.example.org');
  });
});

describe('ResponseCache on its own', () => {
  it('does not keep a response computed before the data changed', async () => {
    const cache = new ResponseCache(app.databaseUrl, pino({ level: 'silent' }), 10);
    await cache.start();
    try {
      expect(cache.active).toBe(true);
      const missedAt = cache.currentGeneration;
      // The data changes (and the cache empties) while the missed request is still being answered.
      await app.orm.em.getConnection().execute(`notify ${DATA_CHANGED_CHANNEL}`);
      await waitUntil(() => cache.currentGeneration !== missedAt, 10_000, 20);
      expect(cache.currentGeneration).toBeGreaterThan(missedAt);
      cache.set('key', { extensions: {} }, missedAt, '{"data":{"old":true},"extensions":{}}');
      expect(cache.get('key')).toBeUndefined();
      cache.set('key', { extensions: {} }, cache.currentGeneration, '{"data":{"fresh":true},"extensions":{}}');
      expect(cache.get('key')?.body({})).toBe('{"data":{"fresh":true},"extensions":{}}');
    } finally {
      await cache.stop();
    }
  });

  it('keeps responses up to a total size, dropping the least recently used, and none larger than an eighth of it', async () => {
    const cache = new ResponseCache(app.databaseUrl, pino({ level: 'silent' }), 1000, 8000);
    await cache.start();
    try {
      // Texts of 500 characters as Apollo writes them: 1,000 bytes each as V8 may keep them.
      const textOf = (index: number, characters: number) => {
        const [head, tail] = [`{"data":{"index":${index},"pad":"`, '"},"extensions":{}}'];
        return head + ' '.repeat(characters - head.length - tail.length) + tail;
      };
      for (let index = 0; index < 10; index++) cache.set(`page-${index}`, { extensions: {} }, cache.currentGeneration, textOf(index, 500));
      expect(cache.usage).toEqual({ entries: 8, bytes: 8000 });
      expect(cache.get('page-0')).toBeUndefined();
      expect(cache.get('page-9')?.body({ cache: 'hit' })).toBe(textOf(9, 500).replace('"extensions":{}', '"extensions":{"cache":"hit"}'));
      cache.set('huge', { extensions: {} }, cache.currentGeneration, textOf(10, 501));
      expect(cache.get('huge')).toBeUndefined();
    } finally {
      await cache.stop();
    }
  });

  it('answers a hit with the data as it was sent, and keeps no text it cannot cut the data out of', async () => {
    const cache = new ResponseCache(app.databaseUrl, pino({ level: 'silent' }), 10);
    await cache.start();
    try {
      const sent = '{"data":{"project":{"slug":"weldcome"}},"extensions":{"cost":1}}\n';
      cache.set('sent', { extensions: { cost: 1 } }, cache.currentGeneration, sent);
      expect(cache.get('sent')?.body({ requestId: 'r' })).toBe('{"data":{"project":{"slug":"weldcome"}},"extensions":{"requestId":"r"}}');
      expect(cache.get('sent')?.extensions).toEqual({ cost: 1 });
      // A text of another form, one whose extensions are not the response's, or a response without any.
      cache.set('other', { extensions: { cost: 1 } }, cache.currentGeneration, '{"errors":[],"data":null}');
      cache.set('stale', { extensions: { cost: 2 } }, cache.currentGeneration, sent);
      cache.set('bare', {}, cache.currentGeneration, '{"data":{"project":null}}');
      expect([cache.get('other'), cache.get('stale'), cache.get('bare')]).toEqual([undefined, undefined, undefined]);
      // Counted as the memory the text takes (two bytes a character at most), not as its bytes on the wire.
      expect(cache.usage).toEqual({ entries: 1, bytes: 2 * sent.length });
    } finally {
      await cache.stop();
    }
  });

  it('stays off, its connection closed, when stopped while it connects', async () => {
    const url = new URL(app.databaseUrl);
    url.searchParams.set('application_name', 'cache-stopped-early');
    const cache = new ResponseCache(url.toString(), pino({ level: 'silent' }), 10);
    const started = cache.start();
    await cache.stop();
    await started;
    expect(cache.active).toBe(false);
    const listening = async () =>
      (await app.orm.em.getConnection().execute<Array<{ pid: number }>>(`select pid from pg_stat_activity where application_name = 'cache-stopped-early'`)).length;
    await waitUntil(async () => (await listening()) === 0, 10_000);
    expect(await listening()).toBe(0);
  });

  /** The TCP states of the sockets bound to a local port, as /proc/net lists them (01 is ESTABLISHED). */
  const tcpStates = (localPort: number): string[] => {
    const port = `:${localPort.toString(16).toUpperCase().padStart(4, '0')}`;
    return ['/proc/net/tcp', '/proc/net/tcp6']
      .flatMap((file) => (existsSync(file) ? readFileSync(file, 'utf8').trim().split('\n').slice(1) : []))
      .map((line) => line.trim().split(/\s+/))
      .filter(([, local]) => local.endsWith(port))
      .map(([, , , state]) => state);
  };

  it.each([
    ['its heartbeat sent on it', false],
    ['its heartbeat sent on a connection of its own, so that none is awaited on the hung one', true],
  ])('goes off when its connection stops answering (%s), though the connection stays open, closes that socket, and comes back when it answers', async (_how, notifier) => {
    // A hung server: the connection frozen by a proxy, its sockets still open, so TCP sees nothing wrong.
    const { hostname, port } = new URL(app.databaseUrl);
    const proxy = new PausableProxy({ host: hostname, port: Number(port) });
    const listening = await proxy.start(app.databaseUrl);
    const cache = new ResponseCache(listening, pino({ level: 'silent' }), 10, 1024 * 1024, 100, { everyMs: 100, timeoutMs: 5000 }, notifier ? app.databaseUrl : undefined);
    try {
      await cache.start();
      const [clientPort, ...others] = proxy.clientPorts;
      expect(others).toEqual([]);
      expect(tcpStates(clientPort)).toEqual(['01']);
      const sent = '{"data":{"project":null},"extensions":{"cost":1}}';
      cache.set('kept', { extensions: { cost: 1 } }, cache.currentGeneration, sent);
      expect(cache.usage.entries).toBe(1);
      expect(proxy.freeze()).toBe(1);
      await waitUntil(() => !cache.active, 15_000, 20);
      expect(cache.usage.entries).toBe(0);
      // The hung connection's socket is closed, not left open until TCP gives up on it: our side has sent
      // its FIN, which the proxy's kernel acknowledges though nothing reads it.
      await waitUntil(() => !tcpStates(clientPort).includes('01'), 5_000, 20);
      expect(tcpStates(clientPort)).not.toContain('01');
      // It listens again, on a new connection (the proxy lets new ones pass), with nothing kept from before.
      await waitUntil(() => cache.active, 15_000, 20);
      expect(cache.usage.entries).toBe(0);
    } finally {
      await cache.stop();
      await proxy.close();
    }
  });

  it('goes off when its connection answers but no longer hears the channel (a pooler in transaction mode), and comes back', async () => {
    const cache = new ResponseCache(app.databaseUrl, pino({ level: 'silent' }), 10, 1024 * 1024, 100, { everyMs: 100, timeoutMs: 5000 });
    await cache.start();
    try {
      const keep = () => cache.set('kept', { extensions: { cost: 1 } }, cache.currentGeneration, '{"data":{"project":null},"extensions":{"cost":1}}');
      keep();
      // Its own heartbeats, heard many times over, leave what it keeps.
      await new Promise((resolve) => setTimeout(resolve, 600));
      expect([cache.active, cache.usage.entries]).toEqual([true, 1]);
      // The connection still answers every statement, but LISTEN is gone, as on a pooler's other server connection.
      const listener = (cache as unknown as { listener: { query(sql: string): Promise<unknown> } }).listener;
      await listener.query('unlisten *');
      await waitUntil(() => !cache.active, 10_000, 20);
      expect(cache.usage.entries).toBe(0);
      await waitUntil(() => cache.active, 10_000, 20);
      keep();
      expect(cache.usage.entries).toBe(1);
    } finally {
      await cache.stop();
    }
  });

  it("ignores other processes' heartbeats on the channel, and empties on a change of data", async () => {
    const caches = [0, 1].map(() => new ResponseCache(app.databaseUrl, pino({ level: 'silent' }), 10, 1024 * 1024, 100, { everyMs: 50, timeoutMs: 5000 }));
    await Promise.all(caches.map((cache) => cache.start()));
    try {
      for (const cache of caches) cache.set('kept', { extensions: { cost: 1 } }, cache.currentGeneration, '{"data":{"project":null},"extensions":{"cost":1}}');
      await new Promise((resolve) => setTimeout(resolve, 500));
      expect(caches.map((cache) => [cache.active, cache.usage.entries])).toEqual([[true, 1], [true, 1]]);
      await app.orm.em.getConnection().execute(`notify ${DATA_CHANGED_CHANNEL}`);
      await waitUntil(() => caches.every((cache) => cache.usage.entries === 0), 5_000, 20);
      expect(caches.map((cache) => [cache.active, cache.usage.entries])).toEqual([[true, 0], [true, 0]]);
    } finally {
      await Promise.all(caches.map((cache) => cache.stop()));
    }
  });

  it('goes on only once it has heard its own notification, sent where the data is written, on a connection of its own', async () => {
    const listening = new URL(app.databaseUrl);
    listening.searchParams.set('application_name', 'cache-listens');
    const sessions = async () =>
      (await app.orm.em.getConnection().execute<Array<{ name: string }>>(
        `select application_name as name from pg_stat_activity where application_name in ('cache-listens', 'cache-notifies') order by 1`,
      )).map((row) => row.name);
    // Sent to another database than the one listened to: never heard, and the cache never goes on.
    const elsewhere = new URL(app.databaseUrl);
    elsewhere.pathname = '/postgres';
    const deaf = new ResponseCache(listening.toString(), pino({ level: 'silent' }), 10, 1024 * 1024, 60_000, { everyMs: 100, timeoutMs: 300 }, elsewhere.toString());
    try {
      await deaf.start();
      expect(deaf.active).toBe(false);
      expect(deaf.set('kept', { extensions: { cost: 1 } }, deaf.currentGeneration, '{"data":{"project":null},"extensions":{"cost":1}}')).toBeUndefined();
    } finally {
      await deaf.stop();
    }
    // The deaf cache's connections close without being awaited when it goes off.
    await waitUntil(async () => (await sessions()).length === 0, 5_000, 20);
    // Sent to the same database on the cache's own second connection: heard, again and again.
    const sending = new URL(app.databaseUrl);
    sending.searchParams.set('application_name', 'cache-notifies');
    const hearing = new ResponseCache(listening.toString(), pino({ level: 'silent' }), 10, 1024 * 1024, 100, { everyMs: 100, timeoutMs: 5000 }, sending.toString());
    try {
      await hearing.start();
      expect(hearing.active).toBe(true);
      expect(await sessions()).toEqual(['cache-listens', 'cache-notifies']);
      await new Promise((resolve) => setTimeout(resolve, 500));
      expect(hearing.active).toBe(true);
    } finally {
      await hearing.stop();
    }
    await waitUntil(async () => (await sessions()).length === 0, 5_000, 20);
    expect(await sessions()).toEqual([]);
  });

  it.each([
    ['nothing answers there', () => 'postgresql://postgres@127.0.0.1:1/none'],
    [
      'it is another database than the one the data is in',
      () => {
        const elsewhere = new URL(app.databaseUrl);
        elsewhere.pathname = '/postgres';
        return elsewhere.toString();
      },
    ],
  ])('listens where RESPONSE_CACHE_LISTEN_URL says, and stays off where %s', async (_where, listenUrl) => {
    const own = await startTestApp({ RESPONSE_CACHE: 'true', RESPONSE_CACHE_LISTEN_URL: listenUrl() });
    try {
      for (let attempt = 0; attempt < 2; attempt++) {
        const response = await fetch(`${own.baseUrl}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: '{ programmes { totalCount } }' }) });
        expect([response.status, response.headers.get('x-cache')]).toEqual([200, null]);
      }
    } finally {
      await own.close();
    }
  });

  it('refuses a RESPONSE_CACHE_LISTEN_URL that is not a PostgreSQL URL', () => {
    expect(() => loadConfig({ RESPONSE_CACHE_LISTEN_URL: 'mysql://localhost/kb' })).toThrow('RESPONSE_CACHE_LISTEN_URL: must be a postgres://');
  });

  it('stops within its close deadline though its listening connection hangs', async () => {
    const { hostname, port } = new URL(app.databaseUrl);
    const proxy = new PausableProxy({ host: hostname, port: Number(port) });
    const listening = await proxy.start(app.databaseUrl);
    // The heartbeat on a connection of its own, so that none is awaited on the listening one when it hangs.
    const cache = new ResponseCache(listening, pino({ level: 'silent' }), 10, 1024 * 1024, 100, { everyMs: 60_000, timeoutMs: 5000 }, app.databaseUrl);
    try {
      await cache.start();
      expect(cache.active).toBe(true);
      expect(proxy.freeze()).toBe(1);
      const started = Date.now();
      await cache.stop();
      // A hung server never answers a polite end: the stop must not wait on it.
      expect(Date.now() - started).toBeLessThan(3000);
      expect(cache.active).toBe(false);
    } finally {
      await proxy.close();
    }
  });

  it('schedules one reconnection per lost connection, not one per event', async () => {
    const warnings: string[] = [];
    const logger = pino({ level: 'warn' }, { write: (line: string) => warnings.push(line) });
    // Nothing listens on port 1: the connection fails (an error, then an end).
    const cache = new ResponseCache('postgresql://postgres@127.0.0.1:1/none', logger, 10);
    await cache.start();
    await new Promise((resolve) => setTimeout(resolve, 300));
    await cache.stop();
    expect(cache.active).toBe(false);
    expect(warnings.filter((line) => line.includes('retrying'))).toHaveLength(1);
  });

  it('keeps retrying once per interval while the database is away, never more', async () => {
    const cache = new ResponseCache('postgresql://postgres@127.0.0.1:1/none', pino({ level: 'silent' }), 10, 1024, 50);
    const started = performance.now();
    await cache.start();
    // A second at least, and five attempts at least, however late a busy machine runs the timers.
    await new Promise((resolve) => setTimeout(resolve, 1000));
    await waitUntil(() => cache.connectionAttempts >= 5, 10_000);
    await cache.stop();
    // It kept retrying...
    expect(cache.connectionAttempts).toBeGreaterThanOrEqual(5);
    // ... one attempt per 50 ms at most (a timer never fires early): a loss handled twice (its error and its
    // end) would double them at every round, thousands within a second.
    expect(cache.connectionAttempts).toBeLessThanOrEqual(2 + (performance.now() - started) / 50);
  });
});

import http from 'node:http';
import { PREPARED_READS } from '../src/db/orm.config';
import { connectionPools } from '../src/db/orm';
import { startTestApp, TestApp } from './support/app';

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp();
});
afterAll(() => app.close());

describe('the HTTP server', () => {
  it('serves GraphiQL from node_modules to a browser opening the endpoint', async () => {
    const page = await fetch(`${app.baseUrl}/graphql`, { headers: { accept: 'text/html' } });
    expect(page.status).toBe(200);
    const html = await page.text();
    const assets = [...html.matchAll(/(?:src|href)="(\/graphiql\/[^"]+)"/g)].map((match) => match[1]);
    expect(assets).toHaveLength(4);
    expect(html).not.toMatch(/https?:\/\/(?!localhost)[a-z]/i);
    for (const asset of assets) {
      const response = await fetch(`${app.baseUrl}${asset}`);
      expect(response.status).toBe(200);
      expect((await response.arrayBuffer()).byteLength).toBeGreaterThan(1000);
    }
    // Names every object answers to are no assets.
    for (const name of ['constructor', 'toString', '__proto__', 'nope.js']) {
      expect([name, (await fetch(`${app.baseUrl}/graphiql/${name}`)).status]).toEqual([name, 404]);
    }
  });

  it("answers what it refuses before GraphQL runs as GraphQL answers: a code, and the request's id", async () => {
    const send = (body: string, contentType = 'application/json') =>
      fetch(`${app.baseUrl}/graphql`, { method: 'POST', headers: { 'content-type': contentType, 'x-request-id': 'test-refused-2' }, body });
    const nested = (depth: number): unknown => (depth === 0 ? 1 : { a: nested(depth - 1) });
    for (const [what, response, status, code] of [
      ['malformed JSON', await send('{"query": '), 400, 'BAD_REQUEST'],
      ['a type it does not read', await send('<query/>', 'application/xml'), 415, 'BAD_REQUEST'],
      ['variables nested too deep', await send(JSON.stringify({ query: '{ __typename }', variables: nested(70) })), 400, 'BAD_USER_INPUT'],
      ['a document too large', await send(JSON.stringify({ query: `{ __typename ${' '.repeat(21_000)}}` })), 400, 'QUERY_LIMIT_EXCEEDED'],
      // Apollo's own: a GET that a cross-site page could make (no preflight), and an Accept it cannot answer.
      ['a possible cross-site forgery', await fetch(`${app.baseUrl}/graphql?query=%7B__typename%7D`, { headers: { 'x-request-id': 'test-refused-2' } }), 400, 'BAD_REQUEST'],
      [
        'an Accept it cannot answer',
        await fetch(`${app.baseUrl}/graphql`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', accept: 'text/plain', 'x-request-id': 'test-refused-2' },
          body: JSON.stringify({ query: '{ __typename }' }),
        }),
        406,
        'BAD_REQUEST',
      ],
    ] as const) {
      const json = (await response.json()) as { errors?: Array<{ extensions?: { code?: string } }>; extensions?: unknown };
      expect({ what, status: response.status, code: json.errors?.[0]?.extensions?.code, extensions: json.extensions }).toEqual({
        what,
        status,
        code,
        extensions: { requestId: 'test-refused-2' },
      });
    }
  });

  it('answers GraphQL over GET and POST', async () => {
    const get = await fetch(`${app.baseUrl}/graphql?query=${encodeURIComponent('{ project(slug: "act-emploi") { title } }')}`, {
      headers: { 'apollo-require-preflight': 'true' },
    });
    expect(await get.json()).toMatchObject({ data: { project: { title: 'Act’Emploi' } } });
    expect(await app.data('{ programme(slug: "interreg-iv-fwvl") { period } }')).toEqual({ programme: { period: '2007-2013' } });
  });

  it('tags a GET answer with its data, and answers 304 without it to a client that holds that data', async () => {
    const get = (query: string, headers: Record<string, string> = {}) =>
      fetch(`${app.baseUrl}/graphql?query=${encodeURIComponent(query)}`, { headers: { 'apollo-require-preflight': 'true', ...headers } });
    const query = '{ project(slug: "act-emploi") { title acronym } }';
    const first = await get(query);
    const etag = first.headers.get('etag')!;
    expect(etag).toMatch(/^W\/"[\w-]{43}"$/);
    // The tag is the data's, though each answer carries its own request id.
    expect((await get(query)).headers.get('etag')).toBe(etag);
    const unchanged = await get(query, { 'if-none-match': `W/"other", ${etag}` });
    expect([unchanged.status, await unchanged.text(), unchanged.headers.get('etag')]).toEqual([304, '', etag]);
    // Without a body's type or length (RFC 9110): a cache that merged a length of 0 into its copy would cut it.
    const raw = await new Promise<http.IncomingMessage>((resolve, reject) =>
      http.get(`${app.baseUrl}/graphql?query=${encodeURIComponent(query)}`, { headers: { 'apollo-require-preflight': 'true', 'if-none-match': etag } }, resolve).on('error', reject),
    );
    raw.resume();
    expect([raw.statusCode, raw.headers['content-length'], raw.headers['content-type'], raw.headers.etag]).toEqual([304, undefined, undefined, etag]);
    // A browser or a CDN may keep the answer, by media type, and must ask before using it.
    expect([first.headers.get('cache-control'), first.headers.get('vary')]).toEqual(['no-cache', expect.stringMatching(/\bAccept\b/)]);
    // Other data, another tag; a tag of other data gets the data.
    const other = await get('{ project(slug: "weldcome") { title acronym } }', { 'if-none-match': etag });
    expect(other.status).toBe(200);
    expect(other.headers.get('etag')).not.toBe(etag);
    // Changed data, a new tag: the old one gets the new data.
    await app.orm.em.getConnection().execute(`update project set acronym = 'AE' where slug = 'act-emploi'`);
    try {
      const changed = await get(query, { 'if-none-match': etag });
      expect(changed.status).toBe(200);
      expect(((await changed.json()) as { data: { project: { acronym: string } } }).data.project.acronym).toBe('AE');
      expect(changed.headers.get('etag')).not.toBe(etag);
    } finally {
      await app.orm.em.getConnection().execute(`update project set acronym = null where slug = 'act-emploi'`);
    }
    // No tag for an answer with errors, nor for a POST.
    expect((await get('{ project(slug: "nope") { title } }')).headers.get('etag')).toBeNull();
    const post = await fetch(`${app.baseUrl}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query }) });
    expect([post.status, post.headers.get('etag')]).toEqual([200, null]);
  });

  it('reports liveness and readiness', async () => {
    expect(await (await fetch(`${app.baseUrl}/healthz`)).json()).toEqual({ status: 'ok' });
    expect(await (await fetch(`${app.baseUrl}/readyz`)).json()).toEqual({ status: 'ready' });
  });

  it('answers a flood of readiness probes with one check a second, not one per probe', async () => {
    const own = await startTestApp();
    try {
      let checks = 0;
      for (const pool of connectionPools(own.orm)) pool.on('query', (query: { sql: string }) => query.sql === 'select 1' && checks++);
      const started = performance.now();
      const answers = await Promise.all(Array.from({ length: 50 }, () => fetch(`${own.baseUrl}/readyz`)));
      const seconds = Math.floor((performance.now() - started) / 1000);
      expect(answers.map((answer) => answer.status)).toEqual(Array(50).fill(200));
      // One check a second, a statement on each of the two pools: one check when the probes came within a second.
      expect(checks).toBeLessThanOrEqual(2 * (1 + seconds));
      expect(checks).toBeLessThan(100);
      const before = checks;
      await new Promise((resolve) => setTimeout(resolve, 1100));
      expect((await fetch(`${own.baseUrl}/readyz`)).status).toBe(200);
      expect(checks).toBe(before + 2);
    } finally {
      await own.close();
    }
  });

  it('is not ready when the pool of the prepared statements cannot answer, though the other one can', async () => {
    const own = await startTestApp();
    try {
      await own.orm.em.getKnex(PREPARED_READS).destroy();
      const response = await fetch(`${own.baseUrl}/readyz`);
      expect(response.status).toBe(503);
      expect(await response.json()).toEqual({ status: 'database unreachable' });
      expect(await own.orm.em.getConnection().execute('select 1 as one')).toEqual([{ one: 1 }]);
    } finally {
      await own.close();
    }
  });

  it('is not ready while a migration is pending, and names it', async () => {
    const own = await startTestApp();
    try {
      const connection = own.orm.em.getConnection();
      const [last] = await connection.execute('select name from mikro_orm_migrations order by id desc limit 1');
      await connection.execute('delete from mikro_orm_migrations where name = ?', [last.name]);
      const response = await fetch(`${own.baseUrl}/readyz`);
      expect(response.status).toBe(503);
      expect(await response.json()).toEqual({ status: 'migrations pending', pending: [expect.stringContaining(String(last.name).replace(/\.[jt]s$/, ''))] });
    } finally {
      await own.close();
    }
  });

  it('keeps a request id of the client’s only when it is safe to log, and makes one otherwise', async () => {
    const requestIdOf = async (given: string) => {
      const response = await fetch(`${app.baseUrl}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-request-id': given },
        body: JSON.stringify({ query: '{ __typename }' }),
      });
      return ((await response.json()) as { extensions: { requestId: string } }).extensions.requestId;
    };
    expect(await requestIdOf('client-42.a_b')).toBe('client-42.a_b');
    const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
    for (const given of ['bad id!', 'x'.repeat(129), 'line\tbreak']) expect(await requestIdOf(given)).toMatch(uuid);
  });
});

import { createHash } from 'node:crypto';
import { EXPORT_APPLICATION_NAME } from '../src/modules/export/export.routes';
import { capturingLogger, startTestApp, TestApp, waitUntil, whileLocked } from './support/app';

async function post(app: TestApp, body: unknown, headers: Record<string, string> = {}): Promise<{ status: number; headers: Headers; json: any }> {
  const response = await fetch(`${app.baseUrl}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await response.text();
  let json: any;
  try {
    json = JSON.parse(text);
  } catch {
    json = text;
  }
  return { status: response.status, headers: response.headers, json };
}

describe('query limits', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp({ MAX_DEPTH: '6', MAX_COST: '500', MAX_ALIASES: '5', MAX_FIELDS: '40', MAX_DOCUMENT_BYTES: '2000' });
  });
  afterAll(() => app.close());

  it('reports the cost of every response', async () => {
    const { json } = await post(app, { query: '{ projects(first: 3) { edges { node { slug participations { role } } } } }' });
    // 3 projects, each with up to 10 participations (the assumed size of a list relation).
    expect(json.extensions.cost).toEqual({ requested: 3 * (1 + 10), maximum: 500 });
  });

  it.each([
    ['depth', '{ project(slug: "weldcome") { programme { projects { programme { projects { programme { slug } } } } } } }', 6, 7],
    ['cost', '{ projects(first: 100) { edges { node { participations { role } } } } }', 500, 1100],
    ['aliases', `{ ${Array.from({ length: 6 }, (_, i) => `a${i}: programme(slug: "interreg-v-fwvl") { slug }`).join(' ')} }`, 5, 6],
  ])('rejects a query over the %s limit, naming the limit and the measured value', async (limit, query, maximum, measured) => {
    const { status, json } = await post(app, { query });
    expect(status).toBe(400);
    expect(json.data).toBeUndefined();
    expect(json.errors[0].extensions).toMatchObject({ code: 'QUERY_LIMIT_EXCEEDED', limit, maximum, measured });
    expect(json.errors[0].message).toContain(String(measured));
  });

  it('leaves a page size or id list over the cap to its resolver, which names the argument, rather than refuse it as a cost', async () => {
    // Counted as asked, each would cost over 500; no answer can hold more than the cap of 100 records.
    const page = await post(app, { query: '{ projects(first: 100001) { totalCount } }' });
    expect(page.json.errors[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', argumentName: 'first' });
    const ids = Array.from({ length: 600 }, (_, index) => `id-${index}`);
    const nodes = await post(app, { query: 'query ($ids: [ID!]!) { nodes(ids: $ids) { id } }', variables: { ids } });
    expect(nodes.json.errors[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', argumentName: 'ids' });
    // A page at the cap that is too costly all the same is still refused for its cost.
    const costly = await post(app, { query: '{ projects(first: 10000) { edges { node { participations { role } } } } }' });
    expect(costly.json.errors[0].extensions).toMatchObject({ code: 'QUERY_LIMIT_EXCEEDED', limit: 'cost', measured: 1100 });
  });

  it('counts the fields beside one whose argument is refused, rather than run the query unmeasured', async () => {
    // `project` fails alone at execution (its slug is null); the list beside it costs 1100.
    const query = 'query ($s: String = "weldcome") { project(slug: $s) { slug } projects(first: 100) { edges { node { participations { role } } } } }';
    const over = await post(app, { query, variables: { s: null } });
    expect(over.status).toBe(400);
    expect(over.json.data).toBeUndefined();
    expect(over.json.errors[0].extensions).toMatchObject({ code: 'QUERY_LIMIT_EXCEEDED', limit: 'cost', maximum: 500, measured: 1100 });
    // Within the limit, the refused argument is still that field's own error, beside the others' data.
    const within = await post(app, { query: query.replace('first: 100', 'first: 2'), variables: { s: null } });
    expect(within.json.errors[0]).toMatchObject({ path: ['project'], extensions: { code: 'BAD_USER_INPUT', argumentName: 'slug' } });
    expect(within.json.data.projects.edges).toHaveLength(2);
    expect(within.json.extensions.cost.requested).toBe(2 * 11);
  });

  it('measures a repeated document afresh for each set of variables, and rejects it every time it is over', async () => {
    // The measures are kept per query, operation and variables: the same text with other variables is
    // another cost, and a kept measure over the limit still rejects.
    const query = 'query Page($first: Int) { projects(first: $first) { edges { node { participations { role } } } } }';
    const costs = [];
    for (const first of [3, 4, 3, 100, 100]) {
      const { status, json } = await post(app, { query, variables: { first } });
      costs.push([status, json.extensions?.cost?.requested ?? json.errors?.[0]?.extensions?.measured]);
    }
    expect(costs).toEqual([[200, 33], [200, 44], [200, 33], [400, 1100], [400, 1100]]);
    const nul = await post(app, { query: 'query Search($q: String!) { search(query: $q) { totalCount } }', variables: { q: 'a\u0000b' } });
    expect(nul.json.errors[0]).toMatchObject({ extensions: { code: 'BAD_USER_INPUT', argumentName: 'q' } });
  });

  it('rejects a document over the size limit before parsing it', async () => {
    const query = `{ ${'__typename '.repeat(300)}}`;
    const { status, json } = await post(app, { query });
    expect(status).toBe(400);
    expect(json.errors[0].extensions).toMatchObject({ code: 'QUERY_LIMIT_EXCEEDED', limit: 'documentBytes', maximum: 2000, measured: Buffer.byteLength(query) });
  });

  it('rejects a query whose fragments multiply its fields, measured without walking them', async () => {
    // 1.3 KB: each fragment spreads the next twice, 2^31 fields in all. graphql-js validates and executes it
    // in a moment (it merges repeated spreads); a walk through every spread would hold the server for hours.
    const fragments = Array.from({ length: 30 }, (_, i) => `fragment F${i} on Query { ...F${i + 1} ...F${i + 1} }`);
    const query = `{ ...F0 } ${fragments.join(' ')} fragment F30 on Query { programmes { totalCount } }`;
    const { status, json } = await post(app, { query });
    expect(status).toBe(400);
    expect(json.errors[0].extensions).toMatchObject({ code: 'QUERY_LIMIT_EXCEEDED', limit: 'fields', maximum: 40, measured: 2 ** 31 });
    // The same fragments spread once each stay within the limit.
    const once = `{ ...F0 } ${fragments.map((fragment) => fragment.replace(/ \.\.\.F\d+ }$/, ' }')).join(' ')} fragment F30 on Query { programmes { totalCount } }`;
    const fine = await post(app, { query: once });
    expect(fine.json.errors).toBeUndefined();
    expect(fine.json.data.programmes.totalCount).toBeGreaterThan(0);
  });

  it('counts aliases inside introspection, each of which answers with the schema again', async () => {
    for (const query of [
      `{ ${Array.from({ length: 6 }, (_, i) => `s${i}: __schema { queryType { name } }`).join(' ')} }`,
      `{ __schema { ${Array.from({ length: 6 }, (_, i) => `t${i}: types { name }`).join(' ')} } }`,
    ]) {
      const { status, json } = await post(app, { query });
      expect(status).toBe(400);
      expect(json.errors[0].extensions).toMatchObject({ code: 'QUERY_LIMIT_EXCEEDED', limit: 'aliases', maximum: 5, measured: 6 });
    }
  });

  it('does not count introspection against the depth limit', async () => {
    const { status, json } = await post(app, { query: '{ __schema { types { name fields { name type { name ofType { name ofType { name ofType { name } } } } } } } }' });
    expect(status).toBe(200);
    expect(json.errors).toBeUndefined();
    expect(json.data.__schema.types.length).toBeGreaterThan(20);
  });
});

describe('what responses and logs carry, as configured', () => {
  it('logs no variables and reports statement counts by default; LOG_VARIABLES=true and QUERY_STATS=false change each', async () => {
    const query = 'query Lookup($slug: String!) { project(slug: $slug) { acronym } }';
    const run = async (environment: Record<string, string>) => {
      const logs = capturingLogger();
      const app = await startTestApp(environment, { logger: logs.logger });
      try {
        const { json } = await post(app, { query, variables: { slug: 'weldcome' } }, { 'x-request-id': 'test-configured-1' });
        const line = logs.lines().find((entry) => entry.reqId === 'test-configured-1' && entry.msg === 'request');
        return { extensions: json.extensions, line };
      } finally {
        await app.close();
      }
    };
    const byDefault = await run({});
    expect(byDefault.extensions.queryStats).toEqual({ sqlStatements: 1 });
    expect(byDefault.line).toMatchObject({ operationName: 'Lookup', sqlStatements: 1 });
    expect(byDefault.line).not.toHaveProperty('variables');
    const configured = await run({ LOG_VARIABLES: 'true', QUERY_STATS: 'false' });
    expect(configured.extensions).not.toHaveProperty('queryStats');
    expect(configured.line).toMatchObject({ operationName: 'Lookup', variables: { slug: 'weldcome' } });
  });
});

describe('errors, timeouts and logs', () => {
  let app: TestApp;
  let logs: ReturnType<typeof capturingLogger>;
  beforeAll(async () => {
    logs = capturingLogger();
    // Every statement of this app runs under the timeout, the tests' own renames included: long enough that a
    // busy machine does not cancel an ordinary one.
    // A download's own timeout is longer than the wait below for its statement to reach the lock, plus the
    // time it is then held there.
    app = await startTestApp({ STATEMENT_TIMEOUT_MS: '1500', EXPORT_TIMEOUT_MS: '8000' }, { logger: logs.logger });
  });
  afterAll(() => app.close());

  it('masks a database failure, and logs it in full under the same request id', async () => {
    await app.orm.em.getConnection().execute('alter table participation rename to participation_gone');
    try {
      const { status, json } = await post(app, { query: 'query PartnersOfWeldcome { project(slug: "weldcome") { participations { role } } }' }, { 'x-request-id': 'test-mask-1' });
      expect(status).toBe(200);
      expect(json.errors[0]).toMatchObject({ message: 'Internal server error', extensions: { code: 'INTERNAL_SERVER_ERROR', requestId: 'test-mask-1' } });
      expect(JSON.stringify(json)).not.toMatch(/does not exist|select|postgres|127\.0\.0\.1|at .*\.ts/i);
      const logged = logs.lines().find((line) => line.reqId === 'test-mask-1' && line.err);
      expect(logged!.err.message).toContain('relation "participation" does not exist');
    } finally {
      await app.orm.em.getConnection().execute('alter table participation_gone rename to participation');
    }
  });

  it('fails a name that the data holds in no language, by name in the log, rather than answer null for a String!', async () => {
    const connection = app.orm.em.getConnection();
    const [{ names }] = await connection.execute(`select names from territory where code = 'BE25'`);
    await connection.execute(`update territory set names = '{}' where code = 'BE25'`);
    try {
      const { json } = await post(app, { query: '{ territory(code: "BE25") { code name } }' }, { 'x-request-id': 'test-nameless-1' });
      expect(json.data.territory).toBeNull();
      expect(json.errors[0]).toMatchObject({ path: ['territory', 'name'], extensions: { code: 'INTERNAL_SERVER_ERROR' } });
      const logged = logs.lines().find((line) => line.reqId === 'test-nameless-1' && line.err);
      expect(logged!.err.message).toMatch(/'s name has no text in any language/);
    } finally {
      await connection.execute(`update territory set names = ? where code = 'BE25'`, [JSON.stringify(names)]);
    }
  });

  it("says graphql-js's refusal of an argument's value as the client's mistake, in the answer and in the log", async () => {
    const query = 'query ($s: String = "weldcome") { project(slug: $s) { acronym } }';
    const { json } = await post(app, { query, variables: { s: null } }, { 'x-request-id': 'test-refused-1' });
    expect(json.errors[0]).toMatchObject({ path: ['project'], extensions: { code: 'BAD_USER_INPUT', argumentName: 'slug' } });
    expect(logs.lines().filter((line) => line.reqId === 'test-refused-1' && line.level >= 50)).toEqual([]);
    expect(logs.lines().find((line) => line.reqId === 'test-refused-1' && line.msg === 'request')).toMatchObject({ errorCodes: ['BAD_USER_INPUT'] });
  });

  it('cancels a runaway statement and says so', async () => {
    await whileLocked(app.databaseUrl, 'project', async () => {
      const { json } = await post(app, { query: '{ projects { totalCount } }' });
      expect(json.errors[0].extensions.code).toBe('QUERY_TIMEOUT');
      expect(json.errors[0].message).toContain('1500 ms');
    });
    expect((await post(app, { query: '{ projects { totalCount } }' })).json.data.projects.totalCount).toBe(3);
  });

  it("gives a CSV download a timeout of its own, not the API's (a download lasts as long as its client reads)", async () => {
    const download = await whileLocked(app.databaseUrl, 'project', async () => {
      const started = fetch(`${app.baseUrl}/export/projects.csv`);
      // The download's statement waits on the lock (checked, not assumed) for longer than
      // STATEMENT_TIMEOUT_MS: a GraphQL query would have been cancelled by then.
      // Read on a session of its own: inside the blocker's transaction, pg_stat_activity keeps its first snapshot.
      const waiting = async () =>
        (
          await app.orm.em
            .getConnection()
            .execute<Array<{ n: number }>>(`select count(*)::int as n from pg_stat_activity where datname = current_database() and application_name = ? and wait_event_type = 'Lock'`, [EXPORT_APPLICATION_NAME])
        )[0].n;
      await waitUntil(async () => (await waiting()) > 0, 5000, 20);
      expect(await waiting()).toBe(1);
      await new Promise((resolve) => setTimeout(resolve, 1800));
      expect(await waiting()).toBe(1);
      // Handed out as a promise in an object: awaited here, it would wait for the lock it is under.
      return { started };
    });
    const response = await download.started;
    expect(response.status).toBe(200);
    expect((await response.text()).trim().split('\n').length).toBe(1 + 3);
  });

  it("cancels a download's query after EXPORT_TIMEOUT_MS, and says so", async () => {
    await whileLocked(app.databaseUrl, 'project', async () => {
      const response = await fetch(`${app.baseUrl}/export/projects.csv`, { headers: { 'x-request-id': 'export-timeout-1' } });
      expect(response.status).toBe(503);
      expect(await response.json()).toEqual({
        error: expect.stringContaining('longer than 8000 ms (EXPORT_TIMEOUT_MS)'),
        code: 'QUERY_TIMEOUT',
        statusCode: 503,
        requestId: 'export-timeout-1',
      });
    });
  }, 20_000);

  it('writes one JSON line per request with request id, operation, duration, cost and error codes, and no variables', async () => {
    await post(app, { query: 'query Lead($slug: String!) { project(slug: $slug) { leadPartner { name } } }', variables: { slug: 'weldcome' } }, { 'x-request-id': 'test-log-1' });
    const lines = logs.lines().filter((line) => line.reqId === 'test-log-1');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ msg: 'request', status: 200, operationName: 'Lead', errorCodes: [], path: '/graphql' });
    expect(lines[0].cost).toBeGreaterThan(0);
    expect(lines[0].durationMs).toBeGreaterThan(0);
    expect(lines[0]).not.toHaveProperty('variables');
    expect(JSON.stringify(lines[0])).not.toContain('weldcome');
  });
});

describe('rate limiting', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp({ RATE_LIMIT_MAX: '3', RATE_LIMIT_WINDOW_MS: '60000', API_KEYS: 'researcher-1, newsroom-2' });
  });
  afterAll(() => app.close());

  it('limits each client, with standard RateLimit headers and an error that says when to retry', async () => {
    const query = { query: '{ __typename }' };
    const first = await post(app, query);
    expect(first.status).toBe(200);
    expect(first.headers.get('ratelimit-limit')).toBe('3');
    expect(first.headers.get('ratelimit-remaining')).toBe('2');
    await post(app, query);
    await post(app, query);
    const refused = await post(app, query, { 'x-request-id': 'test-limited-1' });
    expect(refused.status).toBe(429);
    expect(refused.json.extensions).toEqual({ requestId: 'test-limited-1' });
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(refused.json.errors[0].extensions).toMatchObject({ code: 'RATE_LIMITED' });
    expect(refused.json.errors[0].message).toMatch(/Retry in \d+ s/);
    // A known API key has its own allowance; a made-up one counts against the address; health checks
    // are never limited.
    expect((await post(app, query, { 'x-api-key': 'researcher-1' })).status).toBe(200);
    expect((await post(app, query, { 'x-api-key': 'made-up-1' })).status).toBe(429);
    expect((await fetch(`${app.baseUrl}/healthz`)).status).toBe(200);
    expect((await fetch(`${app.baseUrl}/readyz`)).status).toBe(200);
    // When the allowance comes back, in whole seconds.
    expect(refused.headers.get('ratelimit-reset')).toMatch(/^[1-9]\d*$/);
  });
});

describe('GraphQL over HTTP', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp();
  });
  afterAll(() => app.close());

  it('refuses a document with more selections than its cost can be measured over, at the default limits', async () => {
    // 20 fields, 2 levels deep as fields go, in 3.6 KB: but each spread of the fragment holds 600 nested
    // inline fragments, 12,000 selections in all.
    const fragment = `fragment Deep on Query { ${'... { '.repeat(600)}__typename${' }'.repeat(600)} }`;
    const query = `{ ${Array.from({ length: 20 }, () => '...Deep').join(' ')} projects(first: 100) { totalCount } } ${fragment}`;
    // Refused as it was the first time once its refusal is kept.
    for (const attempt of [1, 2]) {
      const { status, json } = await post(app, { query });
      expect({ attempt, status, data: json.data, extensions: json.errors[0].extensions }).toMatchObject({
        attempt,
        status: 400,
        data: undefined,
        extensions: { code: 'QUERY_LIMIT_EXCEEDED', limit: 'selections', maximum: 10000 },
      });
    }
  });

  it("counts the lists that can hold thousands of records (a country's projects, a source's claims) as that many", async () => {
    const cost = async (query: string) => {
      const { json } = await post(app, { query });
      return json.errors ? { refused: json.errors[0].extensions } : { cost: json.extensions.cost.requested };
    };
    // One territory's projects, one source's claims: what a client asks of one record is answered.
    expect(await cost('{ territory(code: "FR") { projects { slug } } }')).toEqual({ cost: 1 + 2500 });
    expect(await cost('{ source(key: "keep-37") { claims { value } } }')).toEqual({ cost: 1 + 10000 });
    // A page of territories with their projects' partners: at keep.eu's size, 600,000 records when each list counted as 10.
    expect(await cost('{ territories(first: 100) { edges { node { projects { slug participations { role } } } } } }')).toEqual({
      refused: expect.objectContaining({ code: 'QUERY_LIMIT_EXCEEDED', limit: 'cost', measured: 100 * (1 + 2500 * (1 + 10)) }),
    });
    expect(await cost('{ sources(first: 10) { edges { node { claims { value } } } } }')).toEqual({
      refused: expect.objectContaining({ code: 'QUERY_LIMIT_EXCEEDED', limit: 'cost', measured: 10 * (1 + 10000) }),
    });
  });

  it('passes every MUST of the graphql-http server audits', async () => {
    const { serverAudits } = await import('graphql-http');
    const results = await Promise.all(serverAudits({ url: `${app.baseUrl}/graphql`, fetchFn: fetch }).map(async (audit) => ({ audit, result: await audit.fn() })));
    const failedMusts = results.filter(({ audit, result }) => audit.name.startsWith('MUST') && result.status !== 'ok').map(({ audit, result }) => `${audit.name}: ${(result as { reason?: string }).reason}`);
    expect(failedMusts).toEqual([]);
    const failedShoulds = results.filter(({ audit, result }) => !audit.name.startsWith('MUST') && result.status !== 'ok').map(({ audit }) => audit.name);
    // The README lists these with their reasons; a new failure must be looked at.
    expect(failedShoulds.sort()).toEqual([
      'MAY accept application/x-www-form-urlencoded formatted GET requests',
      'MAY allow URL-encoded JSON string {variables} parameter in GETs when accepting application/graphql-response+json',
      'MAY allow URL-encoded JSON string {variables} parameter in GETs when accepting application/json',
      'SHOULD use 200 status code on document parsing failure when accepting application/json',
      'SHOULD use 200 status code on document validation failure when accepting application/json',
      'SHOULD use a status code of 200 on variable coercion failure when accepting application/json',
    ]);
  });

  it('allows only the origins CORS_ORIGINS lists, when it lists them', async () => {
    const own = await startTestApp({ CORS_ORIGINS: 'https://maps.example.org,https://atlas.example.eu' });
    try {
      const preflight = (origin: string) =>
        fetch(`${own.baseUrl}/graphql`, {
          method: 'OPTIONS',
          headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type' },
        });
      expect((await preflight('https://atlas.example.eu')).headers.get('access-control-allow-origin')).toBe('https://atlas.example.eu');
      expect((await preflight('https://evil.example.com')).headers.get('access-control-allow-origin')).toBeNull();
      const answered = await fetch(`${own.baseUrl}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', origin: 'https://evil.example.com' },
        body: JSON.stringify({ query: '{ __typename }' }),
      });
      expect(answered.headers.get('access-control-allow-origin')).toBeNull();
    } finally {
      await own.close();
    }
  });

  it('allows other origins (CORS) and still blocks simple cross-site requests (CSRF prevention)', async () => {
    const preflight = await fetch(`${app.baseUrl}/graphql`, {
      method: 'OPTIONS',
      headers: { origin: 'https://maps.example.org', 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type' },
    });
    expect(preflight.headers.get('access-control-allow-origin')).toBe('https://maps.example.org');
    // The headers a browser page sets to revalidate, or to ask for a fresh answer rather than the cache's.
    const allowed = (preflight.headers.get('access-control-allow-headers') ?? '').split(',').map((header) => header.trim());
    expect(allowed).toEqual(expect.arrayContaining(['content-type', 'if-none-match', 'cache-control', 'pragma']));
    const simpleGet = await fetch(`${app.baseUrl}/graphql?query=${encodeURIComponent('{ __typename }')}`);
    expect(simpleGet.status).toBe(400);
  });

  it('serves automatic persisted queries', async () => {
    const query = '{ project(slug: "weldcome") { acronym } }';
    const sha256Hash = createHash('sha256').update(query).digest('hex');
    const extensions = { persistedQuery: { version: 1, sha256Hash } };
    expect((await post(app, { extensions })).json.errors[0].extensions.code).toBe('PERSISTED_QUERY_NOT_FOUND');
    expect((await post(app, { query, extensions })).json.data.project.acronym).toBe('WELDCOME');
    expect((await post(app, { extensions })).json.data.project.acronym).toBe('WELDCOME');
  });
});

describe('introspection switch', () => {
  let app: TestApp;
  beforeAll(async () => {
    // Compiled from a query text's second run: the first runs in graphql-js, the next compiled, and both are checked.
    app = await startTestApp({ INTROSPECTION: 'false', COMPILE_QUERIES_AFTER: '1' });
  });
  afterAll(() => app.close());

  it('refuses introspection when switched off', async () => {
    const { json } = await post(app, { query: '{ __schema { queryType { name } } }' });
    expect(json.errors[0].extensions.code).toBe('GRAPHQL_VALIDATION_FAILED');
    expect((await post(app, { query: '{ programmes { totalCount } }' })).json.data.programmes.totalCount).toBe(3);
    // Nor are the schema's names told through suggestions for a misspelt field.
    const misspelt = await post(app, { query: '{ programme(slug: "interreg-v-fwvl") { nam } }' });
    expect(misspelt.json.errors[0].extensions.code).toBe('GRAPHQL_VALIDATION_FAILED');
    expect(misspelt.json.errors[0].message).not.toMatch(/Did you mean/);
    // Nor through the errors of variables: an input field's or an enum value's name, run by graphql-js and
    // compiled (the third run of a query text).
    const query = 'query ($f: ProjectFilter) { projects(filter: $f) { totalCount } }';
    for (let run = 0; run < 4; run++) {
      for (const f of [{ programm: ['x'] }, { role: ['LEAD'] }]) {
        const refused = await post(app, { query, variables: { f } });
        expect(refused.json.errors[0].extensions.code).toBe('BAD_USER_INPUT');
        expect(refused.json.errors[0].message).toMatch(/\$f/);
        expect(refused.json.errors[0].message).not.toMatch(/Did you mean|programme|LEAD_PARTNER/);
      }
      expect((await post(app, { query, variables: { f: { role: ['LEAD_PARTNER'] } } })).json.data.projects.totalCount).toBeGreaterThan(0);
    }
  });
});

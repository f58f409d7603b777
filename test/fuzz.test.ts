import { startTestApp, TestApp } from './support/app';
import { snapshot } from './support/snapshot';

/** A small seeded generator (mulberry32), so that every run sends the same requests. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const HOSTILE_STRINGS = [
  "' OR 1=1 --",
  "'; DROP TABLE project; --",
  '"; DELETE FROM claim; --',
  "weldcome' UNION SELECT * FROM source --",
  '%', '_', '\\', '\\\\\'', '$1', '?', '??', ':name', '{}', '[]', 'null', 'undefined', '', ' ', '\t\n',
  '\u0000', '\u0000weldcome', '\uD800', '\uDFFF', '\u202Eemolced', '\u200B\u200B', 'ﬀ', 'Ⓦⓔⓛⓓ', '🇧🇪🇫🇷', 'é'.normalize('NFD'),
  'a'.repeat(10_000), 'é'.repeat(5_000), '('.repeat(500), '"'.repeat(300), '&|!<->:*'.repeat(50),
  'BE3', 'weldcome', 'le-forem', 'emploi transfrontalier',
];

const STRING_OPERATIONS = [
  'query ($s: String!) { project(slug: $s) { slug } }',
  'query ($s: String!) { organisation(slug: $s) { slug } }',
  'query ($s: String!) { territory(code: $s) { code } }',
  'query ($s: String!) { source(key: $s) { key } }',
  'query ($s: String!) { theme(slug: $s) { slug } }',
  'query ($s: String!) { programme(slug: $s) { slug } }',
  'query ($s: ID!) { node(id: $s) { id } }',
  'query ($s: ID!) { nodes(ids: [$s, $s]) { id } }',
  'query ($s: String!) { search(query: $s) { totalCount edges { rank } } }',
  'query ($s: String!) { search(query: "emploi", after: $s) { totalCount } }',
  'query ($s: String!) { projects(after: $s) { totalCount } }',
  'query ($s: String!) { territories(before: $s, last: 2) { totalCount } }',
  'query ($s: String!) { projects(filter: { text: $s }) { totalCount } }',
  'query ($s: String!) { projects(filter: { theme: [$s] }) { totalCount } }',
  'query ($s: String!) { projects(filter: { territory: [$s], partnerTerritory: [$s] }) { totalCount } }',
  'query ($s: String!) { projects(filter: { country: [$s], activeOn: $s }) { totalCount } }',
  'query ($s: String!) { projects(filter: { totalBudget: { min: $s } }) { totalCount } }',
  'query ($s: String!) { organisations(filter: { text: $s, country: [$s] }) { totalCount } }',
  'query ($s: String!) { territories(filter: { parent: $s }) { totalCount } }',
  'query ($s: String!) { conflicts(filter: { programme: [$s], recordType: [$s] }) { field } }',
  'query ($s: String!) { project(slug: "weldcome") { claims(field: $s) { value } } }',
  'query ($s: String!) { organisation(slug: "le-forem") { collaborators(filter: { programme: [$s] }) { count } } }',
];

const BROKEN_BODIES = [
  '{', '}', '{"query":', '{"query": 1}', '{"query": null}', '{"query": ["{ __typename }"]}', '[]', '[{}]', 'null', 'true', '"x"',
  '{"query": "{ __typename }", "variables": "not an object"}', '{"query": "{ __typename }", "variables": [1]}',
  '{"query": "{ __typename }", "operationName": 5}', '{"query": "{ __typename }", "extensions": 7}',
  '{"query": "query ($s: String!) { project(slug: $s) { slug } }", "variables": {"s": 5}}',
  '{"query": "query ($s: String!) { project(slug: $s) { slug } }", "variables": {"s": null}}',
  '{"query": "query ($n: Int) { projects(first: $n) { totalCount } }", "variables": {"n": "ten"}}',
  '{"query": "query ($n: Int) { projects(first: $n) { totalCount } }", "variables": {"n": 99999999999999}}',
  '{"query": "{ projects(first: 1.5) { totalCount } }"}', '{"query": "{ projects(first: -2147483649) { totalCount } }"}',
  '{"query": "{ nosuchfield }"}', '{"query": "mutation { x }"}', '{"query": "subscription { x }"}', '{"query": "{ __typename"}',
  '{"query": "query A { __typename } query B { __typename }"}', '{"query": "fragment F on Project { ...F } { project(slug: \\"weldcome\\") { ...F } }"}',
  '{"query": "{ __proto__ { x } }"}', '{"__proto__": {"query": "{ __typename }"}}', '{"constructor": {"prototype": {"x": 1}}, "query": "{ __typename }"}',
  `{"query": "${'{ project(slug: \\"weldcome\\") '.repeat(60)}${'}'.repeat(60)}"}`,
  `{"query": "{ ${'a: __typename '.repeat(200)}}"}`,
  `{"query": "${'{'.repeat(3000)}"}`,
  `{"query": "{ __typename }", "variables": ${'['.repeat(2000)}${']'.repeat(2000)}}`,
  // Deep inside an object of variables, where Apollo does not look (every value of it is walked and written out).
  `{"query": "{ __typename }", "variables": {"v": ${'['.repeat(30_000)}${']'.repeat(30_000)}}}`,
  `{"query": "query ($v: [[String]]) { __typename }", "variables": {"v": ${'['.repeat(30_000)}${']'.repeat(30_000)}}}`,
  // A null sent for a variable whose default fills a non-null argument: validation lets it through, execution refuses it.
  '{"query": "query ($s: String = \\"weldcome\\") { project(slug: $s) { slug } }", "variables": {"s": null}}',
];

const CONTENT_TYPES = ['application/json', 'text/plain', 'application/graphql', 'application/x-www-form-urlencoded', 'multipart/form-data', ''];

interface Outcome {
  status: number;
  body: string;
}

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp();
});
afterAll(() => app.close());

async function send(init: RequestInit & { path?: string }): Promise<Outcome> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), 10_000);
  try {
    const response = await fetch(`${app.baseUrl}${init.path ?? '/graphql'}`, { ...init, signal: controller.signal });
    return { status: response.status, body: await response.text() };
  } finally {
    clearTimeout(timer);
  }
}

/** URL-encodes, sending the raw bytes of an unpaired surrogate (invalid UTF-8) where JavaScript refuses to. */
function encode(value: string): string {
  try {
    return encodeURIComponent(value);
  } catch {
    return '%ED%A0%80';
  }
}

/** The requests, built from the lists above in a seeded order. */
function requests(): Array<RequestInit & { path?: string; label: string }> {
  const next = random(20261126);
  const pick = <T>(items: T[]) => items[Math.floor(next() * items.length)];
  const all: Array<RequestInit & { path?: string; label: string }> = [];
  for (const operation of STRING_OPERATIONS) {
    for (const value of HOSTILE_STRINGS) {
      all.push({ label: `${operation} with ${JSON.stringify(value).slice(0, 40)}`, method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: operation, variables: { s: value } }) });
    }
  }
  for (const body of BROKEN_BODIES) {
    for (const contentType of CONTENT_TYPES) {
      all.push({ label: `${contentType}: ${body.slice(0, 60)}`, method: 'POST', headers: contentType ? { 'content-type': contentType } : {}, body });
    }
  }
  for (let index = 0; index < 1200; index++) {
    const value = pick(HOSTILE_STRINGS);
    const literal = JSON.stringify(value);
    const shape = Math.floor(next() * 6);
    if (shape === 0) {
      all.push({ label: `inline literal ${literal.slice(0, 40)}`, method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: `{ project(slug: ${literal}) { slug } }` }) });
    } else if (shape === 1) {
      all.push({ label: `GET ${literal.slice(0, 40)}`, method: 'GET', headers: { 'apollo-require-preflight': 'true' }, path: `/graphql?query=${encode(`{ search(query: ${literal}) { totalCount } }`)}&variables=${encode(value)}` });
    } else if (shape === 2) {
      all.push({ label: `CSV ${literal.slice(0, 40)}`, method: 'GET', path: `/export/${pick(['projects', 'organisations', 'participations', 'funding', 'claims'])}.csv?${pick(['territory', 'theme', 'role', 'kind', 'country', 'text', 'activeOn', 'totalBudgetMin', 'field', 'recordType'])}=${encode(value)}` });
    } else if (shape === 3) {
      const bytes = Buffer.from(Array.from({ length: 1 + Math.floor(next() * 200) }, () => Math.floor(next() * 256)));
      all.push({ label: 'random bytes', method: 'POST', headers: { 'content-type': 'application/json' }, body: bytes });
    } else if (shape === 4) {
      all.push({ label: `random first ${index}`, method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: `{ projects(first: ${Math.floor((next() - 0.5) * 4_000_000_000)}) { totalCount } }` }) });
    } else {
      all.push({ label: `odd path ${index}`, method: pick(['GET', 'POST', 'PUT', 'DELETE', 'PATCH']), path: pick(['/graphql/', '/graphql?query=', '/export/x.csv', '/graphiql/../../package.json', '/%2e%2e/etc/passwd', '/readyz?x=1']) });
    }
  }
  return all;
}

describe('fuzzing', () => {
  it('answers thousands of malformed and hostile requests without a 5xx, a crash or a hang, and changes no data', async () => {
    const before = await snapshot(app.orm);
    const all = requests();
    expect(all.length).toBeGreaterThan(2000);
    const failures: string[] = [];
    const statuses = new Map<number, number>();
    // Ten at a time, like a small crowd.
    for (let start = 0; start < all.length; start += 10) {
      const batch = all.slice(start, start + 10);
      const outcomes = await Promise.all(batch.map((request) => send(request).catch((error: Error) => ({ status: 0, body: error.message }))));
      outcomes.forEach((outcome, index) => {
        statuses.set(outcome.status, (statuses.get(outcome.status) ?? 0) + 1);
        if (outcome.status === 0 || outcome.status >= 500) failures.push(`${outcome.status} ${batch[index].label}: ${outcome.body.slice(0, 200)}`);
        // A masked error is a failure too: hostile input must be refused as such, not break something inside.
        if (/INTERNAL_SERVER_ERROR|Internal server error|node_modules|from \\?"|\bat \S+\.(ts|js):\d+/.test(outcome.body)) {
          failures.push(`leak ${batch[index].label}: ${outcome.body.slice(0, 200)}`);
        }
      });
    }
    expect(failures).toEqual([]);
    expect((await send({ path: '/healthz' })).status).toBe(200);
    expect(await snapshot(app.orm)).toEqual(before);
    expect([...statuses.keys()].every((status) => status < 500)).toBe(true);
  }, 300_000);
});

import { KnexTimeoutError } from 'knex';
import { databaseUnavailable } from '../src/db/failures';
import { QUERY_TIMEOUT_MARGIN_MS } from '../src/db/orm.config';
import { PausableProxy } from './support/pausable-proxy';
import { startTestApp, TestApp } from './support/app';

/**
 * A server that hangs, or a network that drops its packets in a failover, answers nothing, and PostgreSQL's
 * own statement timeout cannot help. The API gives up on a statement itself, past the statement timeout and
 * a margin, answers SERVICE_UNAVAILABLE, and ends the connection, so that its pool opens a new one. Before,
 * a request waited for as long as TCP does. The server connects through a proxy that freezes the
 * connections open at the time (test/support/pausable-proxy.ts) and lets new ones pass, as to the server
 * that answers after a failover.
 */
const STATEMENT_TIMEOUT_MS = 1000;

let app: TestApp;
let proxy: PausableProxy;
beforeAll(async () => {
  app = await startTestApp(
    { STATEMENT_TIMEOUT_MS: String(STATEMENT_TIMEOUT_MS) },
    {
      connectThrough: async (databaseUrl) => {
        const { hostname, port } = new URL(databaseUrl);
        proxy = new PausableProxy({ host: hostname, port: Number(port) });
        return proxy.start(databaseUrl);
      },
    },
  );
});
afterAll(async () => {
  // The proxy first: a request still waiting on a frozen connection is then answered, and the app can close.
  await proxy?.close();
  await app?.close();
});

// An unfiltered page runs on the pool of named prepared statements, a filtered one on the other pool.
const UNFILTERED = '{ projects(first: 2) { edges { node { slug } } } }';
const FILTERED = '{ projects(filter: { activeOn: "2019-01-01" }) { totalCount } }';

/** A query with a deadline of its own: a hang fails the test rather than outliving it. */
async function ask(query: string): Promise<{ errors?: Array<{ extensions?: Record<string, unknown> }> }> {
  const response = await fetch(`${app.baseUrl}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query }),
    signal: AbortSignal.timeout(30_000),
  });
  return (await response.json()) as { errors?: Array<{ extensions?: Record<string, unknown> }> };
}

it('answers SERVICE_UNAVAILABLE, from both pools, when the server hangs, and serves the next requests on new connections', async () => {
  for (const query of [UNFILTERED, FILTERED]) expect((await ask(query)).errors).toBeUndefined();
  const frozen = proxy.freeze();
  expect(frozen).toBeGreaterThanOrEqual(2);
  const started = Date.now();
  const answers = await Promise.all([UNFILTERED, FILTERED].map(ask));
  const waited = Date.now() - started;
  for (const answer of answers) expect(answer.errors?.[0].extensions).toMatchObject({ code: 'SERVICE_UNAVAILABLE' });
  expect(waited).toBeGreaterThanOrEqual(STATEMENT_TIMEOUT_MS + QUERY_TIMEOUT_MARGIN_MS - 100);
  expect(waited).toBeLessThan(STATEMENT_TIMEOUT_MS + QUERY_TIMEOUT_MARGIN_MS + 10_000);
  // The connections given up on are ended, not handed out again: with the old ones still frozen, the next
  // requests are served on new ones (each idle connection to the hung server costs one request its wait
  // before it is ended in turn).
  for (const query of [UNFILTERED, FILTERED]) {
    let answer = await ask(query);
    for (let attempt = 0; attempt < frozen && answer.errors; attempt++) answer = await ask(query);
    expect(answer.errors).toBeUndefined();
  }
}, 120_000);

it('reads knex giving up on a free connection, and node-postgres on an answer, as the database being unavailable', () => {
  // As knex makes it (lib/client.js), and as node-postgres does (lib/client.js).
  expect(databaseUnavailable(new KnexTimeoutError('Knex: Timeout acquiring a connection. The pool is probably full. Are you missing a .transacting(trx) call?'))).toBe(true);
  expect(databaseUnavailable(new Error('Query read timeout'))).toBe(true);
  expect(databaseUnavailable(new Error('relation "nope" does not exist'))).toBe(false);
});

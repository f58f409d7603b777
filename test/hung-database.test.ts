import { KnexTimeoutError } from 'knex';
import { Client } from 'pg';
import { databaseUnavailable } from '../src/db/failures';
import { QUERY_TIMEOUT_MARGIN_MS } from '../src/db/orm.config';
import { startTestApp, TestApp, waitUntil } from './support/app';

/**
 * A server that hangs (its processes stopped, their sockets open) answers nothing, and PostgreSQL's own
 * statement timeout cannot fire. The API gives up on a statement itself, past the statement timeout and a
 * margin, and answers SERVICE_UNAVAILABLE; before, a request waited for as long as TCP does.
 */
const STATEMENT_TIMEOUT_MS = 500;

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp({ STATEMENT_TIMEOUT_MS: String(STATEMENT_TIMEOUT_MS) });
});
afterAll(() => app?.close());

// An unfiltered page runs on the pool of named prepared statements, a filtered one on the other pool.
const UNFILTERED = '{ projects(first: 2) { edges { node { slug } } } }';
const FILTERED = '{ projects(filter: { activeOn: "2019-01-01" }) { totalCount } }';

it('answers SERVICE_UNAVAILABLE, from both pools, when the server hangs, and recovers when it answers again', async () => {
  for (const query of [UNFILTERED, FILTERED]) expect((await app.query(query)).errors).toBeUndefined();
  const observer = new Client({ connectionString: app.databaseUrl });
  await observer.connect();
  const { rows } = await observer.query<{ pid: number }>('select pid from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid()');
  await observer.end();
  const pids = rows.map((row) => row.pid);
  expect(pids.length).toBeGreaterThanOrEqual(2);
  for (const pid of pids) process.kill(pid, 'SIGSTOP');
  try {
    const started = Date.now();
    const answers = await Promise.all([UNFILTERED, FILTERED].map((query) => app.query(query)));
    const waited = Date.now() - started;
    for (const answer of answers) expect(answer.errors?.[0].extensions).toMatchObject({ code: 'SERVICE_UNAVAILABLE' });
    expect(waited).toBeGreaterThanOrEqual(STATEMENT_TIMEOUT_MS + QUERY_TIMEOUT_MARGIN_MS - 100);
    expect(waited).toBeLessThan(STATEMENT_TIMEOUT_MS + QUERY_TIMEOUT_MARGIN_MS + 5000);
  } finally {
    for (const pid of pids) process.kill(pid, 'SIGCONT');
  }
  // The connections whose statements were given up on answer again, and serve the next requests.
  await waitUntil(async () => (await Promise.all([UNFILTERED, FILTERED].map((query) => app.query(query)))).every((answer) => !answer.errors), 20_000, 100);
}, 60_000);

it('reads knex giving up on a free connection, and node-postgres on an answer, as the database being unavailable', async () => {
  // As knex makes it (lib/client.js), and as node-postgres does (lib/client.js).
  expect(databaseUnavailable(new KnexTimeoutError('Knex: Timeout acquiring a connection. The pool is probably full. Are you missing a .transacting(trx) call?'))).toBe(true);
  expect(databaseUnavailable(new Error('Query read timeout'))).toBe(true);
  expect(databaseUnavailable(new Error('relation "nope" does not exist'))).toBe(false);
});

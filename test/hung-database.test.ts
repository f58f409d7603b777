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

it('answers SERVICE_UNAVAILABLE, from both pools, when the server hangs, and serves the next requests on new connections', async () => {
  for (const query of [UNFILTERED, FILTERED]) expect((await app.query(query)).errors).toBeUndefined();
  const observer = new Client({ connectionString: app.databaseUrl });
  await observer.connect();
  // The API's own sessions, not PostgreSQL's workers on the database (autovacuum) nor this one.
  const sessions = async () =>
    (await observer.query<{ pid: number }>(`select pid from pg_stat_activity where datname = current_database() and backend_type = 'client backend' and pid <> pg_backend_pid()`)).rows.map((row) => row.pid);
  const hung = await sessions();
  expect(hung.length).toBeGreaterThanOrEqual(2);
  /** Signals a process, which may have ended since it was listed. */
  const signal = (pid: number, name: NodeJS.Signals) => {
    try {
      process.kill(pid, name);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error;
    }
  };
  try {
    for (const pid of hung) signal(pid, 'SIGSTOP');
    const started = Date.now();
    const answers = await Promise.all([UNFILTERED, FILTERED].map((query) => app.query(query)));
    const waited = Date.now() - started;
    for (const answer of answers) expect(answer.errors?.[0].extensions).toMatchObject({ code: 'SERVICE_UNAVAILABLE' });
    expect(waited).toBeGreaterThanOrEqual(STATEMENT_TIMEOUT_MS + QUERY_TIMEOUT_MARGIN_MS - 100);
    expect(waited).toBeLessThan(STATEMENT_TIMEOUT_MS + QUERY_TIMEOUT_MARGIN_MS + 5000);
    // The connections given up on are ended, not handed out again: while the old sessions still hang, the
    // next requests are served on new ones, as after a failover to a server that answers (each idle
    // connection to the hung server costs one request its wait before it is ended in turn).
    for (const query of [UNFILTERED, FILTERED]) {
      let answer = await app.query(query);
      for (let attempt = 0; attempt < hung.length && answer.errors; attempt++) answer = await app.query(query);
      expect(answer.errors).toBeUndefined();
    }
    expect((await sessions()).filter((pid) => !hung.includes(pid)).length).toBeGreaterThanOrEqual(2);
  } finally {
    for (const pid of hung) signal(pid, 'SIGCONT');
    await observer.end();
  }
}, 120_000);

it('reads knex giving up on a free connection, and node-postgres on an answer, as the database being unavailable', async () => {
  // As knex makes it (lib/client.js), and as node-postgres does (lib/client.js).
  expect(databaseUnavailable(new KnexTimeoutError('Knex: Timeout acquiring a connection. The pool is probably full. Are you missing a .transacting(trx) call?'))).toBe(true);
  expect(databaseUnavailable(new Error('Query read timeout'))).toBe(true);
  expect(databaseUnavailable(new Error('relation "nope" does not exist'))).toBe(false);
});

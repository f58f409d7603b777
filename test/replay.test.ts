import { Pool, QueryConfig, QueryResult } from 'pg';
import { connectionPools, openOrm } from '../src/db/orm';
import { POOL_SIZE } from '../src/db/orm.config';
import { benchConfig, RecordedStatement, recordStatements } from '../src/generate/plans';
import { StatementReplay } from '../src/generate/replay';
import { sqlStatementsOf, startTestApp, TestApp, waitUntil } from './support/app';

/** `npm run bench`'s "SQL alone": an operation's statements recorded from the API and sent again without it. */
describe("an operation's SQL alone", () => {
  let app: TestApp;
  const listPage = `{ projects(first: 20, orderBy: { field: TITLE, lang: FR }) { totalCount edges { node { slug leadPartner { name } themes { name } territories { code } } } } }`;

  beforeAll(async () => {
    app = await startTestApp();
    await app.orm.em.getConnection().execute('create sequence replay_probe');
  });

  afterAll(async () => {
    await app.close();
  });

  it('records the statements an operation sends, in order, named ones with their names', async () => {
    const [statements] = await recordStatements(app.orm, benchConfig(app.databaseUrl), [{ name: 'list page', query: listPage }]);
    expect(statements).toHaveLength(sqlStatementsOf(await app.query(listPage)));
    expect(statements[0].sql).toMatch(/from "project"/);
    expect(statements.every(({ name }) => name?.startsWith('kb_'))).toBe(true);
    // The page first; then its lead partners, themes and territories, batched and sent together.
    expect(statements.map(({ wave }) => wave)).toEqual([0, 1, 1, 1]);
    // Read as the row mappers read them: arrays in select-list order.
    expect(statements.map(({ rowMode }) => rowMode)).toEqual(statements.map(() => 'array'));
    // Placeholders as PostgreSQL reads them, with their values.
    expect(statements[1].sql).toMatch(/= any\(\$1\)/);
    expect(statements[1].bindings).toEqual([expect.arrayContaining([expect.any(String)])]);
  });

  it('records the waves as the API sent them, whatever the time its connections take to open', async () => {
    // A connection opened while the warm-up run was answered is still opening when the recorded run starts:
    // a statement waiting for it is sent after its batch's other answers and would read as a wave of its own.
    const orm = await openOrm(app.databaseUrl);
    try {
      // knex's own method for a new connection (not a public one: counted, so that a knex that no longer
      // calls it fails this test rather than leave its connections quick to open).
      let delayed = 0;
      for (const knex of connectionPools(orm)) {
        const client = knex.client as { acquireRawConnection: () => Promise<unknown> };
        const open = client.acquireRawConnection.bind(client);
        client.acquireRawConnection = async () => {
          delayed++;
          await new Promise((resolve) => setTimeout(resolve, 100));
          return open();
        };
      }
      const [statements] = await recordStatements(orm, benchConfig(app.databaseUrl), [{ name: 'list page', query: listPage }]);
      expect(delayed).toBeGreaterThan(0);
      expect(statements.map(({ wave }) => wave)).toEqual([0, 1, 1, 1]);
    } finally {
      await orm.close(true);
    }
  });

  it('fails on an operation that fails, naming it', async () => {
    await expect(recordStatements(app.orm, benchConfig(app.databaseUrl), [{ name: 'a typo', query: '{ projets { totalCount } }' }])).rejects.toThrow(
      /a typo fails: .*Cannot query field/,
    );
  });

  /** A replay whose sessions carry their own application name, to find them in pg_stat_activity. */
  const probeReplay = (statements: RecordedStatement[], connections: number) => {
    const url = new URL(app.databaseUrl);
    url.searchParams.set('application_name', 'replay-probe');
    return new StatementReplay(url.toString(), statements, connections);
  };
  const sessions = async () =>
    (await app.orm.em.getConnection().execute<Array<{ pid: number }>>(`select pid from pg_stat_activity where application_name = 'replay-probe' order by pid`)).map(
      ({ pid }) => pid,
    );
  const drawn = async (sequence: string) => Number((await app.orm.em.getConnection().execute<Array<{ last_value: string }>>(`select last_value from ${sequence}`))[0].last_value);

  it('sends each statement once a request, named ones on sessions that plan generically, on sessions opened beforehand', async () => {
    // Each statement draws from the sequence only on the sessions it belongs to: a statement sent twice, or
    // on the wrong pool, would leave the sequence off twice the count of requests.
    const statements = [
      { sql: `select nextval('replay_probe') where current_setting('plan_cache_mode') = 'force_generic_plan'`, bindings: [], name: 'kb_replay_probe', rowMode: 'array' as const, wave: 0 },
      { sql: `select nextval($1::regclass) where current_setting('plan_cache_mode') = 'auto'`, bindings: ['replay_probe'], wave: 1 },
    ];
    const replay = probeReplay(statements, 3);
    try {
      await replay.openSessions();
      // The API's number of sessions in each pool, each having sent its pool's statement once.
      const opened = await sessions();
      expect(opened).toHaveLength(2 * POOL_SIZE);
      expect(await drawn('replay_probe')).toBe(2 * POOL_SIZE);
      const first = await replay.run(1);
      const second = await replay.run(0.2);
      // The 3 loops send requests again and again until the time is up: more than one a loop in a second,
      // counted together (a floor of 10 in 0.2 s failed on a busy moment of a 2-core machine, with 4).
      expect(first.requests).toBeGreaterThan(3);
      expect(second.seconds).toBeGreaterThanOrEqual(0.2);
      expect(await drawn('replay_probe')).toBe(2 * POOL_SIZE + 2 * (first.requests + second.requests));
      // The runs went on the sessions opened before them.
      expect(await sessions()).toEqual(opened);
    } finally {
      await replay.close();
    }
    // Closed: the server ends each session once its connection has gone (a moment after).
    await waitUntil(async () => (await sessions()).length === 0, 10_000);
    expect(await sessions()).toEqual([]);
  });

  it('sends the statements of a wave together, and the waves one after another', async () => {
    // Each statement sleeps, then notes when PostgreSQL received it and when it ended, by PostgreSQL's own
    // clock: a busy machine can stretch those times, not reorder them.
    const connection = app.orm.em.getConnection();
    await connection.execute('create table replay_waves (wave int, started timestamptz, ended timestamptz)');
    const sleep = (wave: number) => ({
      sql: `insert into replay_waves select ${wave}, statement_timestamp(), clock_timestamp() from pg_sleep(0.5)`,
      bindings: [],
      wave,
    });
    const replay = new StatementReplay(app.databaseUrl, [sleep(0), sleep(0), sleep(1)], 1);
    try {
      // Its sessions opened first (which sends each statement once): no statement waits for one.
      await replay.openSessions();
      await connection.execute('delete from replay_waves');
      expect((await replay.run(0.01)).requests).toBe(1);
    } finally {
      await replay.close();
    }
    // In seconds since the epoch, to the microsecond.
    const [first, second, next] = await connection.execute<Array<{ wave: number; started: number; ended: number }>>(
      'select wave, extract(epoch from started)::float8 as started, extract(epoch from ended)::float8 as ended from replay_waves order by wave, started',
    );
    expect([first.wave, second.wave, next.wave]).toEqual([0, 0, 1]);
    // The first wave's two ran at once: the second was received while the first slept.
    expect(second.started).toBeLessThan(first.ended);
    // The next wave was sent once both had been answered.
    expect(next.started).toBeGreaterThanOrEqual(Math.max(first.ended, second.ended));
  });

  it('reads rows as arrays where the API read them so, and as objects elsewhere', async () => {
    // What node-postgres handed back for each statement the replay sent (kept before the spy is restored,
    // which clears its record).
    const sent = jest.spyOn(Pool.prototype, 'query');
    const replay = new StatementReplay(
      app.databaseUrl,
      [
        { sql: 'select 1 as one', bindings: [], rowMode: 'array', wave: 0 },
        { sql: 'select 2 as two', bindings: [], wave: 0 },
      ],
      1,
    );
    let answers: Array<{ text: string; answer: Promise<QueryResult> }> = [];
    try {
      await replay.run(0.05);
      answers = sent.mock.calls.map(([config], index) => ({ text: (config as unknown as QueryConfig).text, answer: sent.mock.results[index].value }));
    } finally {
      await replay.close();
      sent.mockRestore();
    }
    const firstRows = async (text: string) => {
      const of = answers.filter((sentOne) => sentOne.text === text);
      expect(of.length).toBeGreaterThan(0);
      return new Set(await Promise.all(of.map(async ({ answer }) => JSON.stringify((await answer).rows[0]))));
    };
    expect(await firstRows('select 1 as one')).toEqual(new Set(['[1]']));
    expect(await firstRows('select 2 as two')).toEqual(new Set(['{"two":2}']));
  });

  it("opens as many sessions as the API's pools have, whatever the number of loops", async () => {
    const replay = probeReplay([{ sql: 'select 1', bindings: [], name: 'kb_replay_one', wave: 0 }], POOL_SIZE + 5);
    try {
      await replay.openSessions();
      // Only the pool with statements, at the API's size.
      expect(await sessions()).toHaveLength(POOL_SIZE);
      expect((await replay.run(0.1)).requests).toBeGreaterThan(0);
      expect(await sessions()).toHaveLength(POOL_SIZE);
    } finally {
      await replay.close();
    }
  });

  it("fails with PostgreSQL's error, and stops every loop", async () => {
    const started = performance.now();
    const replay = new StatementReplay(app.databaseUrl, [{ sql: 'select * from no_such_table', bindings: [], wave: 0 }], 3);
    // Stopped at once, not at the deadline 30 s away (the bound leaves room for a busy machine, and the
    // run ends within the test's time even if it is not stopped).
    await expect(replay.run(30).finally(() => replay.close())).rejects.toThrow('relation "no_such_table" does not exist');
    expect(performance.now() - started).toBeLessThan(20_000);
    expect(() => new StatementReplay(app.databaseUrl, [], 1)).toThrow('there are no statements to replay');
  });

  it('stops the other loops when one fails mid-run', async () => {
    // Fails on the 50th draw only: the loops still running then would go on until the deadline, drawing
    // on, unless the failure stops them.
    await app.orm.em.getConnection().execute('create sequence replay_failure');
    const replay = new StatementReplay(app.databaseUrl, [{ sql: `select 1 / (50 - nextval('replay_failure')) as drawn`, bindings: [], wave: 0 }], 4);
    const started = performance.now();
    // 30 s: within the test's time even if the others went on to the deadline.
    await expect(replay.run(30).finally(() => replay.close())).rejects.toThrow('division by zero');
    expect(performance.now() - started).toBeLessThan(20_000);
    // A few draws after the failing one, however slowly its error comes back (without the stop: thousands,
    // until the deadline).
    expect(await drawn('replay_failure')).toBeLessThan(50 + 500);
  });

  it('fails to open its sessions on a failing statement, and closes', async () => {
    const replay = new StatementReplay(app.databaseUrl, [{ sql: 'select * from no_such_table', bindings: [], wave: 0 }], 2);
    await expect(replay.openSessions()).rejects.toThrow('relation "no_such_table" does not exist');
    // Every session was given back: closing does not wait for one.
    await replay.close();
  });
});

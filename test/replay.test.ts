import { benchConfig, recordStatements } from '../src/generate/plans';
import { StatementReplay } from '../src/generate/replay';
import { sqlStatementsOf, startTestApp, TestApp } from './support/app';

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
    // Read as the row mappers read them: arrays in select-list order.
    expect(statements.map(({ rowMode }) => rowMode)).toEqual(statements.map(() => 'array'));
    // Placeholders as PostgreSQL reads them, with their values.
    expect(statements[1].sql).toMatch(/= any\(\$1\)/);
    expect(statements[1].bindings).toEqual([expect.arrayContaining([expect.any(String)])]);
  });

  it('fails on an operation that fails, naming it', async () => {
    await expect(recordStatements(app.orm, benchConfig(app.databaseUrl), [{ name: 'a typo', query: '{ projets { totalCount } }' }])).rejects.toThrow(
      /a typo fails: .*Cannot query field/,
    );
  });

  it('sends each statement once a request, named ones on sessions that plan generically', async () => {
    // Each statement draws from the sequence only on the sessions it belongs to: a statement sent twice, or
    // on the wrong pool, would leave the sequence off twice the count of requests.
    const statements = [
      { sql: `select nextval('replay_probe') where current_setting('plan_cache_mode') = 'force_generic_plan'`, bindings: [], name: 'kb_replay_probe' },
      { sql: `select nextval($1::regclass) where current_setting('plan_cache_mode') = 'auto'`, bindings: ['replay_probe'] },
    ];
    const url = new URL(app.databaseUrl);
    url.searchParams.set('application_name', 'replay-probe');
    const replay = new StatementReplay(url.toString(), statements, 3);
    const sessions = () => app.orm.em.getConnection().execute<Array<{ pid: number }>>(`select pid from pg_stat_activity where application_name = 'replay-probe'`);
    try {
      const first = await replay.run(0.2);
      const opened = await sessions();
      const second = await replay.run(0.2);
      expect(first.requests).toBeGreaterThan(10);
      expect(second.seconds).toBeGreaterThanOrEqual(0.2);
      const [{ last_value }] = await app.orm.em.getConnection().execute<Array<{ last_value: string }>>('select last_value from replay_probe');
      expect(Number(last_value)).toBe(2 * (first.requests + second.requests));
      // The second run goes on the sessions of the first (the statements prepared there stay warm).
      expect(opened.length).toBeGreaterThan(0);
      expect((await sessions()).map(({ pid }) => pid).sort()).toEqual(opened.map(({ pid }) => pid).sort());
    } finally {
      await replay.close();
    }
    // Closed: the server ends each session once its connection has gone (a moment after).
    for (let attempt = 0; attempt < 40 && (await sessions()).length > 0; attempt++) await new Promise((resolve) => setTimeout(resolve, 50));
    expect(await sessions()).toEqual([]);
  });

  it("fails with PostgreSQL's error, and stops every loop", async () => {
    const started = performance.now();
    const replay = new StatementReplay(app.databaseUrl, [{ sql: 'select * from no_such_table', bindings: [] }], 3);
    await expect(replay.run(5).finally(() => replay.close())).rejects.toThrow('relation "no_such_table" does not exist');
    expect(performance.now() - started).toBeLessThan(2000);
    expect(() => new StatementReplay(app.databaseUrl, [], 1)).toThrow('there are no statements to replay');
  });
});

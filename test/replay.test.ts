import { benchConfig, recordStatements } from '../src/generate/plans';
import { replayStatements } from '../src/generate/replay';
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
    const { requests, seconds } = await replayStatements(app.databaseUrl, statements, { seconds: 0.3, connections: 3 });
    expect(requests).toBeGreaterThan(10);
    expect(seconds).toBeGreaterThanOrEqual(0.3);
    const [{ last_value }] = await app.orm.em.getConnection().execute<Array<{ last_value: string }>>('select last_value from replay_probe');
    expect(Number(last_value)).toBe(2 * requests);
  });

  it("fails with PostgreSQL's error, and stops every loop", async () => {
    const started = performance.now();
    await expect(replayStatements(app.databaseUrl, [{ sql: 'select * from no_such_table', bindings: [] }], { seconds: 5, connections: 3 })).rejects.toThrow(
      'relation "no_such_table" does not exist',
    );
    expect(performance.now() - started).toBeLessThan(2000);
    await expect(replayStatements(app.databaseUrl, [], { seconds: 1, connections: 1 })).rejects.toThrow('there are no statements to replay');
  });
});

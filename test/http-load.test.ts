import { connectionPools } from '../src/db/orm';
import { postRepeatedly } from '../src/generate/http-load';
import { startTestApp, TestApp } from './support/app';

/** `npm run bench:profile`'s client: a worker thread posting over HTTP to a server of this process. */
describe('the profile load', () => {
  let app: TestApp;

  beforeAll(async () => {
    app = await startTestApp();
  });

  afterAll(async () => {
    await app.close();
  });

  it('sends the query as many times as asked, several at a time', async () => {
    let statements = 0;
    const count = () => statements++;
    for (const knex of connectionPools(app.orm)) knex.on('query', count);
    try {
      // One statement a request: the project by its slug.
      await postRepeatedly(`${app.baseUrl}/graphql`, '{ project(slug: "weldcome") { id } }', 25, 4);
    } finally {
      for (const knex of connectionPools(app.orm)) knex.off('query', count);
    }
    expect(statements).toBe(25);
  });

  it("fails when nothing listens, with the client's error", async () => {
    // Nothing listens on port 1 (a closed server's port could be another suite's by now).
    await expect(postRepeatedly('http://127.0.0.1:1/graphql', '{ __typename }', 5, 2)).rejects.toThrow(/ECONNREFUSED/);
  });

  it('fails on an operation that fails, with its answer', async () => {
    await expect(postRepeatedly(`${app.baseUrl}/graphql`, '{ nothing }', 5, 2)).rejects.toThrow(/the operation fails: .*Cannot query field .*nothing/);
  });
});

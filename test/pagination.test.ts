import { startTestApp, TestApp } from './support/app';

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp({ MAX_PAGE_SIZE: '20' });
});
afterAll(() => app.close());

const TERRITORIES = `query ($first: Int, $after: String, $last: Int, $before: String) {
  territories(first: $first, after: $after, last: $last, before: $before) {
    totalCount
    edges { cursor node { code } }
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
  }
}`;

describe('Relay connections', () => {
  it('walks forward page by page through every record, with an exact totalCount', async () => {
    const seen: string[] = [];
    let after: string | null = null;
    let total = 0;
    for (let page = 0; page < 20; page++) {
      const { territories }: any = await app.data(TERRITORIES, { first: 7, after });
      total = territories.totalCount;
      seen.push(...territories.edges.map((edge: any) => edge.node.code));
      if (!territories.pageInfo.hasNextPage) break;
      after = territories.pageInfo.endCursor;
    }
    expect(total).toBe(51);
    expect(seen).toHaveLength(51);
    expect(new Set(seen).size).toBe(51);
    expect([...seen].sort()).toEqual(seen);
  });

  it('walks backward with last/before and meets the same order', async () => {
    const { territories: firstPage }: any = await app.data(TERRITORIES, { first: 10 });
    const { territories: before }: any = await app.data(TERRITORIES, { last: 3, before: firstPage.edges[6].cursor });
    expect(before.edges.map((edge: any) => edge.node.code)).toEqual(firstPage.edges.slice(3, 6).map((edge: any) => edge.node.code));
    expect(before.pageInfo).toMatchObject({ hasPreviousPage: true, hasNextPage: true });
    const { territories: tail }: any = await app.data(TERRITORIES, { last: 2 });
    expect(tail.pageInfo.hasNextPage).toBe(false);
    expect(tail.edges).toHaveLength(2);
  });

  // `first` with `last`, a negative or too large `first` and a foreign cursor are in querying.test.ts.
  it.each([
    [{ last: 500 }, 'last', 'between 0 and 20'],
    [{ last: 2, before: 'garbage' }, 'before', 'not a cursor'],
  ])('rejects %j with BAD_USER_INPUT naming "%s"', async (variables, argumentName, message) => {
    const response = await app.query(TERRITORIES, variables);
    expect(response.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', argumentName });
    expect(response.errors?.[0].message).toContain(message);
  });
});

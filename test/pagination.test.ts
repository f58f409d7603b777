import { startTestApp, TestApp } from './support/app';
import { addSyntheticRecords } from './support/synthetic';

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

  it("says records precede a page read backward from an after cursor, and follow one read forward to a before cursor", async () => {
    const { territories: firstPage }: any = await app.data(TERRITORIES, { first: 4 });
    const [one, , , four] = firstPage.edges.map((edge: any) => edge.cursor);
    // The window between the cursors holds two records, the page both: the cursors' own records lie beyond it.
    const backward: any = (await app.data(TERRITORIES, { last: 2, after: one, before: four })).territories;
    expect(backward.edges.map((edge: any) => edge.cursor)).toEqual(firstPage.edges.slice(1, 3).map((edge: any) => edge.cursor));
    expect(backward.pageInfo).toMatchObject({ hasPreviousPage: true, hasNextPage: true });
    const forward: any = (await app.data(TERRITORIES, { first: 2, after: one, before: four })).territories;
    expect(forward.pageInfo).toMatchObject({ hasPreviousPage: true, hasNextPage: true });
    // From the start, read backward to a cursor: nothing precedes the first record.
    const head: any = (await app.data(TERRITORIES, { last: 5, before: four })).territories;
    expect(head.edges).toHaveLength(3);
    expect(head.pageInfo).toMatchObject({ hasPreviousPage: false, hasNextPage: true });
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

describe('a page size cap below the default of 20', () => {
  let capped: TestApp;
  beforeAll(async () => {
    capped = await startTestApp({ MAX_PAGE_SIZE: '5' });
  });
  afterAll(() => capped.close());

  it('costs a list asked without first or last at the page it gets, not at the default of 20', async () => {
    const response = await capped.query('{ territories { edges { node { code } } } }');
    expect(response.extensions?.cost?.requested).toBe(5);
  });

  it('gives a list or a search asked without first or last no more records than the cap', async () => {
    const { territories }: any = await capped.data('{ territories { edges { node { code } } pageInfo { hasNextPage } } }');
    expect(territories.edges).toHaveLength(5);
    expect(territories.pageInfo.hasNextPage).toBe(true);
    const { search }: any = await capped.data('{ search(query: "emploi") { totalCount edges { rank } } }');
    expect(search.totalCount).toBeGreaterThan(5);
    expect(search.edges).toHaveLength(5);
  });
});

/**
 * A list filtered by collected ids (a region, partners, a text) that asks for its total takes its page
 * from the set of matches it counts (one statement); without the total it is the plain keyset query.
 * Both must walk the same records in the same order, with interchangeable cursors.
 */
describe('a list filtered by collected ids, with and without its total', () => {
  let synthetic: TestApp;
  beforeAll(async () => {
    synthetic = await startTestApp({ MAX_PAGE_SIZE: '20' });
    await addSyntheticRecords(synthetic.orm, 40);
    // Nulls and ties in the sort keys, which the cursors must step over in both shapes.
    await synthetic.orm.em.getConnection().execute(`update project set start_date = null where slug in ('gen-project-0003', 'gen-project-0017', 'gen-project-0031')`);
    await synthetic.orm.em.getConnection().execute(`update project set titles = '{}' where slug in ('gen-project-0005', 'gen-project-0022')`);
  });
  afterAll(() => synthetic.close());

  const page = (list: string, withTotal: boolean) => {
    const [field, filterType, orderType] = list === 'organisations' ? ['organisations', 'OrganisationFilter', 'OrganisationOrder'] : ['projects', 'ProjectFilter', 'ProjectOrder'];
    return `query ($filter: ${filterType}, $orderBy: ${orderType}, $first: Int, $after: String, $last: Int, $before: String) {
      list: ${field}(filter: $filter, orderBy: $orderBy, first: $first, after: $after, last: $last, before: $before) {
        ${withTotal ? 'totalCount' : ''} edges { cursor node { slug } } pageInfo { hasNextPage hasPreviousPage startCursor endCursor } } }`;
  };

  /** Every page of the list, walked forward or backward, each as the slugs and page info it answered. */
  async function walk(list: string, withTotal: boolean, variables: Record<string, unknown>, forward: boolean) {
    const pages: Array<{ slugs: string[]; pageInfo: unknown; totalCount?: number }> = [];
    let cursor: string | null = null;
    for (let step = 0; step < 30; step++) {
      const { list: answered }: any = await synthetic.data(page(list, withTotal), { ...variables, ...(forward ? { first: 7, after: cursor } : { last: 7, before: cursor }) });
      pages.push({ slugs: answered.edges.map((edge: any) => edge.node.slug), pageInfo: answered.pageInfo, totalCount: answered.totalCount });
      if (!(forward ? answered.pageInfo.hasNextPage : answered.pageInfo.hasPreviousPage)) return pages;
      cursor = forward ? answered.pageInfo.endCursor : answered.pageInfo.startCursor;
    }
    throw new Error('the walk did not end');
  }

  it.each([
    ['projects', 'in a region, by slug', { filter: { territory: ['BE25'] } }],
    ['projects', 'in a region, by start date descending (nulls last)', { filter: { territory: ['BE25'] }, orderBy: { field: 'START_DATE', direction: 'DESC' } }],
    ['projects', 'in a region, by title (some untitled)', { filter: { territory: ['BE25'] }, orderBy: { field: 'TITLE', lang: 'EN' } }],
    ['projects', 'with partners in a country, by budget descending', { filter: { country: ['ZZ'] }, orderBy: { field: 'TOTAL_BUDGET', direction: 'DESC' } }],
    ['organisations', 'matching a text, by name descending', { filter: { text: 'generated' }, orderBy: { field: 'NAME', direction: 'DESC' } }],
  ])('%s %s: the same pages forward and backward, and an exact total', async (list, _name, variables) => {
    const orders: string[][] = [];
    for (const forward of [true, false]) {
      const plain = await walk(list, false, variables, forward);
      const counted = await walk(list, true, variables, forward);
      expect(counted.map(({ slugs, pageInfo }) => ({ slugs, pageInfo }))).toEqual(plain.map(({ slugs, pageInfo }) => ({ slugs, pageInfo })));
      // Backward, the pages come last first, each in list order.
      const slugs = (forward ? plain : [...plain].reverse()).flatMap((walked) => walked.slugs);
      expect(slugs.length).toBeGreaterThan(21);
      expect(new Set(slugs).size).toBe(slugs.length);
      for (const walked of counted) expect(walked.totalCount).toBe(slugs.length);
      orders.push(slugs);
    }
    // Both directions meet the same order.
    expect(orders[1]).toEqual(orders[0]);
  });

  // An unfiltered list is read as index ranges: those that have the sort key, then those that lack it,
  // each from the cursor on (src/graphql/connection.ts). Walked in both directions, page by page, it must
  // give the order that SQL's own ORDER BY gives, nulls last, ties broken by id.
  const TITLE_KEY = `kb_fold(coalesce(titles->>'en', titles->>'fr', titles->>'nl'))`;
  const ACTIVE = { graphql: { activeOn: '2017-06-30' }, sql: `where start_date <= '2017-06-30' and end_date >= '2017-06-30'` };
  const BUDGETED = { graphql: { totalBudget: { min: '500000' } }, sql: 'where total_budget >= 500000' };
  it.each([
    ['TITLE', 'ASC', TITLE_KEY, undefined],
    ['TITLE', 'DESC', TITLE_KEY, undefined],
    ['START_DATE', 'ASC', 'start_date', undefined],
    ['START_DATE', 'DESC', 'start_date', undefined],
    ['TOTAL_BUDGET', 'DESC', 'total_budget', undefined],
    ['ACRONYM', 'ASC', 'kb_fold(acronym)', undefined],
    ['ACRONYM', 'DESC', 'kb_fold(acronym)', undefined],
    ['SLUG', 'DESC', 'slug', undefined],
    // A filter on the project's own columns, and the total, with two ranges: bindings in three places.
    ['TITLE', 'DESC', TITLE_KEY, ACTIVE],
    ['START_DATE', 'DESC', 'start_date', BUDGETED],
  ])('projects by %s %s (key %s, filter %j): the same pages forward and backward as ORDER BY gives', async (field, direction, key, filter) => {
    const rows: Array<{ slug: string }> = await synthetic.orm.em.getConnection().execute(
      `select slug from project ${filter?.sql ?? ''} order by (${key}) is null, ${key} ${direction}, id ${direction}`,
    );
    const expected = rows.map((row) => row.slug);
    // Nulls are in the walk: the updates above, and projects without an acronym or budget.
    expect(expected.length).toBeGreaterThan(30);
    const variables = { orderBy: { field, direction, lang: 'EN' }, ...(filter ? { filter: filter.graphql } : {}) };
    for (const forward of [true, false]) {
      const walked = await walk('projects', true, variables, forward);
      const slugs = (forward ? walked : [...walked].reverse()).flatMap((page) => page.slugs);
      expect(slugs).toEqual(expected);
      for (const page of walked) expect(page.totalCount).toBe(expected.length);
    }
  });

  // `after` and `before` together: the records between the two cursors, whichever groups (with the sort
  // key, without it) the cursors are in, read from either end.
  it.each([
    ['TITLE', 'DESC'],
    ['ACRONYM', 'ASC'],
    ['ACRONYM', 'DESC'],
    ['START_DATE', 'DESC'],
  ])('projects by %s %s between two cursors', async (field, direction) => {
    const variables = { orderBy: { field, direction, lang: 'EN' } };
    const edges: Array<{ slug: string; cursor: string }> = [];
    let after: string | null = null;
    for (let step = 0; step < 10; step++) {
      const { list }: any = await synthetic.data(page('projects', false), { ...variables, first: 20, after });
      edges.push(...list.edges.map((edge: any) => ({ slug: edge.node.slug, cursor: edge.cursor })));
      if (!list.pageInfo.hasNextPage) break;
      after = list.pageInfo.endCursor;
    }
    const n = edges.length;
    for (const [from, to] of [[1, n - 2], [n - 12, n - 1], [0, 3], [5, 5 + 1]]) {
      const between = edges.slice(from + 1, to).map((edge) => edge.slug);
      const cursors = { after: edges[from].cursor, before: edges[to].cursor };
      const { list: forward }: any = await synthetic.data(page('projects', false), { ...variables, ...cursors, first: 20 });
      expect(forward.edges.map((edge: any) => edge.node.slug)).toEqual(between.slice(0, 20));
      const { list: backward }: any = await synthetic.data(page('projects', false), { ...variables, ...cursors, last: 20 });
      expect(backward.edges.map((edge: any) => edge.node.slug)).toEqual(between.slice(-20));
    }
  });

  it('answers a page of none with whether records follow', async () => {
    const { list }: any = await synthetic.data(page('projects', true), { orderBy: { field: 'TITLE', direction: 'DESC', lang: 'EN' }, first: 0 });
    expect(list.edges).toEqual([]);
    expect(list.pageInfo.hasNextPage).toBe(true);
    expect(list.totalCount).toBeGreaterThan(40);
  });
});

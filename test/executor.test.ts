import { getOperationAST, parse } from 'graphql';
import type { RequestContext } from '../src/graphql/context';
import { CompiledExecution } from '../src/graphql/executor';
import { benchOperations } from '../src/generate/plans';
import { getSchema } from '../src/graphql/schema';
import { capturingLogger, startTestApp, TestApp } from './support/app';

/**
 * Compiled queries (graphql-jit, src/graphql/executor.ts) must answer exactly as graphql-js does. The server
 * here compiles a query the second time it sees it (COMPILE_QUERIES_AFTER=1, the default): each request is
 * sent twice, and the two answers (status, data, errors with their codes, paths and locations, statement
 * counts) must be the same, the first from graphql-js and the second compiled, as the log lines say.
 */
let app: TestApp;
let logs: ReturnType<typeof capturingLogger>;
beforeAll(async () => {
  logs = capturingLogger();
  app = await startTestApp({ COMPILE_QUERIES_AFTER: '1' }, { logger: logs.logger });
});
afterAll(() => app.close());

let requests = 0;

/** Posts a request; its answer without the request id, and whether it ran compiled (from its log line). */
async function send(body: { query: string; variables?: Record<string, unknown>; operationName?: string }): Promise<{ status: number; json: any; compiled: unknown }> {
  const requestId = `executor-${++requests}`;
  const response = await fetch(`${app.baseUrl}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-request-id': requestId },
    body: JSON.stringify(body),
  });
  const json: any = await response.json();
  delete json.extensions?.requestId;
  for (const error of json.errors ?? []) delete error.extensions?.requestId;
  const [line] = logs.lines().filter((entry) => entry.reqId === requestId && entry.msg === 'request');
  return { status: response.status, json, compiled: line?.compiled };
}

const CARD = `fragment Card on Project {
  slug
  ... @include(if: $withLead) { leadPartner { name } }
  themes @skip(if: $withLead) { name(lang: NL) }
  ...Dates @skip(if: $withLead)
}
fragment Dates on Project { startDate endDate }`;

const cases: Array<{ name: string; query: string; variables?: Record<string, unknown>; operationName?: string }> = [
  // The benchmark's operations, on the seeded records.
  ...benchOperations({ project: 'weldcome', organisation: 'vdab', region: 'BE32' }).map(({ name, query }) => ({ name: `benchmark: ${name}`, query })),
  {
    name: 'a search: an interface resolved to each record type',
    query: `{ search(query: "emploi", first: 10) { totalCount edges { rank node { id __typename ... on Project { slug } ... on Organisation { name } ... on Territory { code } } } } }`,
  },
  {
    name: 'a filter in a variable, with its default (includeSubTerritories) left out',
    query: `query Region($filter: ProjectFilter) { projects(filter: $filter) { totalCount edges { node { slug } } } }`,
    variables: { filter: { territory: ['BE32'] } },
  },
  {
    name: 'enum variables: a role and a language',
    query: `query ($role: ParticipationRole, $lang: Language!) { project(slug: "act-emploi") { title(lang: $lang) participations(role: $role) { role organisation { name } } }
      projects(first: 3, orderBy: { field: TITLE, lang: $lang }) { edges { node { title(lang: $lang) } } } }`,
    variables: { role: 'PARTNER', lang: 'NL' },
  },
  { name: '@include and @skip on fragments, true', query: `query ($withLead: Boolean!) { projects(first: 3) { edges { node { ...Card } } } } ${CARD}`, variables: { withLead: true } },
  // Another text (an operation name): the same text would run compiled at once, having been seen above.
  { name: '@include and @skip on fragments, false', query: `query Lean($withLead: Boolean!) { projects(first: 3) { edges { node { ...Card } } } } ${CARD}`, variables: { withLead: false } },
  // One missing record a query: the order of errors from two fields that fail apart is the order they fail in.
  { name: 'a record not found by its slug', query: `{ project(slug: "nothing") { slug } programmes(first: 1) { totalCount } }` },
  {
    name: 'an id whose record is missing, among ids (an error in place of the item)',
    query: `{ nodes(ids: ["${Buffer.from('Project:00000000-0000-5000-8000-000000000000').toString('base64url')}", "${Buffer.from('Theme:00000000-0000-5000-8000-000000000000').toString('base64url')}"]) { id } }`,
  },
  { name: 'aliases', query: `{ a: project(slug: "weldcome") { slug } b: project(slug: "act-emploi") { t: title(lang: NL) en: title } none: project(slug: "nothing") { slug } }` },
  {
    name: 'one of several operations, by name',
    query: `query First { programmes(first: 1) { totalCount } } query Second { organisation(slug: "vdab") { name collaborators { count organisation { name } } } }`,
    operationName: 'Second',
  },
  { name: 'introspection', query: `{ __schema { queryType { name } } __type(name: "Project") { name fields { name } } }` },
  { name: 'a bad argument, refused by a resolver', query: `{ projects(first: 5, after: "not-a-cursor") { totalCount } ok: programmes(first: 1) { totalCount } }` },
  {
    name: 'an error beside data (the nullable parent of the failed field comes back null)',
    query: `{ ok: programmes(first: 1) { totalCount } organisation(slug: "vdab") { name collaborators(filter: { programme: ["no-such-programme"] }) { count } } }`,
  },
  {
    name: 'a variable inside an input object, left out (the input field keeps its default)',
    query: `query ($sub: Boolean) { projects(filter: { territory: ["BE32"], includeSubTerritories: $sub }) { totalCount } }`,
    variables: {},
  },
  { name: 'a variable of the wrong type', query: `query ($n: Int) { projects(first: $n) { totalCount } }`, variables: { n: 'ten' } },
  { name: 'a required variable left out', query: `query ($slug: String!) { project(slug: $slug) { slug } }`, variables: {} },
  // Validation lets a variable with a default fill a non-null argument; execution refuses an explicit null for it.
  { name: 'a null for a variable whose default fills a non-null argument', query: `query ($slug: String = "weldcome") { project(slug: $slug) { slug } }`, variables: { slug: null } },
];

describe('compiled queries', () => {
  it.each(cases)('$name: the same answer from graphql-js and compiled', async ({ query, variables, operationName }) => {
    const first = await send({ query, variables, operationName });
    const second = await send({ query, variables, operationName });
    expect(first.compiled).toBe(false);
    expect(second.compiled).toBe(true);
    expect(second.status).toBe(first.status);
    expect(second.json).toEqual(first.json);
    // The answer says something: data, or errors that name what was wrong.
    expect(first.json.data ?? first.json.errors).toBeTruthy();
  });

  it('answers the cases as expected (the comparison above is between real answers)', async () => {
    const answer = (name: string) => {
      const { query, variables } = cases.find((entry) => entry.name.startsWith(name))!;
      return send({ query, variables });
    };
    const [region, badCursor, beside, wrongType, missing, nullForDefault] = await Promise.all(
      ['a filter in a variable', 'a bad argument', 'an error beside data', 'a variable of the wrong type', 'a required variable', 'a null for a variable whose default'].map(answer),
    );
    // includeSubTerritories defaults to true: Hainaut's projects include those of its provinces' areas.
    expect(region.json.data.projects.totalCount).toBeGreaterThan(0);
    expect(badCursor.json.errors[0]).toMatchObject({ path: ['projects'], extensions: { code: 'BAD_USER_INPUT' } });
    // The connection is non-null: the error makes the whole answer null.
    expect(badCursor.json.data).toBeNull();
    expect(beside.json.errors[0]).toMatchObject({ path: ['organisation', 'collaborators'], extensions: { code: 'BAD_USER_INPUT' } });
    expect(beside.json.data).toEqual({ ok: { totalCount: expect.any(Number) }, organisation: null });
    // Said as the client's mistake, naming the argument (it was masked as an internal error).
    expect(nullForDefault.json.errors[0]).toMatchObject({
      message: 'Argument "slug" of non-null type "String!" must not be null.',
      path: ['project'],
      extensions: { code: 'BAD_USER_INPUT', argumentName: 'slug' },
    });
    for (const refused of [wrongType, missing]) {
      expect(refused.status).toBe(400);
      expect(refused.json.errors[0].extensions.code).toBe('BAD_USER_INPUT');
      expect(refused.json.errors[0].locations).toEqual([expect.objectContaining({ line: 1 })]);
    }
  });

  it('refuses an operation name the document lacks, running nothing, however often it is sent', async () => {
    for (let run = 0; run < 3; run++) {
      const refused = await send({ query: '{ projects(first: 1) { totalCount } }', operationName: 'Elsewhere' });
      expect(refused.status).toBe(400);
      expect(refused.json.errors[0]).toMatchObject({ message: 'Unknown operation named "Elsewhere".', extensions: { code: 'OPERATION_RESOLUTION_FAILURE' } });
      expect(refused.json.extensions.queryStats.sqlStatements).toBe(0);
    }
  });

  it("answers each of a document's operations by its own @include conditions when they share a fragment", async () => {
    const query = `query Some($all: Boolean!) { projects(first: 3) { edges { node { ...Card @include(if: $all) } } } }
      query Every { projects(first: 3) { edges { node { ...Card } } } }
      fragment Card on Project { slug }`;
    // Some is compiled first; graphql-jit notes its condition on the fragment's nodes (on a copy).
    for (let run = 0; run < 2; run++) expect((await send({ query, operationName: 'Some', variables: { all: false } })).json.data.projects.edges).toEqual([{ node: {} }, { node: {} }, { node: {} }]);
    const [first, second] = [await send({ query, operationName: 'Every' }), await send({ query, operationName: 'Every' })];
    expect([first.compiled, second.compiled]).toEqual([false, true]);
    expect(first.json.data.projects.edges).toEqual([0, 1, 2].map(() => ({ node: { slug: expect.any(String) } })));
    expect(second.json).toEqual(first.json);
  });

  it('keeps a document sent once with graphql-js, and runs it compiled from its second time on', async () => {
    const query = '{ programmes(first: 2) { edges { node { slug } } } }';
    const runs = [];
    for (let run = 0; run < 3; run++) runs.push(await send({ query }));
    expect(runs.map((run) => run.compiled)).toEqual([false, true, true]);
    // A query that differs by one character is another document.
    expect((await send({ query: query.replace('2', '3') })).compiled).toBe(false);
  });
});

describe('the cache of compiled queries', () => {
  /** A query of `count` fields that needs no database, and a run of it that says whether it ran compiled. */
  const fields = (count: number) => `{ ${Array.from({ length: count }, () => '__typename').join(' ')} }`;
  async function run(execution: CompiledExecution, query: string): Promise<boolean | undefined> {
    const context = { stats: { sqlStatements: 0 } } as RequestContext;
    const document = parse(query);
    // Apollo parses a query text once and hands the same document back; a fresh one is as good here, since
    // runs are counted by the text's hash (here the text itself).
    const result = await execution.execute({ document, operation: getOperationAST(document)!, queryHash: query }, context);
    expect(result).toMatchObject({ data: { __typename: 'Query' } });
    expect(result.errors).toBeUndefined();
    return context.stats.compiled;
  }

  it('leaves a document of more fields than the most to graphql-js, and keeps compiled documents up to a number of fields in all', async () => {
    const execution = new CompiledExecution(await getSchema(), 1, { compiledFields: 10, maxCompiledFields: 6 });
    const [small, other, large] = [fields(6), fields(5), fields(7)];
    expect([await run(execution, small), await run(execution, small), await run(execution, small)]).toEqual([false, true, true]);
    expect(execution.compiledFields).toBe(6);
    expect([await run(execution, large), await run(execution, large), await run(execution, large)]).toEqual([false, false, false]);
    expect(execution.compiledFields).toBe(6);
    // 6 + 5 fields do not fit in 10: the other's compilation sends the first out, which is compiled again
    // at once when it comes back (it was seen often enough), sending the other out in turn.
    expect([await run(execution, other), await run(execution, other)]).toEqual([false, true]);
    expect(execution.compiledFields).toBe(5);
    expect(await run(execution, small)).toBe(true);
    expect(execution.compiledFields).toBe(6);
    expect(await run(execution, other)).toBe(true);
    expect(execution.compiledFields).toBe(5);
  });

  it("sizes an operation by its fields counted at each spread of a fragment, as graphql-jit writes them out", async () => {
    const execution = new CompiledExecution(await getSchema(), 0, { compiledFields: 100, maxCompiledFields: 6 });
    const twice = '{ ...Pair ...Pair } fragment Pair on Query { __typename a: __typename }';
    expect(await run(execution, twice)).toBe(true);
    expect(execution.compiledFields).toBe(4);
    // Nested spreads multiply: 2 × 2 × 2 = 8 fields, over the most.
    const nested = '{ ...Four ...Four } fragment Four on Query { ...Pair ...Pair } fragment Pair on Query { __typename a: __typename }';
    expect(await run(execution, nested)).toBe(false);
  });
});

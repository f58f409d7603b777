import type { MikroORM } from '@mikro-orm/postgresql';
import { Client } from 'pg';
import type { Config } from '../src/config';
import { openOrm } from '../src/db/orm';
import { PREPARED_READS, PREPARED_SESSION_OPTIONS, sessionConfig } from '../src/db/orm.config';
import { benchConfig, explainGeneric, explainOperations, listenLocally, measuredServer, planChecks, PlanNode, PlanReport, recordStatements } from '../src/generate/plans';
import { generate } from '../src/generate/synthetic';
import { cloneTestDatabase } from './support/app';

/**
 * Every ProjectFilter condition and every benchmark operation can be served by indexes: the statements
 * the real server sends for each are explained with sequential scans disabled, so a sequential scan of a
 * large table that remains means no index can serve it. (The planner's own choices at full size are
 * reported by `npm run bench`, with the same checks.)
 */
let orm: MikroORM;
/** The benchmark's configuration: its operations must not be refused for their cost. */
let config: Config;
let reports: Map<string, PlanReport>;
beforeAll(async () => {
  const url = await cloneTestDatabase();
  orm = await openOrm(url);
  config = benchConfig(url);
  await generate(orm.em.fork(), { scale: 0.02, seed: 1 }, () => undefined);
  const found = await explainOperations(orm, config, checks, { forceIndexes: true });
  reports = new Map(found.map((report) => [report.name, report]));
}, 120_000);
afterAll(() => orm.close());

const sample = {
  project: 'g-project-100',
  organisation: 'g-org-30',
  programme: 'g-programme-1',
  theme: 'g-programme-1-axis-1',
  region: 'XA1',
  nuts3: 'XA111',
  country: 'XA',
};
// Every ProjectFilter condition and every operation of the benchmark (src/generate/plans.ts).
const checks = planChecks(sample);

test.each(checks.map((check) => check.name))('%s', (name) => {
  const report = reports.get(name)!;
  expect(report.statements).toBeGreaterThan(0);
  expect(report.sequentialScans).toEqual([]);
});

test('the sample records exist, so the checks walk real relations', () => {
  // A missing project would answer null after one statement; the detail page follows every relation.
  expect(reports.get('project detail (every relation and its claims)')!.statements).toBeGreaterThan(10);
  expect(reports.get("an organisation's collaborators")!.statements).toBeGreaterThan(2);
});

// A list sorted by a text orders by the key PostgreSQL stored when the row was written (db/indexes.ts):
// ordered by the folding expression itself, the statement folded the text of each row it returned, twice,
// which was half of a page of projects' PostgreSQL CPU.
test('a list sorted by a text reads its stored sort key: no statement folds a text', async () => {
  // Each list with the column its order must read: the language asked, not another.
  const lists: Array<[list: string, key: string]> = [
    ...(['FR', 'NL', 'EN'] as const).map((lang): [string, string] => [`projects(first: 20, orderBy: { field: TITLE, lang: ${lang} })`, `p.title_sort_${lang.toLowerCase()}`]),
    ['projects(first: 20, orderBy: { field: ACRONYM, direction: DESC })', 'p.acronym_sort'],
    ['organisations(first: 20, orderBy: { field: NAME, lang: NL })', 'o.name_sort_nl'],
    ['programmes(first: 20, orderBy: { field: NAME, lang: FR })', 'g.name_sort_fr'],
    ['themes(first: 20, orderBy: { field: NAME, lang: EN })', 'h.name_sort_en'],
    ['territories(first: 20, orderBy: { field: NAME, lang: FR })', 't.name_sort_fr'],
    ['sources(first: 20, orderBy: { field: TITLE })', 's.title_sort'],
  ];
  const recorded = await recordStatements(orm, config, lists.map(([list]) => ({ name: list, query: `{ ${list} { totalCount edges { node { id } } pageInfo { endCursor } } }` })));
  lists.forEach(([list, key], index) => {
    expect({ list, statements: recorded[index].length }).toEqual({ list, statements: 1 });
    expect({ list, sql: recorded[index][0].sql }).toEqual({ list, sql: expect.not.stringContaining('kb_fold') });
    expect({ list, sql: recorded[index][0].sql }).toEqual({ list, sql: expect.stringMatching(new RegExp(` order by \\(?${key.replace('.', '\\.')}\\b`)) });
  });
});

/** The rows a plan's scans of the project table read: those returned and those a filter dropped. */
function projectRowsRead(node: PlanNode): number {
  const own = node['Relation Name'] === 'project' ? ((node['Actual Rows'] ?? 0) + (node['Rows Removed by Filter'] ?? 0)) * (node['Actual Loops'] ?? 1) : 0;
  return own + (node.Plans ?? []).reduce((sum, child) => sum + projectRowsRead(child), 0);
}

// Keyset pages are index ranges that start at the cursor: a page near the end of the list reads about a
// page of rows, in either direction, by a key that may be null or not. (Its conditions once were
// checked on every index entry from the start of the list, and a descending order sorted every row.)
test.each(['{ field: TITLE, lang: FR }', '{ field: TITLE, lang: FR, direction: DESC }', '{ field: START_DATE, direction: DESC }', '{ field: SLUG }'])(
  'a page after a cursor near the end of the list by %s reads about a page of rows',
  async (order) => {
    const server = await measuredServer(orm, config);
    const client = new Client(sessionConfig(String(orm.config.get('clientUrl')), PREPARED_SESSION_OPTIONS));
    await client.connect();
    const prepared = orm.em.getKnex(PREPARED_READS);
    const sent: Array<{ sql: string; bindings: unknown[] }> = [];
    const record = (query: { sql: string; bindings: unknown[] }) => sent.push(query);
    try {
      const endpoint = `${await listenLocally(server)}/graphql`;
      const ask = async (query: string) => {
        const response = await fetch(endpoint, { method: 'POST', body: JSON.stringify({ query }), headers: { 'content-type': 'application/json' } });
        return ((await response.json()) as { data: { projects: any } }).data.projects;
      };
      const all: number = (await ask('{ projects { totalCount } }')).totalCount;
      expect(all).toBeGreaterThan(200);
      const { startCursor } = (await ask(`{ projects(last: 3, orderBy: ${order}) { pageInfo { startCursor } } }`)).pageInfo;
      prepared.on('query', record);
      const page = await ask(`{ projects(first: 20, after: "${startCursor}", orderBy: ${order}) { edges { node { slug } } } }`);
      expect(page.edges).toHaveLength(2);
      expect(sent).toHaveLength(1);
      const plan = await explainGeneric(client, sent[0], { analyze: true });
      // Each of the two ranges (with the key, without it) reads at most a page and one more row.
      expect(projectRowsRead(plan)).toBeLessThanOrEqual(2 * 21);
    } finally {
      prepared.removeListener('query', record);
      await client.end();
      await server.close();
    }
  },
);

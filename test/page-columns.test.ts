import { PREPARED_READS } from '../src/db/orm.config';
import { rowMapper } from '../src/graphql/rows';
import { Project } from '../src/modules/project/project.entity';
import { LONG_TEXTS, PROJECT_FIELDS_WITHOUT_LONG_TEXTS } from '../src/modules/project/project.resolver';
import { startTestApp, TestApp } from './support/app';

/**
 * A page of projects whose records are asked only for fields that need none of the long texts reads its
 * rows without those columns (src/modules/project/project.resolver.ts). Each listed field must then answer
 * exactly what it answers from whole rows, which a page reads as soon as one field outside the list is
 * asked for (`summary` below).
 */
let app: TestApp;
beforeAll(async () => {
  app = await startTestApp();
});
afterAll(() => app.close());

/** A selection of each listed field, with its arguments and subfields. */
const SAMPLES: Record<string, string> = {
  __typename: '__typename',
  id: 'id',
  slug: 'slug',
  acronym: 'acronym',
  title: 'frTitle: title(lang: FR) enTitle: title',
  titles: 'titles { lang text }',
  startDate: 'startDate',
  endDate: 'endDate',
  durationMonths: 'durationMonths',
  totalBudget: 'totalBudget { amount currency }',
  euFunding: 'euFunding { amount currency }',
  cofinancingRate: 'cofinancingRate',
  website: 'website',
  lineage: 'lineage',
  programme: 'programme { slug }',
  themes: 'themes { slug }',
  territories: 'territories { code }',
  participations: 'participations { role organisation { slug } }',
  leadPartner: 'leadPartner { slug }',
  fundings: 'fundings { basis money { amount } }',
  outcomes: 'outcomes { indicator value }',
  claims: 'claims { field value }',
  sources: 'sources { key }',
  derivedFigures: 'derivedFigures { label value }',
};

/** The statements the prepared pool sends while `work` runs (a page of every project is one of them). */
async function statementsOf(work: () => Promise<unknown>): Promise<string[]> {
  const knex = app.orm.em.getKnex(PREPARED_READS);
  const seen: string[] = [];
  const record = (query: { sql: string }) => seen.push(query.sql);
  knex.on('query', record);
  try {
    await work();
  } finally {
    knex.removeListener('query', record);
  }
  return seen;
}

const PAGE_STATEMENT = /^select p\."id".* from "project" as p/s;
/** The columns of the resolver's LONG_TEXTS. */
const longTextColumns = () => LONG_TEXTS.map((property) => rowMapper(app.orm.getMetadata(), Project).column(property));

/** The text of the one page statement a query sends. */
async function pageStatementOf(query: string): Promise<string> {
  const statements = (await statementsOf(() => app.data(query))).filter((sql) => PAGE_STATEMENT.test(sql));
  expect(statements).toHaveLength(1);
  return statements[0];
}

function readsLongTexts(statement: string): boolean[] {
  return longTextColumns().map((column) => statement.includes(`"${column}"`));
}

test('the seeded projects have every long text, so that a field which read one would answer differently', async () => {
  const { projects } = await app.data<{ projects: { edges: Array<{ node: Record<string, unknown> }> } }>(
    `{ projects(first: 100) { edges { node { summaries { text } objectives { text } activities { text } targetGroups { text } obstacles { text } partnership } } } }`,
  );
  for (const field of ['summaries', 'objectives', 'activities', 'targetGroups', 'obstacles', 'partnership']) {
    const present = projects.edges.filter(({ node }) => (Array.isArray(node[field]) ? (node[field] as unknown[]).length > 0 : node[field] != null));
    expect({ field, present: present.length > 0 }).toEqual({ field, present: true });
  }
});

test('every field listed as reading no long text has a sample here', () => {
  expect([...PROJECT_FIELDS_WITHOUT_LONG_TEXTS].sort()).toEqual(Object.keys(SAMPLES).sort());
});

test.each(Object.entries(SAMPLES))('%s answers the same from a page read without long texts', async (_field, selection) => {
  const [shortQuery, wholeQuery] = [
    `{ projects(first: 100) { edges { node { slug ${selection} } } } }`,
    `{ projects(first: 100) { edges { node { slug ${selection} summary } } } }`,
  ];
  // The two pages are read as they should be: without the long texts, and whole.
  expect(readsLongTexts(await pageStatementOf(shortQuery))).toEqual(longTextColumns().map(() => false));
  expect(readsLongTexts(await pageStatementOf(wholeQuery))).toEqual(longTextColumns().map(() => true));
  const short = await app.data<{ projects: { edges: Array<{ node: Record<string, unknown> }> } }>(shortQuery);
  const whole = await app.data<{ projects: { edges: Array<{ node: Record<string, unknown> }> } }>(wholeQuery);
  expect(short.projects.edges.length).toBeGreaterThan(1);
  expect(short.projects.edges).toEqual(whole.projects.edges.map(({ node: { summary: _summary, ...rest } }) => ({ node: rest })));
});

test('a page reads the long texts only when a field asked of its records needs them, fragments included', async () => {
  const short = await pageStatementOf('{ projects(first: 5) { totalCount edges { cursor node { slug title(lang: FR) leadPartner { name } } } } }');
  expect(readsLongTexts(short)).toEqual(longTextColumns().map(() => false));
  expect(short).toMatch(/"titles"/);

  for (const query of [
    '{ projects(first: 5) { edges { node { slug summary } } } }',
    '{ projects(first: 5) { edges { node { slug ...more } } } } fragment more on Project { objectives { text } }',
    '{ projects(first: 5) { edges { node { slug ... on Project { factSheet { field } } } } } }',
    '{ projects(first: 5) { edges { node { slug partnership } } } }',
  ]) {
    expect(readsLongTexts(await pageStatementOf(query))).toEqual(longTextColumns().map(() => true));
  }
});

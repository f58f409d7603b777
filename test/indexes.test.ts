import type { MikroORM } from '@mikro-orm/postgresql';
import pino from 'pino';
import { loadConfig } from '../src/config';
import { createContext, RequestContext } from '../src/graphql/context';
import { openOrm } from '../src/db/orm';
import { localisedSortSql, textQuerySql } from '../src/graphql/filters';
import { generate } from '../src/generate/synthetic';
import { Language } from '../src/modules/common/localised';
import { ProjectFilter } from '../src/modules/project/project.inputs';
import { ProjectService } from '../src/modules/project/project.service';
import { cloneTestDatabase } from './support/app';

const LARGE_TABLES = new Set(['project', 'organisation', 'participation', 'claim', 'project_territory', 'project_theme', 'funding', 'outcome', 'search_document', 'territory_edge']);

let orm: MikroORM;
let context: RequestContext;
beforeAll(async () => {
  orm = await openOrm(await cloneTestDatabase());
  await generate(orm.em.fork(), { scale: 0.02, seed: 1 }, () => undefined);
  context = createContext(orm, loadConfig({}), 'explain', { sqlStatements: 0 }, pino({ level: 'silent' }));
}, 120_000);
afterAll(() => orm.close());

/** The tables a plan reads whole. Sequential scans are disabled, so one appears only where no index can serve. */
async function sequentialScans(sql: string, bindings: unknown[] = []): Promise<string[]> {
  const connection = orm.em.getConnection();
  await connection.execute('set enable_seqscan = off');
  try {
    const [{ 'QUERY PLAN': plan }] = await connection.execute(`explain (format json) ${sql}`, bindings);
    const scans: string[] = [];
    const walk = (node: any) => {
      if (node['Node Type'] === 'Seq Scan' && LARGE_TABLES.has(node['Relation Name'])) scans.push(node['Relation Name']);
      for (const child of node.Plans ?? []) walk(child);
    };
    walk(plan[0].Plan);
    return scans;
  } finally {
    await connection.execute('reset enable_seqscan');
  }
}

async function projectQuery(filter: Partial<ProjectFilter>, order = 'p.slug'): Promise<{ sql: string; bindings: unknown[] }> {
  const conditions = await new ProjectService(context).conditions({ includeSubTerritories: true, ...filter } as ProjectFilter);
  const where = conditions.length ? `where ${conditions.map((c) => c.sql).join(' and ')}` : '';
  return { sql: `select p.id from project p ${where} order by ${order} limit 21`, bindings: conditions.flatMap((c) => c.bindings ?? []) };
}

describe('every ProjectFilter condition and every bench query is served by indexes', () => {
  it.each<[string, Partial<ProjectFilter>]>([
    ['programme', { programme: ['g-programme-1'] }],
    ['theme', { theme: ['g-programme-1-axis-1'] }],
    ['territory with sub-territories', { territory: ['XA1'] }],
    ['territory alone', { territory: ['XA111'], includeSubTerritories: false }],
    ['partnerTerritory', { partnerTerritory: ['XA1'] }],
    ['organisation and role', { organisation: ['g-org-30'], role: ['LEAD_PARTNER' as never] }],
    ['country', { country: ['XA'] }],
    ['activeOn', { activeOn: '2016-06-30' }],
    ['totalBudget', { totalBudget: { min: '1000000', max: '2000000' } }],
    ['text', { text: 'welding' }],
  ])('%s', async (_name, filter) => {
    const { sql, bindings } = await projectQuery(filter);
    expect(await sequentialScans(sql, bindings)).toEqual([]);
  });

  it('the list page, sorted by title', async () => {
    const title = localisedSortSql('p.titles', Language.FR);
    const { sql } = await projectQuery({}, `(${title}) is null, ${title}, p.id`);
    expect(await sequentialScans(sql)).toEqual([]);
  });

  it('the search', async () => {
    const query = textQuerySql('employment across borders');
    const sql = `select record_id from search_document d where d.document @@ ${query.sql} or kb_fold(?) <% d.names`;
    expect(await sequentialScans(sql, [...query.bindings!, 'employment across borders'])).toEqual([]);
  });

  it("an organisation's collaborators", async () => {
    const sql = `select theirs.organisation_id, count(*) from participation mine
      join participation theirs on theirs.project_id = mine.project_id and theirs.organisation_id <> mine.organisation_id
      where mine.organisation_id in (select id from organisation where slug = 'g-org-30') group by 1`;
    expect(await sequentialScans(sql)).toEqual([]);
  });
});

import { sqlStatementsOf, startTestApp, TestApp } from './support/app';
import { refreshDerived } from './support/snapshot';
import { addSyntheticRecords } from './support/synthetic';

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp({ MAX_PAGE_SIZE: '1000', MAX_COST: '1000000000' });
  await addSyntheticRecords(app.orm, 1000);
}, 120_000);
afterAll(() => app.close());

const PROVENANCE = `claims { id field value subject { id } reference { id } money { amount } funding { id } source { id key } } sources { id key }`;

/** For each list, every relation of its type (and every field that needs the database), one level deep. */
const WALKS: Record<string, string> = {
  projects: `id slug title titles { text } summary partnership objectives { text } activities { texts { lang } } targetGroups { text } obstacles { text }
    totalBudget { amount } euFunding { amount } programme { id } themes { id } territories { id } leadPartner { id }
    participations { id role budget { amount } project { id } organisation { id } fundings { id recipient { id } } ${PROVENANCE} }
    fundings { id money { amount } recipient { id } ${PROVENANCE} }
    outcomes { id value breakdown { label } notes { text } project { id } programme { id } organisations { relation organisation { id } } ${PROVENANCE} }
    ${PROVENANCE}`,
  programmes: `id name names { text } period euFunding { amount } totalBudget { amount } managingAuthority { id } predecessor { id } successor { id }
    fundings { id recipient { id } } themes { id } eligibleTerritories { id } coveredRegions { id } projects { id } outcomes { id organisations { relation } } ${PROVENANCE}`,
  themes: `id name programme { id } parent { id } children { id } projects { id } ownProjects: projects(includeObjectives: false) { id } ${PROVENANCE}`,
  organisations: `id name aliases location { id } externalIds { value } participations { id project { id } } managedProgrammes { id }
    outcomes { id } collaborators { count organisation { id } projects { id } } ${PROVENANCE}`,
  territories: `id name aliases partOf { id } parts { id } overlaps { id } ancestors { id } descendants { id }
    projects { id } directProjects: projects(includeSubTerritories: false) { id } organisations { id } programmes { id } ${PROVENANCE}`,
  sources: `id key claimCount claims { id subject { id } source { id } }`,
  // Fact sheets and derived figures walk claims, partners, outcomes and sources in chains of their own. Beside
  // other walks, or each other, the same loader is called from chains whose statements come back in either
  // order, so its loads fall in one batch or two from run to run (8 or 10 statements for a page of fact
  // sheets and derived figures, for 10 records as for 1,000): each is walked alone.
  'projects: fact sheets': `id factSheet { field label quote claim { id } source { title } }`,
  'projects: derived figures': `id derivedFigures { key inputs { id source { id } } }`,
  'programmes: fact sheets': `id factSheet { field label quote claim { id } source { title } }`,
  'organisations: fact sheets': `id factSheet { field label quote claim { id } source { title } }`,
};

async function statements(walk: string, first: number): Promise<{ statements: number; rows: number }> {
  const list = walk.split(':')[0];
  // Generated records only (country ZZ), so that both pages hold records of the same shape.
  const filter = ['projects', 'programmes', 'organisations', 'territories'].includes(list) ? ', filter: { country: ["ZZ"] }' : '';
  const response = await app.query(`{ ${list}(first: ${first}${filter}) { edges { node { ${WALKS[walk]} } } } }`);
  return { statements: sqlStatementsOf(response), rows: response.data[list].edges.length };
}

describe('no N+1 anywhere', () => {
  it.each(Object.keys(WALKS))('%s: the same number of SQL statements for 10 and for 1,000 parent rows', async (list) => {
    const small = await statements(list, 10);
    const large = await statements(list, 1000);
    expect(small.rows).toBe(10);
    expect(large.rows).toBe(1000);
    expect(large.statements).toBe(small.statements);
  }, 60_000);
});

describe('no N+1 in the lists that are not connections', () => {
  it('nodes(ids): the same number of statements for 10 ids as for 1,000, of every type, each with its relations', async () => {
    const { projects } = await app.data(`{ projects(first: 500, filter: { country: ["ZZ"] }) { edges { node { id participations { id } } } } }`);
    const ids: string[] = projects.edges.flatMap((edge: any) => [edge.node.id, ...edge.node.participations.map((participation: any) => participation.id)]);
    expect(ids.length).toBeGreaterThanOrEqual(1000);
    const walk = async (count: number) => {
      const response = await app.query(
        `query ($ids: [ID!]!) { nodes(ids: $ids) { id ... on Project { leadPartner { id } themes { id } claims { id } }
          ... on Participation { organisation { id } project { id } fundings { id } } } }`,
        { ids: ids.slice(0, count) },
      );
      expect(response.errors).toBeUndefined();
      expect(response.data.nodes.filter(Boolean)).toHaveLength(count);
      return sqlStatementsOf(response);
    };
    expect(await walk(1000)).toBe(await walk(10));
  }, 60_000);

  it('conflicts: the same number of statements however many there are', async () => {
    const QUERY = `{ conflicts { field record { id ... on Project { leadPartner { id } } } preferred { source { key } } claims { id source { id } subject { id } } } }`;
    const counted = async () => {
      const response = await app.query(QUERY);
      expect(response.errors).toBeUndefined();
      return { conflicts: response.data.conflicts.length, statements: sqlStatementsOf(response) };
    };
    const few = await counted();
    // A disagreeing second claim about the acronym of 200 generated projects: 200 more conflicts.
    const connection = app.orm.em.getConnection();
    await connection.execute(
      `insert into claim (id, subject_type, subject_id, field, value_kind, value, preferred, position, source_id)
       select gen_random_uuid(), 'Project', p.id, 'acronym', 'TEXT', v.value, v.preferred, 0, (select id from source order by key limit 1)
       from (select id from project where slug like 'gen-project-%' order by slug limit 200) as p, (values ('ONE', true), ('OTHER', false)) as v(value, preferred)`,
    );
    // As seeding does after writing claims: conflicts are found when data is written.
    await refreshDerived((sql) => connection.execute(sql));
    try {
      const many = await counted();
      expect(many.conflicts).toBe(few.conflicts + 200);
      expect(many.statements).toBe(few.statements);
    } finally {
      await connection.execute(`delete from claim where field = 'acronym' and value in ('ONE', 'OTHER') and subject_type = 'Project'`);
      await refreshDerived((sql) => connection.execute(sql));
    }
  }, 60_000);
});

import { sqlStatementsOf, startTestApp, TestApp } from './support/app';
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
    participations { id role budget { amount } project { id } organisation { id } fundings { id } ${PROVENANCE} }
    fundings { id money { amount } recipient { id } ${PROVENANCE} }
    outcomes { id value breakdown { label } project { id } programme { id } organisations { relation organisation { id } } ${PROVENANCE} }
    ${PROVENANCE}`,
  programmes: `id name names { text } period euFunding { amount } totalBudget { amount } managingAuthority { id } predecessor { id } successor { id }
    fundings { id recipient { id } } themes { id } eligibleTerritories { id } projects { id } outcomes { id organisations { relation } } ${PROVENANCE}`,
  themes: `id name programme { id } parent { id } children { id } projects { id } ${PROVENANCE}`,
  organisations: `id name aliases location { id } externalIds { value } participations { id project { id } } managedProgrammes { id }
    outcomes { id } collaborators { count organisation { id } projects { id } } ${PROVENANCE}`,
  territories: `id name aliases partOf { id } parts { id } overlaps { id } ancestors { id } descendants { id }
    projects { id } directProjects: projects(includeSubTerritories: false) { id } organisations { id } programmes { id } ${PROVENANCE}`,
  sources: `id key claims { id subject { id } source { id } }`,
};

async function statements(list: string, first: number): Promise<{ statements: number; rows: number }> {
  // Generated records only (country ZZ), so that both pages hold records of the same shape.
  const filter = ['projects', 'programmes', 'organisations', 'territories'].includes(list) ? ', filter: { country: ["ZZ"] }' : '';
  const response = await app.query(`{ ${list}(first: ${first}${filter}) { edges { node { ${WALKS[list]} } } } }`);
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

import { startTestApp, TestApp } from './support/app';

/**
 * The breakdown's sums, counts and order checked against the rows themselves, grouped here in the test.
 * The seeds publish no partner budgets and one project budget, so this file gives some partners and
 * projects amounts (in its own database).
 */
let app: TestApp;
beforeAll(async () => {
  app = await startTestApp();
  await app.orm.em.getConnection().execute(`
    update participation set budget = case role when 'LEAD_PARTNER' then 250000.50 when 'PARTNER' then 120000.25 else null end
    where id in (select id from participation order by id limit 12)`);
  await app.orm.em.getConnection().execute(`update project set eu_funding = 791819.62 where slug in ('weldcome', 'act-emploi')`);
});
afterAll(() => app.close());

const BREAKDOWN = `query ($by: BreakdownDimension!, $basis: FundingBasis) {
  fundingBreakdown(by: $by, basis: $basis) {
    basis projectCount total { amount }
    buckets { key amount { amount } projectCount recordsWithAmount recordsWithoutAmount }
  }
}`;

/** Euro amounts as cents, so that sums are exact. */
const cents = (amount: string | null) => (amount === null ? null : BigInt(Math.round(Number(amount) * 100)));
const euros = (value: bigint | null) => (value === null ? null : String(Number(value) / 100));

interface Placed {
  key: string | null;
  projectId: string;
  amount: bigint | null;
}

/** Buckets as the API should give them: largest amount first (none last), then by key. */
function expectedBuckets(rows: Placed[]) {
  const buckets = new Map<string | null, Placed[]>();
  for (const row of rows) buckets.set(row.key, [...(buckets.get(row.key) ?? []), row]);
  return [...buckets].map(([key, placed]) => {
    const amounts = placed.map((row) => row.amount).filter((amount): amount is bigint => amount !== null);
    return {
      key,
      amount: amounts.length ? { amount: euros(amounts.reduce((sum, amount) => sum + amount, 0n)) } : null,
      projectCount: new Set(placed.map((row) => row.projectId)).size,
      recordsWithAmount: amounts.length,
      recordsWithoutAmount: placed.length - amounts.length,
    };
  }).sort((a, b) => {
    const [x, y] = [cents(a.amount?.amount ?? null), cents(b.amount?.amount ?? null)];
    if (x !== y) return x === null ? 1 : y === null ? -1 : x > y ? -1 : 1;
    return a.key === null ? 1 : b.key === null ? -1 : a.key < b.key ? -1 : a.key > b.key ? 1 : 0;
  });
}

async function rows<T>(sql: string): Promise<T[]> {
  return app.orm.em.getConnection().execute(sql);
}

it.each([
  ['COUNTRY', 'o.country'],
  ['ORGANISATION_KIND', 'o.kind'],
])("sums partners' own budgets by %s", async (by, column) => {
  const participations = await rows<{ key: string; project_id: string; budget: string | null }>(
    `select ${column} as key, pa.project_id, pa.budget from participation pa join organisation o on o.id = pa.organisation_id`,
  );
  const placed = participations.map((row) => ({ key: row.key, projectId: row.project_id, amount: cents(row.budget) }));
  const { fundingBreakdown } = await app.data(BREAKDOWN, { by });
  expect(placed.some((row) => row.amount !== null)).toBe(true);
  expect(fundingBreakdown.basis).toBe('PARTNER_SHARE');
  expect(fundingBreakdown.buckets).toEqual(expectedBuckets(placed));
  const amounts = placed.map((row) => row.amount).filter((amount): amount is bigint => amount !== null);
  expect(fundingBreakdown.total).toEqual({ amount: euros(amounts.reduce((sum, amount) => sum + amount, 0n)) });
  expect(fundingBreakdown.projectCount).toBe((await rows('select id from project')).length);
});

it.each(['TOTAL_BUDGET', 'EU_FUNDING'])('sums project %s by programme, each project once', async (basis) => {
  const projects = await rows<{ key: string; id: string; amount: string | null }>(
    `select g.slug as key, p.id, ${basis === 'EU_FUNDING' ? 'p.eu_funding' : 'p.total_budget'} as amount from project p join programme g on g.id = p.programme_id`,
  );
  const placed = projects.map((row) => ({ key: row.key, projectId: row.id, amount: cents(row.amount) }));
  const { fundingBreakdown } = await app.data(BREAKDOWN, { by: 'PROGRAMME', basis });
  expect(placed.some((row) => row.amount !== null)).toBe(true);
  expect(fundingBreakdown.basis).toBe(basis);
  expect(fundingBreakdown.buckets).toEqual(expectedBuckets(placed));
  expect(fundingBreakdown.projectCount).toBe(projects.length);
});

it('counts the projects that no partner-level bucket holds, and says so in its note', async () => {
  const partnerless = async () =>
    (await rows<{ id: string }>('select p.id from project p where not exists (select from participation pa where pa.project_id = p.id)')).length;
  const breakdown = async (by: string) =>
    (await app.data(`{ fundingBreakdown(by: ${by}) { projectCount projectsInNoBucket note buckets { projectCount } } }`)).fundingBreakdown;
  expect(await partnerless()).toBe(0);
  expect(await breakdown('COUNTRY')).toMatchObject({ projectsInNoBucket: 0 });
  expect((await breakdown('COUNTRY')).note).not.toContain('no partner');

  const [{ slug }] = await rows<{ slug: string }>('select slug from project order by slug limit 1');
  // Kept aside and put back, so that the tests after this one read the partners as they were.
  const project = `(select id from project where slug = '${slug}')`;
  await rows(`create table kept_participation as select * from participation where project_id = ${project}`);
  await rows(`delete from participation where project_id = ${project}`);
  try {
    expect(await partnerless()).toBe(1);
    for (const by of ['COUNTRY', 'ORGANISATION_KIND']) {
      const result = await breakdown(by);
      expect(result.projectsInNoBucket).toBe(1);
      expect(result.note).toMatch(new RegExp(` Projects with no partner on record, so in no bucket: 1 of ${result.projectCount}\\.$`));
    }
    // Project-level groupings keep such a project in its programme's bucket.
    const byProgramme = await breakdown('PROGRAMME');
    expect(byProgramme.projectsInNoBucket).toBe(0);
    expect(byProgramme.buckets.reduce((sum: number, bucket: { projectCount: number }) => sum + bucket.projectCount, 0)).toBe(byProgramme.projectCount);
    const notes = await app.data(`{ fr: fundingBreakdown(by: COUNTRY, lang: FR) { note } nl: fundingBreakdown(by: COUNTRY, lang: NL) { note } }`);
    expect(notes.fr.note).toMatch(/ Projets sans partenaire enregistré, donc dans aucun groupe\u00a0: 1 sur \d+\.$/);
    expect(notes.nl.note).toMatch(/ Projecten zonder geregistreerde partner, dus in geen enkele groep: 1 van \d+\.$/);
  } finally {
    await rows('insert into participation select * from kept_participation');
    await rows('drop table kept_participation');
  }
});

it('marks a sum approximate when an amount in it is rounded in its source, and says so in its note', async () => {
  const approximateOf = `query ($by: BreakdownDimension!, $basis: FundingBasis, $lang: Language) {
    fundingBreakdown(by: $by, basis: $basis, lang: $lang) { note total { amount approximate } buckets { key amount { approximate } } }
  }`;
  const before = (await app.data(approximateOf, { by: 'PROGRAMME', basis: 'EU_FUNDING' })).fundingBreakdown;
  expect(before.total.approximate).toBe(false);
  expect(before.note).not.toContain('rounded');
  // act-emploi's EU funding marked rounded in its source (here, in this file's database); weldcome's, of the same programme, not.
  await rows(`update project set eu_funding_approximate = true where slug = 'act-emploi'`);
  await rows(`update project set total_budget_approximate = true where slug = 'act-emploi' and total_budget is null`);
  try {
    const after = (await app.data(approximateOf, { by: 'PROGRAMME', basis: 'EU_FUNDING' })).fundingBreakdown;
    expect(after.total.approximate).toBe(true);
    expect(after.buckets).toEqual([{ key: 'interreg-v-fwvl', amount: { approximate: true } }, ...after.buckets.slice(1).map(() => expect.objectContaining({ amount: null }))]);
    expect(after.note).toContain(' Some amounts are rounded in their sources, and so are the sums that hold them (`approximate`).');
    // A rounded flag on an amount that is not there (a budget never published) makes no sum approximate.
    const totals = (await app.data(approximateOf, { by: 'PROGRAMME', basis: 'TOTAL_BUDGET' })).fundingBreakdown;
    expect(totals.total.approximate).toBe(false);
    const fr = (await app.data(approximateOf, { by: 'PROGRAMME', basis: 'EU_FUNDING', lang: 'FR' })).fundingBreakdown;
    expect(fr.note).toContain('Certains montants sont arrondis dans leurs sources');
    const { project } = await app.data('{ project(slug: "act-emploi") { euFunding { amount approximate } totalBudget { approximate } } }');
    expect(project).toEqual({ euFunding: { amount: '791819.62', approximate: true }, totalBudget: null });
    // In projects.csv, the flags are the last two columns (total budget's, EU funding's).
    const csv = await (await fetch(`${app.baseUrl}/export/projects.csv?programme=interreg-v-fwvl`)).text();
    const [header, ...lines] = csv.replace(/^\uFEFF/, '').trim().split('\n');
    expect(header.split(',').slice(-2)).toEqual(['total_budget_approximate', 'eu_funding_approximate']);
    const flags = (slug: string) => lines.find((line) => line.includes(`,${slug},`))!.split(',').slice(-2);
    expect(flags('act-emploi')).toEqual(['true', 'true']);
    expect(flags('weldcome')).toEqual(['false', 'false']);
  } finally {
    await rows(`update project set eu_funding_approximate = false, total_budget_approximate = false where slug = 'act-emploi'`);
  }
});

it("marks a partner's own budget, and the sums of partners' budgets, approximate from its source", async () => {
  const [{ id }] = await rows<{ id: string }>('select id from participation where budget is not null order by id limit 1');
  await rows(`update participation set budget_approximate = true where id = '${id}'`);
  try {
    const { fundingBreakdown } = await app.data(`{ fundingBreakdown(by: COUNTRY) { total { approximate } buckets { amount { approximate } } } }`);
    expect(fundingBreakdown.total.approximate).toBe(true);
    expect(fundingBreakdown.buckets.filter((bucket: any) => bucket.amount?.approximate)).toHaveLength(1);
    // The partner's own budget says so, in GraphQL and in participations.csv.
    const { nodes } = await app.data(`query ($ids: [ID!]!) { nodes(ids: $ids) { ... on Participation { budget { approximate } } } }`, {
      ids: [Buffer.from(`Participation:${id}`).toString('base64url')],
    });
    expect(nodes).toEqual([{ budget: { approximate: true } }]);
    const csv = await (await fetch(`${app.baseUrl}/export/participations.csv`)).text();
    const [header, ...lines] = csv.replace(/^\uFEFF/, '').trim().split('\n');
    const columns = header.split(',');
    const flagged = lines.map((line) => line.split(',')).filter((cells) => cells[columns.indexOf('budget_approximate')] === 'true');
    expect(flagged).toHaveLength(1);
  } finally {
    await rows(`update participation set budget_approximate = false where id = '${id}'`);
  }
});

import type { MikroORM } from '@mikro-orm/postgresql';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { dropDatabase, ensureDatabaseExists } from '../src/db/database';
import { openOrm } from '../src/db/orm';
import { listSeedFiles, SeedError } from '../src/seeds/load';
import { DEFAULT_SEED_DIRECTORY, planSeeds, seed, writeSeedPlan } from '../src/seeds/write';
import { cloneTestDatabase } from './support/app';
import { idsOf, snapshot } from './support/snapshot';

let orm: MikroORM;
let databaseUrl: string;
beforeAll(async () => {
  databaseUrl = await cloneTestDatabase();
  orm = await openOrm(databaseUrl);
});
afterAll(() => orm.close());

/** A copy of seeds/ in a temporary folder, with `edit` applied to one file's text. */
function editedSeeds(file: string, edit: (text: string) => string): string {
  const directory = fs.mkdtempSync(path.join(os.tmpdir(), 'kb-seeds-'));
  for (const entry of fs.readdirSync(DEFAULT_SEED_DIRECTORY)) {
    fs.copyFileSync(path.join(DEFAULT_SEED_DIRECTORY, entry), path.join(directory, entry));
  }
  const target = path.join(directory, file);
  const before = fs.readFileSync(target, 'utf8');
  const after = edit(before);
  if (after === before) throw new Error(`the edit changed nothing in ${file}`);
  fs.writeFileSync(target, after);
  return directory;
}

/** Loads seeds/ with `edit` applied to one file, runs `check`, then loads the files as they are again, whatever failed. */
async function withEditedSeeds(file: string, edit: (text: string) => string, check: () => Promise<void>): Promise<void> {
  const directory = editedSeeds(file, edit);
  try {
    await seed(orm.em.fork(), directory);
    await check();
  } finally {
    await seed(orm.em.fork());
  }
}

async function seedError(directory: string): Promise<SeedError> {
  const error = await seed(orm.em.fork(), directory).then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(SeedError);
  return error as SeedError;
}

describe('npm run seed', () => {
  it('changes nothing when run again: same ids, same counts, same values', async () => {
    const before = await snapshot(orm);
    const result = await seed(orm.em.fork());
    expect(result.removed).toBe(0);
    expect(await snapshot(orm)).toEqual(before);
    expect(before.claim.length).toBeGreaterThan(400);
  });

  it('gives every record the same id after the database is dropped and seeded again', async () => {
    const before = idsOf(await snapshot(orm));
    const freshUrl = new URL(databaseUrl);
    freshUrl.pathname = `${freshUrl.pathname}_fresh`;
    await ensureDatabaseExists(freshUrl.toString());
    const fresh = await openOrm(freshUrl.toString());
    try {
      expect(idsOf(await snapshot(fresh)).project).toEqual([]);
      await seed(fresh.em.fork());
      expect(idsOf(await snapshot(fresh))).toEqual(before);
    } finally {
      await fresh.close();
      await dropDatabase(freshUrl.toString());
    }
  });

  it('updates an edited value in place, and removes a fact taken out of the files', async () => {
    const connection = orm.em.getConnection();
    const [weldcomeBefore] = await connection.execute(`select id, total_budget from project where slug = 'weldcome'`);
    const claimsBefore = await connection.execute(`select id from claim where field = 'totalBudget' and subject_id = ?`, [weldcomeBefore.id]);
    const directory = editedSeeds('interreg-fwvl.yaml', (text) =>
      text.replace('amount: "1319699.36"', 'amount: "1319700.00"').replace(/\n {6}- \{ value: \{ en: Training held in Lille and Tournai \} \}/, ''),
    );
    const activitiesBefore = await connection.execute(`select count(*)::int as n from claim where field = 'activities' and subject_id = ?`, [weldcomeBefore.id]);
    await seed(orm.em.fork(), directory);
    const [weldcomeAfter] = await connection.execute(`select id, total_budget from project where slug = 'weldcome'`);
    expect(weldcomeAfter).toEqual({ id: weldcomeBefore.id, total_budget: '1319700.00' });
    const claimsAfter = await connection.execute(`select id, value from claim where field = 'totalBudget' and subject_id = ?`, [weldcomeBefore.id]);
    expect(claimsAfter).toEqual([{ id: claimsBefore[0].id, value: '1319700.00' }]);
    const activitiesAfter = await connection.execute(`select count(*)::int as n from claim where field = 'activities' and subject_id = ?`, [weldcomeBefore.id]);
    expect(activitiesAfter[0].n).toBe(activitiesBefore[0].n - 1);
    // And back: the original files restore the original data.
    await seed(orm.em.fork());
    const [restored] = await connection.execute(`select total_budget from project where slug = 'weldcome'`);
    expect(restored.total_budget).toBe('1319699.36');
  });

  it('brings the search index up to date with the files: a new word is found, the word it replaced no longer', async () => {
    const connection = orm.em.getConnection();
    const matches = async (word: string) =>
      (await connection.execute(`select d.record_id from search_document d join project p on p.id = d.record_id where p.slug = 'weldcome' and d.document @@ to_tsquery('kb_simple', ?)`, [word])).length;
    expect(await matches('weldcome')).toBe(1);
    await withEditedSeeds(
      'interreg-fwvl.yaml',
      (text) => text.replace('acronym: WELDCOME\n', 'acronym: ZWELQUORN\n'),
      async () => {
        expect(await matches('zwelquorn')).toBe(1);
        expect(await matches('weldcome')).toBe(0);
      },
    );
    expect(await matches('weldcome')).toBe(1);
  });

  it('finds the conflicts between sources again when the files change: one resolved goes, and comes back', async () => {
    const connection = orm.em.getConnection();
    const populationConflicts = async () => (await connection.execute(`select value_count from claim_conflict where field = 'population'`)).map((row) => row.value_count);
    expect(await populationConflicts()).toEqual([2]);
    await withEditedSeeds(
      'interreg-fwvl.yaml',
      (text) => text.replace('{ value: 11000000, source: article, locator: "près de 11 millions', '{ value: 10800000, source: article, locator: "près de 11 millions'),
      async () => expect(await populationConflicts()).toEqual([]),
    );
    expect(await populationConflicts()).toEqual([2]);
  });

  it("keeps the links of a theme moved up out of a parent theme that is removed", async () => {
    const connection = orm.em.getConnection();
    // A project loaded by other means than the seeds, filed under the child theme.
    const columns = (await connection.execute(`select column_name from information_schema.columns where table_name = 'project' and is_generated = 'NEVER'`)).map(
      (row) => `"${row.column_name as string}"`,
    );
    const copied = columns.map((column: string) => (column === '"id"' ? 'gen_random_uuid()' : column === '"slug"' ? `'loaded-elsewhere'` : column));
    const [other] = await connection.execute(`insert into project (${columns.join(', ')}) select ${copied.join(', ')} from project where slug = 'weldcome' returning id`);
    const [theme] = await connection.execute(`select id from theme where slug = 'interreg-v-fwvl-employment-and-mobility'`);
    await connection.execute(`insert into project_theme (id, project_id, theme_id) values (gen_random_uuid(), ?, ?)`, [other.id, theme.id]);
    const moveUp = (text: string) =>
      text
        .replace(/ {6}- slug: interreg-v-fwvl-axis-4\n[\s\S]*? {8}children:\n((?: {10}.*\n)+)/, (_all, children: string) => children.replace(/^ {4}/gm, ''))
        .replace('      - { value: interreg-v-fwvl-axis-4, source: editors }\n', '')
        .replaceAll('[{ value: interreg-v-fwvl-axis-4, source: editors }]', '[{ value: interreg-v-fwvl-employment-and-mobility, source: editors }]');
    try {
      await withEditedSeeds('interreg-fwvl.yaml', moveUp, async () => {
        const themes = await connection.execute(`select slug, parent_id from theme where slug like 'interreg-v-fwvl-%' order by slug`);
        expect(themes.map((row) => row.slug)).not.toContain('interreg-v-fwvl-axis-4');
        expect(themes).toContainEqual({ slug: 'interreg-v-fwvl-employment-and-mobility', parent_id: null });
        const links = await connection.execute(`select theme_id from project_theme where project_id = ?`, [other.id]);
        expect(links).toEqual([{ theme_id: theme.id }]);
      });
    } finally {
      await connection.execute(`delete from project_theme where project_id = ?`, [other.id]);
      await connection.execute(`delete from project where id = ?`, [other.id]);
    }
  });

  it('prefers the claim marked preferred over the first one, of an amount and of a lead partner', async () => {
    // The first claim was made preferred by default even beside one marked so: "2 claims are marked preferred".
    await withEditedSeeds(
      'interreg-fwvl.yaml',
      (text) =>
        text
          .replace('        amount: "1319699.36"\n        claims: [{}]', '        amount: "1319699.36"\n        claims: [{}, { source: article, preferred: true }]')
          .replace('role: { value: LEAD_PARTNER, sources: [fwvl-weldcome, article] }', 'role: { claims: [{ value: LEAD_PARTNER }, { value: LEAD_PARTNER, source: article, preferred: true }] }'),
      async () => {
        const preferredOf = (field: string) =>
          orm.em.getConnection().execute(
            `select s.key, c.preferred from claim c join source s on s.id = c.source_id join project p on p.id = c.subject_id
              where p.slug = 'weldcome' and c.field = ? order by c.preferred, s.key`,
            [field],
          );
        for (const field of ['totalBudget', 'leadPartner']) expect(await preferredOf(field)).toEqual([{ key: 'fwvl-weldcome', preferred: false }, { key: 'article', preferred: true }]);
      },
    );
  });

  it('keeps an amount paid beside the planned one, which stays the budget without a mark', async () => {
    await withEditedSeeds(
      'interreg-fwvl.yaml',
      (text) => text.replace('        amount: "1319699.36"\n        claims: [{}]', '        amount: "1319699.36"\n        claims: [{}]\n      - { key: paid, fund: ALL, basis: TOTAL_BUDGET, stage: PAID, amount: "1200000", claims: [{}] }'),
      async () => {
        const fundings = await orm.em.getConnection().execute(
          `select f.stage, f.amount::text, f.preferred, p.total_budget::text as total_budget from funding f join project p on p.id = f.project_id where p.slug = 'weldcome' order by f.preferred desc`,
        );
        expect(fundings).toEqual([
          { stage: 'PLANNED', amount: '1319699.36', preferred: true, total_budget: '1319699.36' },
          { stage: 'PAID', amount: '1200000.00', preferred: false, total_budget: '1319699.36' },
        ]);
      },
    );
  });

  it("marks a project's budget approximate where its preferred amount is rounded in its source", async () => {
    await withEditedSeeds(
      'interreg-fwvl.yaml',
      (text) => text.replace('        amount: "1319699.36"\n        claims: [{}]', '        amount: "1319699.36"\n        approximate: true\n        claims: [{}]'),
      async () => {
        const [project] = await orm.em.getConnection().execute(`select total_budget_approximate, eu_funding_approximate from project where slug = 'weldcome'`);
        expect(project).toEqual({ total_budget_approximate: true, eu_funding_approximate: false });
      },
    );
    const [project] = await orm.em.getConnection().execute(`select total_budget_approximate from project where slug = 'weldcome'`);
    expect(project).toEqual({ total_budget_approximate: false });
    // Or where the claim the amount is taken from says so ("about 1.3 million").
    await withEditedSeeds(
      'interreg-fwvl.yaml',
      (text) => text.replace('        amount: "1319699.36"\n        claims: [{}]', '        amount: "1319699.36"\n        claims: [{ approximate: true }]'),
      async () => {
        const [edited] = await orm.em.getConnection().execute(
          `select p.total_budget_approximate, f.approximate from project p join funding f on f.project_id = p.id where p.slug = 'weldcome'`,
        );
        // The funding row too, which a programme's typed amounts and every Funding.money read.
        expect(edited).toEqual({ total_budget_approximate: true, approximate: true });
      },
    );
  });

  it("cites a child theme without a source of its own to its parent theme's source", async () => {
    await withEditedSeeds(
      'interreg-fwvl.yaml',
      (text) =>
        text.replace(
          '          fr: { value: Compétitivité des PME, locator: "compétitivité des PME" }\n',
          '          fr: { value: Compétitivité des PME, locator: "compétitivité des PME" }\n        children:\n          - slug: interreg-v-fwvl-axis-2-export\n            names: { fr: Export des PME }\n',
        ),
      async () => {
        const sources = await orm.em.getConnection().execute(
          `select distinct s.key from claim c join source s on s.id = c.source_id join theme t on t.id = c.subject_id where t.slug = 'interreg-v-fwvl-axis-2-export'`,
        );
        // axis-2 names the article as its source; the programme, keep-37.
        expect(sources).toEqual([{ key: 'article' }]);
      },
    );
  });

  it("gives an outcome and its breakdown the date and approximation of its preferred value's claim, where the claim states them", async () => {
    await withEditedSeeds(
      'interreg-fwvl.yaml',
      (text) =>
        text.replace(
          'value: { value: "89", locator: "89 demandeurs d’emploi (69 Français et 20 Belges)" }',
          'value: { value: "89", locator: "89 demandeurs d’emploi (69 Français et 20 Belges)", asOf: "2021-04", approximate: true }',
        ),
      async () => {
        const rows = await orm.em.getConnection().execute(`select o.as_of, o.approximate from outcome o join project p on p.id = o.project_id where p.slug = 'weldcome' and o.value = 89`);
        expect(rows).toEqual([{ as_of: '2021-04', approximate: true }]);
        // 89 split into 69 and 20 is split as of April, approximately, as the 89 is.
        const claims = await orm.em.getConnection().execute(
          `select c.field, c.value, c.as_of, c.approximate from claim c join outcome o on o.id = c.subject_id join project p on p.id = o.project_id
           where p.slug = 'weldcome' and o.value = 89 and c.field in ('value', 'breakdown') order by c.field desc, c.position`,
        );
        expect(claims).toEqual([
          { field: 'value', value: '89', as_of: '2021-04', approximate: true },
          { field: 'breakdown', value: '69', as_of: '2021-04', approximate: true },
          { field: 'breakdown', value: '20', as_of: '2021-04', approximate: true },
        ]);
      },
    );
  });

  it('removes the claims of a record whose seed no longer states any', async () => {
    const connection = orm.em.getConnection();
    const plan = planSeeds();
    const [territory] = await connection.execute(`select id from territory where code = 'BE25'`);
    const claimsBefore = await connection.execute(`select count(*)::int as n from claim where subject_id = ?`, [territory.id]);
    expect(claimsBefore[0].n).toBeGreaterThan(0);
    try {
      await writeSeedPlan(orm.em.fork(), { ...plan, claims: plan.claims.filter((claim) => claim.subjectId !== territory.id) });
      const claimsAfter = await connection.execute(`select count(*)::int as n from claim where subject_id = ?`, [territory.id]);
      expect(claimsAfter[0].n).toBe(0);
    } finally {
      // The rest of the file reads BE25's claims.
      await writeSeedPlan(orm.em.fork(), plan);
    }
    const restored = await connection.execute(`select count(*)::int as n from claim where subject_id = ?`, [territory.id]);
    expect(restored[0].n).toBe(claimsBefore[0].n);
  });

  it('rejects territories part of each other round a chain, at the edge that closes it', async () => {
    const directory = editedSeeds('territories.yaml', (text) =>
      text.replace('    partOf: [FR]\n    externalIds: { wikidata: { value: Q18677767', '    partOf: [FR, FRE11]\n    externalIds: { wikidata: { value: Q18677767'),
    );
    const before = await snapshot(orm);
    const error = await seedError(directory);
    expect(error.problems).toEqual([expect.stringMatching(/territories\.yaml:16:\d+: territories\[\d+\]\.partOf\[0\]: territories part of each other round a cycle: FRE part of FRE11 part of FRE1 part of FRE$/)]);
    expect(await snapshot(orm)).toEqual(before);
  });

  it.each([
    [
      'an unquoted amount',
      (text: string) => text.replace('amount: "1319699.36"', 'amount: 1319699.36'),
      /interreg-fwvl\.yaml:\d+:\d+: projects\[2\]\.funding\[0\]\.amount: must be a decimal in quotes/,
    ],
    [
      'an unknown organisation',
      (text: string) => text.replace('organisation: icam', 'organisation: icam-lille'),
      /interreg-fwvl\.yaml:\d+:\d+: projects\[2\]\.partners\[0\]\.organisation: unknown organisation "icam-lille"/,
    ],
    [
      'a misspelt field',
      (text: string) => text.replace('    website: https://www.weldcome.eu', '    webiste: https://www.weldcome.eu'),
      /interreg-fwvl\.yaml:299:5: projects\[2\]: unknown field "webiste"/,
    ],
    [
      'a misspelt section',
      (text: string) => text.replace('\nprojects:\n', '\nproject:\n'),
      /interreg-fwvl\.yaml:199:1: unknown field "project"/,
    ],
    [
      'two disagreeing claims with none preferred',
      (text: string) => text.replace('the dates esf-site gives", preferred: true', 'the dates esf-site gives"'),
      /interreg-fwvl\.yaml:\d+:\d+: projects\[0\]\.durationMonths: 2 claims disagree/,
    ],
    ['a YAML syntax error', (text: string) => text.replace('  - slug: weldcome\n', '  - slug: weldcome\n   oops: [\n'), /interreg-fwvl\.yaml:\d+:\d+: YAML syntax/],
    [
      'a co-financing rate given as a percentage',
      (text: string) => text.replace('    website: https://www.weldcome.eu\n', '    website: https://www.weldcome.eu\n    cofinancingRate: { value: "60", source: article }\n'),
      /interreg-fwvl\.yaml:\d+:\d+: projects\[2\]\.cofinancingRate\.value: must be a fraction between 0 and 1/,
    ],
    [
      "a project's preferred budget in another currency than the euro",
      (text: string) => text.replace('        amount: "1319699.36"\n', '        amount: "1319699.36"\n        currency: GBP\n'),
      /interreg-fwvl\.yaml:\d+:\d+: projects\[2\]\.funding\[0\]\.currency: the preferred TOTAL_BUDGET amount is the project's budget in euros/,
    ],
    [
      "a partner's share in a project's funding",
      (text: string) => text.replace('        basis: TOTAL_BUDGET\n        amount: "1319699.36"', '        basis: PARTNER_SHARE\n        amount: "1319699.36"'),
      /interreg-fwvl\.yaml:\d+:\d+: projects\[2\]\.funding\[0\]\.basis: PARTNER_SHARE is a partner's own share: give it under the partner/,
    ],
    [
      // It was kept, and read as the partner's money in its fundings and in funding.csv, its budget left empty.
      "a project's total budget under a partner",
      (text: string) =>
        text.replace(
          "        role: { value: LEAD_PARTNER, sources: [fwvl-weldcome, article] }\n",
          "        role: { value: LEAD_PARTNER, sources: [fwvl-weldcome, article] }\n        funding: [{ key: total, fund: ALL, basis: TOTAL_BUDGET, amount: \"1319699.36\", claims: [{}] }]\n",
        ),
      /interreg-fwvl\.yaml:\d+:\d+: projects\[2\]\.partners\[0\]\.funding\[0\]\.basis: a partner's funding is its own share \(PARTNER_SHARE\)/,
    ],
    [
      "a partner's share in a programme's funding",
      (text: string) => text.replace(/(programmes:[\s\S]*?basis: )TOTAL_BUDGET/, '$1PARTNER_SHARE'),
      /interreg-fwvl\.yaml:\d+:\d+: programmes\[\d\]\.funding\[\d\]\.basis: PARTNER_SHARE is a partner's own share of a project/,
    ],
    [
      "a project's EU funding under a partner",
      (text: string) =>
        text.replace(
          "        role: { value: LEAD_PARTNER, sources: [fwvl-weldcome, article] }\n",
          "        role: { value: LEAD_PARTNER, sources: [fwvl-weldcome, article] }\n        funding: [{ key: eu, fund: ERDF, basis: EU_FUNDING, amount: \"791819.62\", claims: [{}] }]\n",
        ),
      /interreg-fwvl\.yaml:\d+:\d+: projects\[2\]\.partners\[0\]\.funding\[0\]\.basis: a partner's funding is its own share \(PARTNER_SHARE\): the project's EU funding/,
    ],
    [
      // A paid amount made the project's total budget, summed in breakdowns whose note says a budget is not spending.
      'a paid amount preferred as the budget',
      (text: string) => text.replace('        amount: "1319699.36"\n        claims: [{}]', '        amount: "1319699.36"\n        claims: [{}]\n      - { key: paid, fund: ALL, basis: TOTAL_BUDGET, stage: PAID, amount: "1200000", preferred: true, claims: [{}] }'),
      /interreg-fwvl\.yaml:\d+:\d+: projects\[2\]\.funding\[1\]\.preferred: an amount paid is not a budget: only a PLANNED TOTAL_BUDGET amount can be preferred/,
    ],
    [
      'an amount with more decimals than the column keeps',
      (text: string) => text.replace('amount: "1319699.36"', 'amount: "1319699.365"'),
      /interreg-fwvl\.yaml:\d+:\d+: projects\[2\]\.funding\[0\]\.amount: must have at most 2 digits after the point/,
    ],
    [
      'a count beyond PostgreSQL integers',
      (text: string) => text.replace('population: { value: 11000000, approximate: true', 'population: { value: 11000000000, approximate: true'),
      /interreg-fwvl\.yaml:185:\d+: programmes\[\d\]\.population\.value: must be at most 2147483647/,
    ],
    [
      'two partners who both lead a project',
      (text: string) => text.replace('      - organisation: vdab\n        role: { value: PARTNER, sources: [esf-site, article] }', '      - organisation: vdab\n        role: { value: LEAD_PARTNER, sources: [esf-site, article] }'),
      /interreg-fwvl\.yaml:255:\d+: projects\[0\]\.partners\[2\]\.role\[0\]: a second preferred claim on "leadPartner" \(the first is at [^)]*:247:\d+: projects\[0\]\.partners\[0\]\.role\[0\]\)/,
    ],
    [
      'an alias without its anchor',
      (text: string) => text.replace('areaKm2: { value: 62000, source: article,', 'areaKm2: { value: 62000, source: *nowhere,'),
      /interreg-fwvl\.yaml:43:\d+: YAML alias \*nowhere names no anchor/,
    ],
    [
      'a claim with both source and sources',
      (text: string) => text.replace('cciCode: { value: 2014TC16RFCB044, sources: [keep-37, inforegio-v] }', 'cciCode: { value: 2014TC16RFCB044, source: article, sources: [keep-37, inforegio-v] }'),
      /interreg-fwvl\.yaml:32:\d+: programmes\[1\]\.cciCode\.sources: give either "source" or "sources", not both/,
    ],
    [
      'a website that is not an http(s) URL',
      (text: string) => text.replace('    website: https://www.weldcome.eu', '    website: "javascript:alert(1)"'),
      /interreg-fwvl\.yaml:\d+:\d+: projects\[2\]\.website: must be an absolute http\(s\) URL/,
    ],
    [
      'a day that is not on the calendar',
      (text: string) => text.replace('    startDate: "2018-01-01"', '    startDate: "2018-02-30"'),
      /interreg-fwvl\.yaml:\d+:\d+: projects\[2\]\.startDate: must be a day on the calendar/,
    ],
    [
      'a project that ends before it starts',
      (text: string) => text.replace('    endDate: "2022-12-31"', '    endDate: "2017-12-31"'),
      /interreg-fwvl\.yaml:\d+:\d+: projects\[2\]\.endDate: ends \(2017-12-31\) before it starts \(2018-01-01\)/,
    ],
    [
      'a programme that ends before it starts',
      (text: string) => text.replace('    startYear: 2021\n    endYear: 2027', '    startYear: 2027\n    endYear: 2021'),
      /interreg-fwvl\.yaml:\d+:\d+: programmes\[2\]\.endYear: ends \(2021\) before it starts \(2027\)/,
    ],
    [
      'a NUL character in a text',
      (text: string) => text.replace('locator: "89 demandeurs', 'locator: "\\0 89 demandeurs'),
      /interreg-fwvl\.yaml:\d+:\d+: projects\[2\]\..*locator: must not contain the NUL character/,
    ],
    [
      'a NUL character in a URL',
      (text: string) => text.replace('    website: https://www.weldcome.eu', '    website: "https://www.weldcome.eu/\\0"'),
      /interreg-fwvl\.yaml:\d+:\d+: projects\[2\]\.website: must not contain the NUL character/,
    ],
    [
      'a title too long to be a sort key',
      (text: string) => text.replace('    titles: { en: WELDing COoperation for Mobility and cross-border Employment }', `    titles: { en: "${'Welding '.repeat(400)}" }`),
      /interreg-fwvl\.yaml:290:\d+: projects\[2\]\.titles\.en: must be at most 500 characters/,
    ],
    [
      'a slug too long to be a key',
      (text: string) => text.replace('  - slug: weldcome\n', `  - slug: weldcome${'-and-more'.repeat(20)}\n`),
      /interreg-fwvl\.yaml:286:\d+: projects\[2\]\.slug: must be at most 100 characters/,
    ],
    [
      'a programme that is its own predecessor',
      (text: string) => text.replace('    predecessor: { value: interreg-v-fwvl, source: editors }', '    predecessor: { value: interreg-vi-fwvl, source: editors }'),
      /interreg-fwvl\.yaml:184:\d+: programmes\[2\]\.predecessor: a programme cannot be its own predecessor/,
    ],
    [
      'a predecessor that starts later (two programmes preceding each other)',
      (text: string) => text.replace('    predecessor: { value: interreg-iv-fwvl, source: editors }', '    predecessor: { value: interreg-vi-fwvl, source: editors }'),
      /interreg-fwvl\.yaml:38:\d+: programmes\[1\]\.predecessor: the predecessor "interreg-vi-fwvl" starts in 2021, not before this programme \(2014\)/,
    ],
    [
      'a negative amount',
      (text: string) => text.replace('amount: "1319699.36"', 'amount: "-1319699.36"'),
      /interreg-fwvl\.yaml:\d+:\d+: projects\[2\]\.funding\[0\]\.amount: must not be negative/,
    ],
    [
      "a project filed under another programme's theme",
      (text: string) => text.replace('  - slug: weldcome\n    programme: interreg-v-fwvl', '  - slug: weldcome\n    programme: interreg-vi-fwvl'),
      /interreg-fwvl\.yaml:\d+:\d+: projects\[2\]\.themes\[0\]: theme "[a-z0-9-]+" is a theme of programme "interreg-v-fwvl", not of this project's programme "interreg-vi-fwvl"/,
    ],
  ])('rejects %s with file, line and what is wrong, and leaves the database as it was', async (_what, edit, expected) => {
    const before = await snapshot(orm);
    const error = await seedError(editedSeeds('interreg-fwvl.yaml', edit));
    expect(error.message).toMatch(expected);
    expect(error.message).toContain('nothing was written');
    expect(await snapshot(orm)).toEqual(before);
  });

  it('points at the item written, when an earlier item has no preferred value or a claim covers other languages', async () => {
    const directory = editedSeeds('interreg-fwvl.yaml', (text) =>
      text
        .replace('locator: "l’Eurométropole Lille-Courtrai-Tournai" }', 'locator: "l’Eurométropole Lille-Courtrai-Tournai", preferred: false }')
        .replace('      - { value: BE25, locator: "la Flandre occidentale" }\n', '      - { value: BE25, locator: "la Flandre occidentale" }\n      - { value: BE25, locator: "again" }\n')
        .replace(
          '      - { value: { en: Professionalise the personal services sector through technology }, locator: "professionnaliser le secteur des SAP" }\n',
          '      - claims:\n          - { value: { en: Professionalise the personal services sector through technology }, locator: "professionnaliser le secteur des SAP" }\n' +
            '          - { value: { fr: Professionnaliser le secteur des SAP }, source: no-such-source }\n',
        ),
    );
    const error = await seedError(directory);
    expect(error.message).toMatch(/projects\[0\]\.territories\[4\]: territory BE25 is given twice \(first at [^)]*projects\[0\]\.territories\[3\]\)/);
    expect(error.message).toMatch(/projects\[1\]\.objectives\[0\]\.claims\[1\][.:][^\n]*no-such-source/);
  });

  it("cites a breakdown's figures to the source of the value they break down", () => {
    const directory = editedSeeds('interreg-fwvl.yaml', (text) =>
      text.replace(
        '      - key: trainees\n        source: article\n',
        '      - key: trainees\n',
      ).replace('value: { value: "89", locator:', 'value: { value: "89", source: article, locator:'),
    );
    const plan = planSeeds(directory);
    const valueClaim = plan.claims.find((claim) => claim.field === 'value' && claim.value === '89')!;
    const breakdownClaims = plan.claims.filter((claim) => claim.field === 'breakdown' && claim.subjectId === valueClaim.subjectId);
    expect(breakdownClaims.map((claim) => claim.value)).toEqual(['69', '20']);
    expect(breakdownClaims.every((claim) => claim.source === valueClaim.source && claim.locator === valueClaim.locator)).toBe(true);
  });

  it("cites a breakdown's figures to the value's preferred claim, by the rule every field follows", () => {
    // Two agreeing claims, the first marked "preferred: false": the second is the preferred one.
    const directory = editedSeeds('interreg-fwvl.yaml', (text) =>
      text.replace(
        '        value: { value: "89", locator: "89 demandeurs d’emploi (69 Français et 20 Belges)" }\n',
        '        value:\n          claims:\n            - { value: "89", source: fwvl-weldcome, preferred: false }\n            - { value: "89", locator: "89 demandeurs d’emploi (69 Français et 20 Belges)" }\n',
      ),
    );
    const plan = planSeeds(directory);
    const valueClaims = plan.claims.filter((claim) => claim.field === 'value' && claim.value === '89');
    expect(valueClaims).toHaveLength(2);
    const preferred = valueClaims.find((claim) => claim.preferred)!;
    expect(preferred.locator).toContain('89 demandeurs');
    const breakdownClaims = plan.claims.filter((claim) => claim.field === 'breakdown' && claim.subjectId === preferred.subjectId);
    expect(breakdownClaims).toHaveLength(2);
    expect(breakdownClaims.every((claim) => claim.source === preferred.source && claim.locator === preferred.locator)).toBe(true);
  });

  it('refuses a folder with no seed files, or a folder where a seed file should be, and writes nothing', async () => {
    const empty = fs.mkdtempSync(path.join(os.tmpdir(), 'kb-seeds-'));
    try {
      fs.writeFileSync(path.join(empty, 'notes.txt'), 'not a seed file');
      const before = await snapshot(orm);
      expect((await seedError(empty)).problems).toEqual([`${empty}: no seed files (*.yaml, *.yml) in this folder`]);
      fs.mkdirSync(path.join(empty, 'more.yaml'));
      expect(() => listSeedFiles(empty)).toThrow(`${path.join(empty, 'more.yaml')}: not a file`);
      expect(() => listSeedFiles(path.join(empty, 'notes.txt'))).toThrow('not a folder');
      expect(await snapshot(orm)).toEqual(before);
    } finally {
      fs.rmSync(empty, { recursive: true, force: true });
    }
  });

  it('names a misspelt "value" of a claim as the unknown field it is', async () => {
    const directory = editedSeeds('organisations.yaml', (text) => text.replace('kind: { value: HIGHER_EDUCATION', 'kind: { vaule: HIGHER_EDUCATION'));
    const error = await seedError(directory);
    expect(error.message).toContain('organisations[5].kind: unknown field "vaule"');
    expect(error.message).toContain('organisations[5].kind: needs a "value"');
    expect(error.message).not.toContain('must be one of');
  });

  it('points at the right line', async () => {
    const directory = editedSeeds('organisations.yaml', (text) => text.replace('kind: { value: HIGHER_EDUCATION', 'kind: { value: UNIVERSITY'));
    const error = await seedError(directory);
    const line = fs
      .readFileSync(path.join(directory, 'organisations.yaml'), 'utf8')
      .split('\n')
      .findIndex((text) => text.includes('UNIVERSITY')) + 1;
    expect(error.message).toContain(`organisations.yaml:${line}:`);
    expect(error.message).toContain('organisations[5].kind.value: must be one of');
  });

  it('rolls back everything when the database refuses a row half-way', async () => {
    const before = await snapshot(orm);
    const plan = planSeeds();
    // Early steps delete a dropped edge and update a value; a late one writes a row the database refuses
    // (a claim citing no source).
    plan.territoryEdges = plan.territoryEdges.slice(1);
    plan.projects = plan.projects.map((row) => (row.slug === 'weldcome' ? { ...row, website: 'https://example.org' } : row));
    plan.claims = [...plan.claims, { ...plan.claims[0], id: '00000000-0000-5000-8000-000000000001', source: '00000000-0000-5000-8000-000000000002' }];
    await expect(writeSeedPlan(orm.em.fork(), plan)).rejects.toThrow(/foreign key/);
    expect(await snapshot(orm)).toEqual(before);
  });
});

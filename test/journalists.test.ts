import 'reflect-metadata';
import { Language } from '../src/modules/common/localised';
import { normaliseDecimal } from '../src/modules/common/money';
import { formatDecimal } from '../src/modules/provenance/fact-sheet';
import { Claim, ClaimValueKind } from '../src/modules/provenance/claim.entity';
import { contradictory } from '../src/modules/provenance/conflicts';
import { Client } from 'pg';
import { fetchCsv, sqlStatementsOf, startTestApp, TestApp } from './support/app';
import { refreshDerived } from './support/snapshot';

let app: TestApp;
beforeAll(async () => {
  // Every fact of every seeded record, a page of each type at once: past the default cost limit (a programme's
  // eligible territories count as 1,500 records), which the limits' own tests cover.
  app = await startTestApp({ MAX_COST: '10000000' });
});
afterAll(() => app.close());

/**
 * The typed facts of each kind of record, as API fields, with the claim field that must back each.
 * A field that holds a value needs at least one claim with a source.
 */
const FACT_FIELDS: Record<string, { list: string; fields: Record<string, string> }> = {
  Programme: {
    list: 'programmes',
    fields: {
      cciCode: 'cciCode', 'names { text }': 'name', kind: 'kind', funds: 'funds', startYear: 'startYear', endYear: 'endYear',
      'managingAuthority { id }': 'managingAuthority', 'predecessor { id }': 'predecessor', population: 'population',
      areaKm2: 'areaKm2', borderRegionCount: 'borderRegionCount', closedOn: 'closedOn', reportedProjectCount: 'reportedProjectCount',
      'eligibleTerritories { id }': 'eligibleTerritories', 'coveredRegions { id }': 'coveredRegions', 'euFunding { amount }': 'euFunding', 'totalBudget { amount }': 'totalBudget',
    },
  },
  Project: {
    list: 'projects',
    fields: {
      acronym: 'acronym', 'titles { text }': 'title', 'summaries { text }': 'summary', 'programme { id }': 'programme', 'themes { id }': 'themes',
      startDate: 'startDate', endDate: 'endDate', durationMonths: 'durationMonths', 'totalBudget { amount }': 'totalBudget',
      'euFunding { amount }': 'euFunding', cofinancingRate: 'cofinancingRate', website: 'website', lineage: 'lineage',
      partnership: 'partnership', 'objectives { text }': 'objectives', 'activities { text }': 'activities',
      'targetGroups { text }': 'targetGroups', 'obstacles { text }': 'obstacles', 'territories { id }': 'territories',
      'leadPartner { id }': 'leadPartner',
    },
  },
  Organisation: {
    list: 'organisations',
    fields: {
      'names { text }': 'name', acronym: 'acronym', aliases: 'aliases', kind: 'kind', sector: 'sector', country: 'country',
      'location { id }': 'location', address: 'address', website: 'website',
    },
  },
  Territory: {
    list: 'territories',
    fields: { 'names { text }': 'name', aliases: 'aliases', level: 'level', nutsVersion: 'nutsVersion', country: 'country', 'partOf { id }': 'partOf' },
  },
};

const hasValue = (value: unknown) => value !== null && value !== undefined && !(Array.isArray(value) && value.length === 0);

describe('every fact leads to its sources', () => {
  it.each(Object.entries(FACT_FIELDS))('%s: each fact of each seeded record has a sourced claim', async (typename, { list, fields }) => {
    const selections = Object.keys(fields)
      .map((selection, index) => `f${index}: ${selection}`)
      .join(' ');
    const data = await app.data(`{ ${list}(first: 100) { edges { node { id ${selections} claims { field source { key title } } } } } }`);
    const missing: string[] = [];
    for (const { node } of data[list].edges) {
      const sourced = new Set(node.claims.filter((claim: any) => claim.source?.key && claim.source.title).map((claim: any) => claim.field));
      Object.values(fields).forEach((claimField, index) => {
        if (hasValue(node[`f${index}`]) && !sourced.has(claimField)) missing.push(`${typename} ${node.id}: ${claimField}`);
      });
    }
    expect(missing).toEqual([]);
    expect(data[list].edges.length).toBeGreaterThan(0);
  });

  it('gives an overlap its source from either territory, though it is stated on one', async () => {
    // The Côte d'Opale and the Eurométropole state that they overlap Nord (FRE11); Nord states nothing.
    const { territory } = await app.data<any>(`{ territory(code: "FRE11") { overlaps { code }
      claims(field: "overlaps") { value subject { ... on Territory { code } } reference { ... on Territory { code } } source { key } } sources { key } } }`);
    const overlapping = territory.overlaps.map((other: { code: string }) => other.code);
    expect(overlapping.length).toBeGreaterThan(0);
    expect(territory.claims.map((claim: any) => claim.subject.code).sort()).toEqual([...overlapping].sort());
    for (const claim of territory.claims) {
      expect(claim).toMatchObject({ value: 'FRE11', reference: { code: 'FRE11' }, source: { key: expect.any(String) } });
      expect(territory.sources.map((source: { key: string }) => source.key)).toContain(claim.source.key);
    }
  });

  it("reads only a territory's own claims when another field than overlaps is asked", async () => {
    // The territory, then its claims: the overlap claims other territories state are not read for a name.
    const named = await app.query<any>(`{ territory(code: "FRE11") { claims(field: "name") { value field } } }`);
    expect(named.errors).toBeUndefined();
    // Its name as the seeds state it (territories.yaml: `names: { fr: Nord }`), and nothing else.
    expect(named.data!.territory.claims).toEqual([{ value: 'Nord', field: 'name' }]);
    expect(sqlStatementsOf(named)).toBe(2);
    // Overlaps: the claims that the territories overlapping it state as well, one more statement.
    const overlaps = await app.query<any>(`{ territory(code: "FRE11") { overlaps { code } claims(field: "overlaps") { value } } }`);
    expect(overlaps.data!.territory.claims.length).toBe(overlaps.data!.territory.overlaps.length);
    expect(overlaps.data!.territory.claims.length).toBeGreaterThan(0);
    expect(sqlStatementsOf(await app.query(`{ territory(code: "FRE11") { claims(field: "overlaps") { value } } }`))).toBe(3);
  });

  it('gives every participation and outcome a sourced claim for its role or value', async () => {
    const { projects, programmes } = await app.data(`{
      projects { edges { node { participations { role claims(field: "role") { source { key } } } outcomes { value claims(field: "value") { source { key } } breakdown { key } } } } }
      programmes { edges { node { outcomes { value claims(field: "value") { source { key } } } } } }
    }`);
    const participations = projects.edges.flatMap((edge: any) => edge.node.participations);
    const outcomes = [...projects.edges, ...programmes.edges].flatMap((edge: any) => edge.node.outcomes);
    expect(participations.length).toBe(6);
    expect(outcomes.length).toBe(9);
    for (const record of [...participations, ...outcomes]) expect(record.claims.length).toBeGreaterThan(0);
  });
});

describe('conflicts', () => {
  const CONFLICTS = `query ($filter: ConflictFilter) {
    conflicts(filter: $filter) {
      recordType field valueCount contradictory
      record { ... on Project { slug } ... on Programme { slug } }
      preferred { value source { key } }
      claims { value basis asOf preferred source { key url } }
    }
  }`;

  it('lists every field where the sources disagree, each version with its source, one preferred', async () => {
    const { conflicts } = await app.data(CONFLICTS);
    const summary = conflicts.map((c: any) => `${c.record.slug}.${c.field}: ${c.preferred.value} (${c.preferred.source.key})`).sort();
    expect(summary).toEqual([
      'emploi-sans-frontieres.durationMonths: 48 (editors)',
      'emploi-sans-frontieres.leadPartner: pole-emploi-hauts-de-france (esf-site)',
      'interreg-v-fwvl.borderRegionCount: 4 (fwvl-v-en)',
      'interreg-v-fwvl.euFunding: 170000000 (fwvl-v-en)',
      'interreg-v-fwvl.population: 10800000 (fwvl-v-nl)',
    ]);
    const funding = conflicts.find((c: any) => c.field === 'euFunding');
    // Every version, the preferred one first: an extra or missing claim fails here.
    expect(funding.valueCount).toBe(2);
    expect(funding.claims[0]).toMatchObject({ value: '170000000', source: { key: 'fwvl-v-en' }, preferred: true });
    expect(funding.claims.map((claim: any) => [claim.value, claim.source.key, claim.preferred]).sort()).toEqual([
      ['159778423', 'keep-37', false],
      ['170000000', 'article', false],
      ['170000000', 'fwvl-v-en', true],
    ]);
    expect(funding.claims.find((claim: any) => claim.source.key === 'keep-37').basis).toContain('excluding technical assistance');
  });

  it('says which conflicts are contradictions, and which only values on different bases', async () => {
    const { conflicts } = await app.data(CONFLICTS);
    const contradictions = Object.fromEntries(conflicts.map((c: any) => [`${c.record.slug}.${c.field}`, c.contradictory]));
    // 170 M EUR with technical assistance and 159,778,423 without: both may be right.
    expect(contradictions).toEqual({
      'emploi-sans-frontieres.durationMonths': true,
      'emploi-sans-frontieres.leadPartner': true,
      'interreg-v-fwvl.borderRegionCount': true,
      'interreg-v-fwvl.euFunding': false,
      'interreg-v-fwvl.population': true,
    });
  });

  it.each([
    ['one basis, two values', [['EU funding', '170000000'], ['EU funding', '159778423']], true],
    ['two bases, a value each', [['with', '170000000'], ['without', '159778423']], false],
    ['two bases, two values in one of them', [['with', '1'], ['with', '2'], ['without', '3']], true],
    ['no basis, the same number written two ways', [[null, '170000000'], [null, '170000000.00']], false],
  ])('tells a contradiction from values on other bases: %s', (_what, versions, expected) => {
    const claims = (versions as Array<[string | null, string]>).map(([basis, value]) => ({ basis, value, valueKind: ClaimValueKind.MONEY }) as Claim);
    expect(contradictory(claims)).toBe(expected);
  });

  it('counts numbers that differ only in their trailing zeros as one value', async () => {
    const client = new Client({ connectionString: app.databaseUrl });
    await client.connect();
    const added: string[] = [];
    // Another source's claim of programme V's first year, as written in its own document.
    const restate = async (value: string) => {
      const { rows } = await client.query(
        `insert into claim (id, subject_type, subject_id, field, value_kind, value, language, unit, basis, approximate, as_of, preferred, locator, position, reference_type, reference_id, source_id, funding_id)
         select gen_random_uuid(), c.subject_type, c.subject_id, c.field, c.value_kind, $1, c.language, c.unit, c.basis, c.approximate, c.as_of, false, c.locator, c.position, c.reference_type, c.reference_id, c.source_id, c.funding_id
         from claim c join programme p on p.id = c.subject_id where p.slug = 'interreg-v-fwvl' and c.field = 'startYear' and c.preferred
         returning id`,
        [value],
      );
      added.push(rows[0].id);
      // As seeding does after writing claims: conflicts are found when data is written.
      await refreshDerived((sql) => client.query(sql));
    };
    const startYear = async () => (await app.data(CONFLICTS)).conflicts.filter((conflict: any) => conflict.field === 'startYear');
    try {
      await restate('2014.00');
      expect(await startYear()).toEqual([]);
      await restate('2015');
      const [conflict] = await startYear();
      expect(conflict.valueCount).toBe(2);
      expect(conflict.claims.map((claim: any) => claim.value).sort()).toEqual(['2014', '2014.00', '2015']);
    } finally {
      await client.query('delete from claim where id = any($1)', [added]);
      await refreshDerived((sql) => client.query(sql));
      await client.end();
    }
  });

  it('says which language and list item each conflict is about, and leaves out one whose record is gone', async () => {
    const LOCATED = `{ conflicts { recordType field language position record { id } } }`;
    const before = (await app.data(LOCATED)).conflicts;
    expect(before.length).toBeGreaterThan(0);
    expect(before.every((conflict: any) => conflict.language === null && conflict.position === 0)).toBe(true);
    const client = new Client({ connectionString: app.databaseUrl });
    await client.connect();
    let added: string[] = [];
    try {
      // Two versions of a Dutch text at the second place of a list, and two of a record that no longer exists.
      const inserted = await client.query(
        `insert into claim (id, subject_type, subject_id, field, value_kind, value, language, preferred, position, source_id)
         select gen_random_uuid(), 'Programme', p.id, 'objectives', 'TEXT', v.value, 'nl', v.preferred, 1, (select id from source limit 1)
         from programme p, (values ('Werkgelegenheid', true), ('Tewerkstelling', false)) as v(value, preferred) where p.slug = 'interreg-v-fwvl'
         union all
         select gen_random_uuid(), 'Project', '00000000-0000-5000-8000-000000000001', 'acronym', 'TEXT', v.value, null, v.preferred, 0, (select id from source limit 1)
         from (values ('GONE', true), ('AWAY', false)) as v(value, preferred)
         returning id`,
      );
      added = inserted.rows.map((row) => row.id);
      await refreshDerived((sql) => client.query(sql));
      const response = await app.query(LOCATED);
      expect(response.errors).toBeUndefined();
      const after = response.data!.conflicts;
      expect(after).toHaveLength(before.length + 1);
      expect(after.filter((conflict: any) => conflict.field === 'objectives')).toEqual([
        { recordType: 'Programme', field: 'objectives', language: 'NL', position: 1, record: { id: expect.any(String) } },
      ]);
    } finally {
      await client.query('delete from claim where id = any($1)', [added]);
      await refreshDerived((sql) => client.query(sql));
      await client.end();
    }
  });

  it('refuses a record type that claims are not about, rather than find no conflict', async () => {
    const response = await app.query(CONFLICTS, { filter: { recordType: ['project'] } });
    expect(response.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', argumentName: 'filter.recordType' });
  });

  it('filters conflicts by programme and record type', async () => {
    expect((await app.data(CONFLICTS, { filter: { recordType: ['Project'] } })).conflicts).toHaveLength(2);
    expect((await app.data(CONFLICTS, { filter: { programme: ['interreg-v-fwvl'] } })).conflicts).toHaveLength(5);
    expect((await app.data(CONFLICTS, { filter: { programme: ['interreg-iv-fwvl'] } })).conflicts).toEqual([]);
    const unknown = await app.query(CONFLICTS, { filter: { programme: ['nope'] } });
    expect(unknown.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', argumentName: 'filter.programme' });
  });
});

describe('fact sheets', () => {
  it("gives programme V's ERDF money in French with its source, ready to quote", async () => {
    const { programme } = await app.data(`{ programme(slug: "interreg-v-fwvl") { factSheet(lang: FR) { field label value basis preferred locator source { url } quote } } }`);
    const erdf = programme.factSheet.filter((entry: any) => entry.field === 'euFunding');
    expect(erdf).toHaveLength(3);
    const preferred = erdf.find((entry: any) => entry.preferred);
    expect(preferred.label).toBe('Financement UE (FEDER)');
    expect(preferred.value.replace(/\s/g, ' ')).toBe('170 000 000 EUR');
    expect(preferred.quote).toContain('https://interreg5.interreg-fwvl.eu/en');
    // A target says so: "Full-time jobs: 200" alone reads as jobs created.
    const targets = programme.factSheet.filter((entry: any) => entry.label === 'Full-time jobs (objectif)');
    expect(targets).toHaveLength(1);
    expect(targets[0].quote).toMatch(/^Full-time jobs \(objectif\): 200 /);
    expect(programme.factSheet.filter((entry: any) => entry.label === 'Full-time jobs')).toEqual([]);
  });

  it("names the partner each role and budget belongs to, and writes roles as words", async () => {
    const { project } = await app.data(`{ project(slug: "emploi-sans-frontieres") { factSheet { field label value preferred } } }`);
    const roles = project.factSheet.filter((entry: any) => entry.field === 'role');
    expect(roles.length).toBeGreaterThan(0);
    expect(roles.filter((entry: any) => entry.label === 'Role')).toEqual([]);
    expect(roles).toEqual(expect.arrayContaining([expect.objectContaining({ label: 'VDAB – Role', value: 'partner' })]));
    expect(roles.every((entry: any) => ['lead partner', 'partner', 'associated partner'].includes(entry.value))).toBe(true);
    const { project: french } = await app.data(`{ project(slug: "emploi-sans-frontieres") { factSheet(lang: FR) { field label value preferred } } }`);
    expect(french.factSheet.filter((entry: any) => entry.field === 'role' && entry.preferred && entry.value === 'chef de file')).toHaveLength(1);
  });

  it("labels Weldcome's outcomes with their own names and dates", async () => {
    const { project } = await app.data(`{ project(slug: "weldcome") { factSheet(lang: FR) { field label value unit asOf quote source { key } } } }`);
    const trainees = project.factSheet.find((entry: any) => entry.label === 'Demandeurs d’emploi formés');
    expect(trainees).toMatchObject({ value: '89', unit: 'person', asOf: '2021-05', source: { key: 'article' } });
    // The quote is in the sheet's language around the value too.
    expect(trainees.quote).toMatch(/^Demandeurs d’emploi formés: 89 person \(au 2021-05\)\. Source: /);
    const { project: dutch } = await app.data(`{ project(slug: "weldcome") { factSheet(lang: NL) { quote asOf } } }`);
    expect(dutch.factSheet.find((entry: any) => entry.asOf === '2021-05').quote).toMatch(/\(per 2021-05\)\. Bron: /);
    expect(project.factSheet.find((entry: any) => entry.label === 'Chef de file')).toMatchObject({ value: 'Icam' });
  });

  it('writes a year as a year in every language, not grouped as a number', async () => {
    for (const lang of ['EN', 'FR', 'NL']) {
      const { programme } = await app.data(`{ programme(slug: "interreg-v-fwvl") { factSheet(lang: ${lang}) { field value quote } } }`);
      const startYear = programme.factSheet.find((entry: any) => entry.field === 'startYear');
      expect([lang, startYear.value]).toEqual([lang, '2014']);
      expect(startYear.quote).toMatch(/: 2014 year[ .(]/);
    }
    // Other numbers stay grouped.
    expect(formatDecimal('170000000.00', Language.NL)).toBe('170.000.000');
  });

  it('keeps the sign of a negative number between -1 and 0', () => {
    expect(formatDecimal('-0.5', Language.FR)).toBe('-0,5');
    expect(formatDecimal('-0.50', Language.EN)).toBe('-0.5');
    expect(formatDecimal('-1319699.36', Language.EN)).toBe('-1,319,699.36');
    expect(formatDecimal('-0.000', Language.EN)).toBe('0');
  });

  it('writes each decimal one way, whatever zeros it was written with', () => {
    // Outcome breakdowns keep their values as the seed wrote them.
    expect(['069', '069.50', '-007', '-0', '-0.0', '0.000', '0', '10', '100.0', '-0.5', '1319699.360'].map(normaliseDecimal)).toEqual([
      '69', '69.5', '-7', '0', '0', '0', '0', '10', '100', '-0.5', '1319699.36',
    ]);
  });

  it('has one for organisations too', async () => {
    const { organisation } = await app.data(`{ organisation(slug: "le-forem") { factSheet { label value } } }`);
    expect(organisation.factSheet).toEqual(expect.arrayContaining([{ label: 'Also known as', value: 'Forem' }]));
    // Its kind in words, as in the funding breakdown.
    expect(organisation.factSheet).toEqual(expect.arrayContaining([{ label: 'Kind', value: 'Public employment service' }]));
  });
});

describe('rounded amounts', () => {
  it('says which typed amounts are rounded in their sources, as their fundings and claims do', async () => {
    const { programme, project } = await app.data(`{
      programme(slug: "interreg-iv-fwvl") {
        totalBudget { amount approximate } euFunding { amount approximate }
        fundings { basis approximate money { approximate } }
        claims(field: "totalBudget") { approximate money { approximate } }
      }
      project(slug: "weldcome") { totalBudget { amount approximate } participations { budget { approximate } } }
    }`);
    // "just over 248 million EUR", "138 million EUR": the seeds mark both approximate.
    expect(programme.totalBudget).toEqual({ amount: '248000000', approximate: true });
    expect(programme.euFunding).toEqual({ amount: '138000000', approximate: true });
    expect(programme.fundings.length).toBeGreaterThan(1);
    for (const funding of programme.fundings) expect(funding.money.approximate).toBe(funding.approximate);
    expect(programme.claims.length).toBeGreaterThan(0);
    for (const claim of programme.claims) expect(claim.money.approximate).toBe(claim.approximate);
    expect(programme.claims.some((claim: any) => claim.approximate)).toBe(true);
    expect(project.totalBudget).toEqual({ amount: '1319699.36', approximate: false });
  });
});

describe('fundingBreakdown', () => {
  const BREAKDOWN = `query ($by: BreakdownDimension!, $filter: ProjectFilter) {
    fundingBreakdown(by: $by, filter: $filter) {
      records projectCount overlapping note total { amount }
      buckets { key label amount { amount } projectCount recordsWithAmount recordsWithoutAmount }
    }
  }`;

  it('groups by axis, counting the projects with and without a published amount', async () => {
    const { fundingBreakdown } = await app.data(BREAKDOWN, { by: 'THEME' });
    expect(fundingBreakdown).toMatchObject({ records: 'projects', projectCount: 3, overlapping: false, total: { amount: '1319699.36' } });
    expect(fundingBreakdown.buckets).toEqual([
      { key: 'interreg-v-fwvl-axis-4', label: 'Social cohesion, health, training and employment', amount: { amount: '1319699.36' }, projectCount: 3, recordsWithAmount: 1, recordsWithoutAmount: 2 },
    ]);
  });

  it('says so when projects sit in several buckets', async () => {
    const { fundingBreakdown } = await app.data(BREAKDOWN, { by: 'TERRITORY', filter: { territory: ['BE3'] } });
    expect(fundingBreakdown.projectCount).toBe(2);
    expect(fundingBreakdown.overlapping).toBe(true);
    expect(fundingBreakdown.note).toContain('Some projects sit in more than one bucket, so the buckets add up to more than the total, which counts each once.');
    const total = fundingBreakdown.buckets.reduce((sum: number, bucket: any) => sum + Number(bucket.amount?.amount ?? 0), 0);
    expect(total).toBeGreaterThan(Number(fundingBreakdown.total.amount));
  });

  it('says the buckets add up to the total when no project in several has an amount', async () => {
    // VDAB's one project has no published budget and four territories.
    const { fundingBreakdown } = await app.data(BREAKDOWN, { by: 'TERRITORY', filter: { organisation: ['vdab'] } });
    expect(fundingBreakdown).toMatchObject({ projectCount: 1, overlapping: true, total: null });
    expect(fundingBreakdown.buckets.length).toBeGreaterThan(1);
    expect(fundingBreakdown.buckets.every((bucket: any) => bucket.amount === null)).toBe(true);
    expect(fundingBreakdown.note).toContain('Some projects sit in more than one bucket, but none of them has a published amount, so the buckets’ amounts add up to the total.');
    expect(fundingBreakdown.note).not.toContain('more than the total');
    const note = async (lang: string) => (await app.data(`{ fundingBreakdown(by: TERRITORY, filter: { organisation: ["vdab"] }, lang: ${lang}) { note } }`)).fundingBreakdown.note;
    expect(await note('FR')).toContain('Certains projets figurent dans plusieurs groupes, mais aucun montant n’est publié pour eux\u00a0: les montants des groupes additionnés donnent donc le total.');
    expect(await note('NL')).toContain('Sommige projecten staan in meer dan één groep, maar voor geen van hen is een bedrag gepubliceerd, zodat de bedragen van de groepen samen het totaal zijn.');
  });

  it('writes its note in the language asked, as its labels', async () => {
    const note = async (lang: string, by = 'THEME') => (await app.data(`{ fundingBreakdown(by: ${by}, lang: ${lang}) { note } }`)).fundingBreakdown.note;
    expect(await note('EN')).toBe(
      'Amounts are the projects’ total budgets, as published; a budget is not spending. 1 of 3 projects had a published amount; the others are left out of the sums. Each project sits in one bucket.',
    );
    expect(await note('FR')).toBe(
      'Les montants correspondent aux budgets totaux des projets, tels que publiés\u202f; un budget n’est pas une dépense. Un montant était publié pour 1 des 3 projets\u202f; les autres sont laissés hors des sommes. Chaque projet figure dans un seul groupe.',
    );
    expect(await note('NL')).toBe(
      'De bedragen zijn de totale budgetten van de projecten, zoals gepubliceerd; een budget is geen uitgave. Voor 1 van de 3 projecten was een bedrag gepubliceerd; de andere blijven buiten de totalen. Elk project staat in één groep.',
    );
    expect(await note('FR', 'COUNTRY')).toMatch(/^Les montants sont les budgets propres publiés des partenaires.* des \d+ participations\u202f; les autres sont laissées hors des sommes\. /);
    // Partners in several countries, participations in several buckets: the feminine, and the colon's no-break space.
    const { fundingBreakdown } = await app.data(`{ fundingBreakdown(by: TERRITORY, filter: { territory: ["BE3"] }, lang: FR) { note } }`);
    expect(fundingBreakdown.note).toContain('Certains projets figurent dans plusieurs groupes\u00a0: les groupes additionnés dépassent donc le total, qui compte chacun une fois.');
  });

  it("never derives a partner's money from the project total", async () => {
    for (const by of ['COUNTRY', 'ORGANISATION_KIND']) {
      const { fundingBreakdown } = await app.data(BREAKDOWN, { by });
      expect(fundingBreakdown.records).toBe('participations');
      expect(fundingBreakdown.total).toBeNull();
      expect(fundingBreakdown.buckets.every((bucket: any) => bucket.amount === null && bucket.recordsWithAmount === 0)).toBe(true);
      expect(fundingBreakdown.buckets.reduce((sum: number, bucket: any) => sum + bucket.recordsWithoutAmount, 0)).toBe(6);
    }
  });

  it('selects, groups and totals in one statement (and one more to check the names a filter uses)', async () => {
    for (const by of ['PROGRAMME', 'THEME', 'TERRITORY', 'COUNTRY', 'ORGANISATION_KIND']) {
      const unfiltered = await app.query(BREAKDOWN, { by });
      const filtered = await app.query(BREAKDOWN, { by, filter: { territory: ['BE3'] } });
      expect([by, unfiltered.errors, unfiltered.extensions?.queryStats, filtered.errors, filtered.extensions?.queryStats]).toEqual([
        by, undefined, { sqlStatements: 1 }, undefined, { sqlStatements: 2 },
      ]);
    }
  });
});

describe('derived figures', () => {
  it("gives Weldcome's cost per trainee with its formula, inputs, sources and caveat", async () => {
    const { project } = await app.data(`{
      project(slug: "weldcome") { derivedFigures { key value unit formula caveat inputs { field value source { key } } } }
    }`);
    expect(project.derivedFigures).toHaveLength(1);
    const [figure] = project.derivedFigures;
    expect(figure).toMatchObject({ key: 'cost-per-trainees', value: '14828.08', unit: 'EUR per person' });
    expect(figure.formula).toContain('1,319,699.36 / 89');
    expect(figure.caveat).toContain('A budget is not spending');
    expect(figure.inputs).toEqual([
      { field: 'totalBudget', value: '1319699.36', source: { key: 'fwvl-weldcome' } },
      { field: 'value', value: '89', source: { key: 'article' } },
    ]);
  });
});

describe('CSV downloads', () => {
  const csv = (path: string) => fetchCsv(app.baseUrl, path);

  it.each(['projects', 'organisations', 'participations', 'funding', 'claims'])('/export/%s.csv is UTF-8 with a BOM, streamed', async (name) => {
    const response = await fetch(`${app.baseUrl}/export/${name}.csv`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(response.headers.get('transfer-encoding')).toBe('chunked');
    const bytes = new Uint8Array(await response.arrayBuffer());
    expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
  });

  it('quotes fields per RFC 4180 and keeps accents', async () => {
    const { text, rows } = await csv('/export/organisations.csv');
    expect(text).toContain('"Rue Auber, BP 10079, 59016 Lille CEDEX, France"');
    expect(rows.find((row) => row.slug === 'le-forem')?.aliases).toBe('Forem; Office wallon de la formation professionnelle et de l’emploi');
    expect(rows.find((row) => row.slug === 'pole-emploi-hauts-de-france')?.name_fr).toBe('Pôle emploi Hauts-de-France');
  });

  it('takes the filters of the GraphQL lists as query parameters', async () => {
    expect((await csv('/export/projects.csv?territory=BE3')).rows.map((row) => row.slug)).toEqual(['emploi-sans-frontieres', 'weldcome']);
    const weldcome = (await csv('/export/projects.csv?territory=BE3')).rows.find((row) => row.slug === 'weldcome')!;
    expect([weldcome.total_budget, weldcome.total_budget_approximate, weldcome.eu_funding_approximate]).toEqual(['1319699.36', 'false', 'false']);
    expect((await csv('/export/participations.csv?organisation=icam')).rows.map((row) => row.budget_approximate)).toEqual(['false']);
    expect((await csv('/export/projects.csv?territory=BE25&includeSubTerritories=false')).rows.map((row) => row.slug)).toEqual(['emploi-sans-frontieres']);
    // A role binds the partner conditions to one partner: Emploi sans frontières has Belgian partners (VDAB,
    // Le Forem) but a French lead partner (Pôle emploi), so it is not led by a Belgian organisation; Weldcome's
    // one partner, Icam, is French. Without the role, any partner counts.
    expect((await csv('/export/projects.csv?country=BE,FR&role=LEAD_PARTNER')).rows).toHaveLength(3);
    expect((await csv('/export/projects.csv?country=BE&role=LEAD_PARTNER')).rows.map((row) => row.slug)).toEqual(['act-emploi']);
    expect((await csv('/export/projects.csv?country=FR&role=LEAD_PARTNER')).rows.map((row) => row.slug)).toEqual(['emploi-sans-frontieres', 'weldcome']);
    expect((await csv('/export/projects.csv?country=BE&role=PARTNER')).rows.map((row) => row.slug)).toEqual(['emploi-sans-frontieres']);
    expect((await csv('/export/projects.csv?country=BE')).rows.map((row) => row.slug)).toEqual(['act-emploi', 'emploi-sans-frontieres']);
    expect(await csv('/export/projects.csv?role=ASSOCIATED_PARTNER')).toMatchObject({ status: 200, rows: [] });
    expect((await csv('/export/organisations.csv?kind=PUBLIC_EMPLOYMENT_SERVICE&country=BE')).rows.map((row) => row.slug)).toEqual(['le-forem', 'vdab']);
    expect((await csv('/export/participations.csv?organisation=icam')).rows).toEqual([
      expect.objectContaining({ project: 'weldcome', organisation: 'icam', role: 'LEAD_PARTNER' }),
    ]);
    const funding = (await csv('/export/funding.csv?programme=interreg-v-fwvl')).rows;
    expect(funding.find((row) => row.amount === '159778423')).toMatchObject({ recipient: 'interreg-v-fwvl', technical_assistance: 'EXCLUDED', sources: 'keep-37' });
    expect((await csv('/export/funding.csv?organisation=icam')).rows.map((row) => row.recipient)).toEqual(['weldcome']);
    // Weldcome is the only project with money of its own: a partner of another project's selects none.
    expect(await csv('/export/funding.csv?organisation=vdab')).toMatchObject({ status: 200, rows: [] });
  });

  it('gives claims with their source columns', async () => {
    const { rows } = await csv('/export/claims.csv?field=euFunding&recordType=Programme');
    const keep = rows.find((row) => row.source_key === 'keep-37')!;
    expect(keep).toMatchObject({ record: 'interreg-v-fwvl', value: '159778423', preferred: 'false', source_publisher: 'keep.eu (Interact)' });
    expect(keep.source_url).toMatch(/^https:\/\/www\.keep\.eu\//);
    expect(rows.every((row) => row.source_title && row.field === 'euFunding')).toBe(true);
    expect(rows.every((row) => row.outcome_kind === '')).toBe(true);
  });

  it("says which outcome figures are targets", async () => {
    const { rows } = await csv('/export/claims.csv?recordType=Outcome&field=value');
    expect(rows.find((row) => row.record === 'interreg-v-fwvl#full-time-jobs')).toMatchObject({ outcome_kind: 'TARGET', value: '200' });
    expect(rows.every((row) => ['TARGET', 'ACHIEVED'].includes(row.outcome_kind))).toBe(true);
  });

  it('answers a bad parameter with 400 and says which', async () => {
    const unknownTheme = await csv('/export/projects.csv?theme=nope');
    expect(unknownTheme.status).toBe(400);
    expect(JSON.parse(unknownTheme.text)).toMatchObject({ parameter: 'theme' });
    const badBudget = await csv('/export/projects.csv?totalBudgetMin=lots');
    expect(JSON.parse(badBudget.text)).toMatchObject({ parameter: 'totalBudgetMin', error: expect.stringMatching(/^"totalBudgetMin" must be a decimal/) });
    const badDay = await csv('/export/funding.csv?activeOn=someday');
    expect(JSON.parse(badDay.text)).toMatchObject({ parameter: 'activeOn', error: expect.stringMatching(/^"activeOn" must be an ISO date/) });
    // A misspelt filter or a flag that is neither true nor false would otherwise export everything.
    for (const [url, parameter] of [
      ['/export/projects.csv?teritory=BE3', 'teritory'],
      ['/export/claims.csv?preferred=yes', 'preferred'],
      ['/export/projects.csv?territory=BE25&includeSubTerritories=no', 'includeSubTerritories'],
      // A misspelt record type or an unknown source would otherwise export no claim, as if there were none.
      ['/export/claims.csv?recordType=project', 'recordType'],
      ['/export/claims.csv?source=keep37', 'source'],
      ['/export/claims.csv?field=eufunding', 'field'],
      // Claims about money are filed under the record the money is for: none is about a funding record.
      ['/export/claims.csv?recordType=Funding', 'recordType'],
      // The organisations' filter named its fields as GraphQL does ("filter.country"), not as parameters.
      ['/export/organisations.csv?country=Belgium', 'country'],
      ['/export/organisations.csv?territory=XX99', 'territory'],
      ['/export/organisations.csv?text=-forem', 'text'],
      ['/export/projects.csv?text=' + encodeURIComponent('- '.repeat(33)), 'text'],
      ['/export/projects.csv?totalBudgetMin=2000000&totalBudgetMax=1000000', 'totalBudgetMax'],
    ]) {
      const refused = await csv(url);
      expect([url, refused.status, JSON.parse(refused.text).parameter]).toEqual([url, 400, parameter]);
      // HEAD answers as GET does, though it runs no download.
      expect([url, (await fetch(`${app.baseUrl}${url}`, { method: 'HEAD' })).status]).toEqual([url, 400]);
    }
    expect(JSON.parse((await csv('/export/claims.csv?recordType=Project,project')).text).error).toBe(
      'Unknown record type "project" in "recordType"; use one of Territory, Organisation, Programme, Theme, Project, Participation, Outcome.',
    );
    expect(JSON.parse((await csv('/export/claims.csv?field=euFunding,eufunding,EUFunding')).text).error).toBe('Unknown claim fields "eufunding", "EUFunding" in "field".');
    expect((await fetch(`${app.baseUrl}/export/projects.csv?territory=BE3`, { method: 'HEAD' })).status).toBe(200);
    // Known ones still select.
    const bySource = await csv('/export/claims.csv?source=keep-37&recordType=Programme');
    expect(bySource.status).toBe(200);
    expect(bySource.rows.length).toBeGreaterThan(0);
  });

  it('reads a blank text as no condition', async () => {
    const all = (await csv('/export/funding.csv')).rows.length;
    expect((await csv('/export/funding.csv?text=')).rows).toHaveLength(all);
    expect((await csv('/export/projects.csv?text=%20')).rows).toHaveLength(3);
  });
});

describe('sources', () => {
  it('list the claims each source supports', async () => {
    // A source's claims count as 10,000 records in a query's cost (a source such as keep.eu supports one
    // for each of thousands of records): pages of sources give their counts, and one source its claims.
    const { sources, source } = await app.data(`{
      sources(first: 50) { totalCount edges { node { key claimCount } } }
      source(key: "keep-37") { claims(field: "euFunding") { value } }
    }`);
    expect(sources.totalCount).toBe(16);
    const byKey = Object.fromEntries(sources.edges.map((edge: any) => [edge.node.key, edge.node]));
    expect(byKey.article.claimCount).toBeGreaterThan(20);
    expect(source.claims).toEqual([{ value: '159778423' }]);
    expect(sources.edges.every((edge: any) => edge.node.claimCount > 0)).toBe(true);
  });
});

import { Client } from 'pg';
import { fetchCsv, sqlStatementsOf, startTestApp, TestApp } from './support/app';
import { SearchType } from '../src/modules/search/search.service';

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp();
});
afterAll(() => app.close());

async function projectSlugs(filter: Record<string, unknown>): Promise<string[]> {
  const { projects } = await app.data(`query ($filter: ProjectFilter) { projects(filter: $filter, first: 100) { totalCount edges { node { slug } } } }`, {
    filter,
  });
  expect(projects.totalCount).toBe(projects.edges.length);
  return projects.edges.map((edge: any) => edge.node.slug).sort();
}

async function slugsOf(list: string, filter: Record<string, unknown>, key = 'slug'): Promise<string[]> {
  const filterType = { organisations: 'OrganisationFilter', territories: 'TerritoryFilter', programmes: 'ProgrammeFilter', themes: 'ThemeFilter' }[list];
  const data = await app.data(`query ($filter: ${filterType}) { ${list}(filter: $filter, first: 100) { edges { node { ${key} } } } }`, { filter });
  return data[list].edges.map((edge: any) => edge.node[key]).sort();
}

describe('territory reasoning, computed in PostgreSQL', () => {
  it.each([
    ['BE25', true, ['emploi-sans-frontieres']],
    ['BE3', true, ['emploi-sans-frontieres', 'weldcome']],
    ['FRE', true, ['emploi-sans-frontieres', 'weldcome']],
    ['FRF', true, []],
    ['BE25', false, ['emploi-sans-frontieres']],
    ['BE3', false, []],
    ['BE328', true, ['emploi-sans-frontieres', 'weldcome']],
  ])('projects addressing %s (sub-territories: %s)', async (code, includeSubTerritories, expected) => {
    expect(await projectSlugs({ territory: [code], includeSubTerritories })).toEqual(expected);
    const { territory } = await app.data(
      `query ($code: String!, $sub: Boolean!) { territory(code: $code) { projects(includeSubTerritories: $sub) { slug } } }`,
      { code, sub: includeSubTerritories },
    );
    expect(territory.projects.map((project: any) => project.slug)).toEqual(expected);
  });

  it('finds projects by where their partners are based: Hainaut gives Act’Emploi through CIEP Hainaut Centre', async () => {
    expect(await projectSlugs({ partnerTerritory: ['BE32'] })).toEqual(['act-emploi']);
    expect(await projectSlugs({ partnerTerritory: ['FRE'] })).toEqual(['emploi-sans-frontieres', 'weldcome']);
  });

  it('walks ancestors and descendants, nearest first, and overlaps both ways', async () => {
    const data = await app.data(`{
      kortrijk: territory(code: "BE254") { ancestors { code } }
      lille: territory(code: "lille") { ancestors { code } }
      hainaut: territory(code: "BE32") { descendants { code } }
      nord: territory(code: "FRE11") { overlaps { code } parts { code } }
    }`);
    expect(data.kortrijk.ancestors.map((t: any) => t.code)).toEqual(['BE25', 'BE2', 'BE']);
    expect(data.lille.ancestors.map((t: any) => t.code)).toEqual(['FRE11', 'FRE1', 'FRE', 'FR']);
    expect(data.hainaut.descendants.map((t: any) => t.code)).toEqual(['BE323', 'BE328', 'BE329', 'BE32A', 'BE32B', 'BE32C', 'BE32D', 'tournai']);
    expect(data.nord.overlaps.map((t: any) => t.code)).toEqual(['cote-d-opale', 'eurometropole-lille-kortrijk-tournai']);
    expect(data.nord.parts.map((t: any) => t.code)).toEqual(['lille', 'valenciennois']);
  });
});

describe('filters', () => {
  it('filters projects by programme, theme (with the objectives under it), partner, role, country, date, budget and text', async () => {
    expect(await projectSlugs({ programme: ['interreg-v-fwvl'] })).toEqual(['act-emploi', 'emploi-sans-frontieres', 'weldcome']);
    expect(await projectSlugs({ programme: ['interreg-vi-fwvl'] })).toEqual([]);
    expect(await projectSlugs({ theme: ['interreg-v-fwvl-axis-4'] })).toEqual(['act-emploi', 'emploi-sans-frontieres', 'weldcome']);
    expect(await projectSlugs({ theme: ['interreg-v-fwvl-employment-and-mobility'] })).toEqual(['weldcome']);
    expect(await projectSlugs({ theme: ['interreg-v-fwvl-axis-1'] })).toEqual([]);
    expect(await projectSlugs({ organisation: ['le-forem'] })).toEqual(['emploi-sans-frontieres']);
    expect(await projectSlugs({ organisation: ['icam', 'vdab'], role: ['LEAD_PARTNER'] })).toEqual(['weldcome']);
    expect(await projectSlugs({ role: ['LEAD_PARTNER'] })).toEqual(['act-emploi', 'emploi-sans-frontieres', 'weldcome']);
    expect(await projectSlugs({ country: ['BE'] })).toEqual(['act-emploi', 'emploi-sans-frontieres']);
    expect(await projectSlugs({ country: ['fr'] })).toEqual(['emploi-sans-frontieres', 'weldcome']);
    // With a role, the same partner meets the role and the place: led by an organisation in Belgium.
    expect(await projectSlugs({ country: ['BE'], role: ['LEAD_PARTNER'] })).toEqual(['act-emploi']);
    expect(await projectSlugs({ partnerTerritory: ['BE'], role: ['LEAD_PARTNER'] })).toEqual(['act-emploi']);
    expect(await projectSlugs({ partnerTerritory: ['BE'] })).toEqual(['act-emploi', 'emploi-sans-frontieres']);
    expect(await projectSlugs({ country: ['BE'], organisation: ['pole-emploi-hauts-de-france'] })).toEqual(['emploi-sans-frontieres']);
    expect(await projectSlugs({ activeOn: '2017-06-01' })).toEqual(['emploi-sans-frontieres']);
    expect(await projectSlugs({ activeOn: '2021-05-31' })).toEqual(['weldcome']);
    expect(await projectSlugs({ totalBudget: { min: '1000000' } })).toEqual(['weldcome']);
    expect(await projectSlugs({ totalBudget: { max: '1000000' } })).toEqual([]);
    expect(await projectSlugs({ totalBudget: { min: '1319699.36', max: '1319699.360' } })).toEqual(['weldcome']);
    expect(await projectSlugs({ totalBudget: { min: '-5', max: '-1.5' } })).toEqual([]);
    expect(await projectSlugs({ text: 'soudage' })).toEqual(['weldcome']);
    // Conditions combine with AND.
    expect(await projectSlugs({ territory: ['FRE'], country: ['BE'] })).toEqual(['emploi-sans-frontieres']);
    expect(await projectSlugs({ territory: ['FRE'], partnerTerritory: ['BE32'] })).toEqual([]);
  });

  it('filters organisations by kind, country, territory, programme and text', async () => {
    expect(await slugsOf('organisations', { kind: ['PUBLIC_EMPLOYMENT_SERVICE'] })).toEqual(['le-forem', 'pole-emploi-hauts-de-france', 'vdab']);
    expect(await slugsOf('organisations', { country: ['BE'], kind: ['PUBLIC_AUTHORITY'] })).toEqual(['wallonie-bruxelles-international']);
    expect(await slugsOf('organisations', { territory: ['BE3'] })).toEqual(['ciep-hainaut-centre', 'le-forem']);
    expect(await slugsOf('organisations', { territory: ['FRE11'] })).toEqual(['icam']);
    expect(await slugsOf('organisations', { programme: ['interreg-v-fwvl'] })).toEqual([
      'ciep-hainaut-centre', 'icam', 'le-forem', 'pole-emploi-hauts-de-france', 'region-hauts-de-france', 'vdab',
    ]);
    expect(await slugsOf('organisations', { text: 'Office wallon' })).toEqual(['le-forem']);
  });

  it('filters territories by level, country and parent, and programmes by period, kind and country', async () => {
    expect(await slugsOf('territories', { level: ['NUTS3'], country: ['FR'] }, 'code')).toEqual(['FRE11', 'FRE12', 'FRE21', 'FRE22', 'FRE23', 'FRF21', 'FRF23']);
    expect(await slugsOf('territories', { parent: 'BE25' }, 'code')).toHaveLength(8);
    expect(await slugsOf('territories', { level: ['AREA', 'LOCALITY'] }, 'code')).toEqual([
      'cote-d-opale', 'eurometropole-lille-kortrijk-tournai', 'lille', 'tournai', 'valenciennois',
    ]);
    expect(await slugsOf('programmes', { period: { from: 2015, to: 2016 } })).toEqual(['interreg-v-fwvl']);
    expect(await slugsOf('programmes', { period: { from: 2020 } })).toEqual(['interreg-v-fwvl', 'interreg-vi-fwvl']);
    // A span of one year, and an amount range of one amount, are ranges.
    expect(await slugsOf('programmes', { period: { from: 2014, to: 2014 } })).toEqual(['interreg-v-fwvl']);
    expect(await slugsOf('programmes', { kind: ['TRANSNATIONAL'] })).toEqual([]);
    expect(await slugsOf('programmes', { country: ['BE'] })).toEqual(['interreg-v-fwvl']);
    expect(await slugsOf('themes', { programme: ['interreg-v-fwvl'] })).toHaveLength(5);
  });
});

describe('who works with whom', () => {
  it("lists Le Forem's collaborators with the projects shared, most first", async () => {
    const { organisation } = await app.data(`{
      organisation(slug: "le-forem") { collaborators { count organisation { slug } projects { slug } } }
    }`);
    const slugs = organisation.collaborators.map((c: any) => c.organisation.slug);
    expect(slugs).toEqual(expect.arrayContaining(['vdab', 'pole-emploi-hauts-de-france', 'region-hauts-de-france']));
    expect(slugs).not.toContain('le-forem');
    for (const collaborator of organisation.collaborators) {
      expect(collaborator).toMatchObject({ count: 1, projects: [{ slug: 'emploi-sans-frontieres' }] });
    }
  });

  it('puts the collaborators with the most projects shared first', async () => {
    // Le Forem and VDAB both join Act'Emploi: VDAB then shares two projects with Le Forem, the others one.
    const connection = app.orm.em.getConnection();
    const added: Array<{ id: string }> = await connection.execute(
      `insert into participation (id, project_id, organisation_id, role)
       select gen_random_uuid(), p.id, o.id, 'PARTNER' from project p, organisation o
       where p.slug = 'act-emploi' and o.slug in ('le-forem', 'vdab') returning id`,
    );
    try {
      const { organisation } = await app.data(`{ organisation(slug: "le-forem") { collaborators { count organisation { slug } projects { slug } } } }`);
      expect(organisation.collaborators[0]).toEqual({ count: 2, organisation: { slug: 'vdab' }, projects: expect.arrayContaining([{ slug: 'act-emploi' }, { slug: 'emploi-sans-frontieres' }]) });
      const counts = organisation.collaborators.map((collaborator: any) => collaborator.count);
      expect(counts.slice(1).every((count: number) => count === 1)).toBe(true);
      expect(counts.length).toBeGreaterThan(3);
    } finally {
      await connection.execute('delete from participation where id in (?)', [added.map((row) => row.id)]);
    }
  });

  it('filters collaborations by programme and period', async () => {
    const data = await app.data(`{
      v: organisation(slug: "vdab") { collaborators(filter: { programme: ["interreg-v-fwvl"], period: { from: 2014, to: 2020 } }) { organisation { slug } } }
      vi: organisation(slug: "vdab") { collaborators(filter: { period: { from: 2021 } }) { organisation { slug } } }
    }`);
    expect(data.v.collaborators).toHaveLength(3);
    expect(data.vi.collaborators).toEqual([]);
  });

  it('costs one statement for the collaborations of a whole page of organisations', async () => {
    const page = (first: number) => `{
      organisations(first: ${first}, filter: { kind: [PUBLIC_EMPLOYMENT_SERVICE] }) {
        edges { node { collaborators { count organisation { slug } projects { slug } } } }
      }
    }`;
    const small = await app.query(page(1));
    const large = await app.query(page(3));
    expect(large.data.organisations.edges).toHaveLength(3);
    // The page, every organisation's collaborations in one statement, then the co-partners and the shared
    // projects by id.
    expect(sqlStatementsOf(small)).toBe(4);
    expect(sqlStatementsOf(large)).toBe(sqlStatementsOf(small));
  });
});

describe('languages', () => {
  it('reads a lang left out or sent as null (a nullable variable) as English, and one given as that language', async () => {
    const query = `query ($lang: Language) {
      project(slug: "weldcome") { title(lang: $lang) summary(lang: $lang) factSheet(lang: $lang) { label } derivedFigures(lang: $lang) { label } }
      organisation(slug: "le-forem") { name(lang: $lang) }
      fundingBreakdown(by: COUNTRY, lang: $lang) { buckets { label } }
    }`;
    const english = await app.data(query.replace(/\(lang: \$lang\)|, lang: \$lang/g, '').replace('query ($lang: Language) ', ''));
    const nulls = await app.data(query, { lang: null });
    expect(nulls).toEqual(english);
    const french = await app.data(query, { lang: 'FR' });
    expect(french.project.factSheet.map((entry: { label: string }) => entry.label)).not.toEqual(english.project.factSheet.map((entry: { label: string }) => entry.label));
    expect(french.fundingBreakdown.buckets.map((bucket: { label: string }) => bucket.label)).toContain('Belgique');
    expect(english.fundingBreakdown.buckets.map((bucket: { label: string }) => bucket.label)).toContain('Belgium');
  });

  it("reads an order's lang sent as null as English, as when it is left out", async () => {
    const query = `query ($lang: Language) { projects(orderBy: { field: TITLE, lang: $lang }) { edges { node { slug } } } }`;
    const slugs = async (variables: Record<string, unknown>) => (await app.data(query, variables)).projects.edges.map((edge: { node: { slug: string } }) => edge.node.slug);
    // The schema says so now (the field was Language!, which a typed client's nullable variable does not fit).
    const [english, nulls] = [await slugs({ lang: 'EN' }), await slugs({ lang: null })];
    expect(english).toHaveLength(3);
    expect(nulls).toEqual(english);
  });
});

describe('organisations by territory', () => {
  const slugsIn = async (includeSubTerritories: boolean) =>
    (await app.data(`{ organisations(filter: { territory: ["BE3"], includeSubTerritories: ${includeSubTerritories} }) { edges { node { slug } } } }`)).organisations.edges.map(
      (edge: { node: { slug: string } }) => edge.node.slug,
    );

  it('includes the organisations based inside the territories named unless told not to, as the project filter does', async () => {
    // Le Forem is based in Wallonia itself, CIEP Hainaut Centre in Hainaut, inside it.
    expect(await slugsIn(false)).toEqual(['le-forem']);
    expect(await slugsIn(true)).toEqual(expect.arrayContaining(['ciep-hainaut-centre', 'le-forem']));
    const byDefault = (await app.data(`{ organisations(filter: { territory: ["BE3"] }) { edges { node { slug } } } }`)).organisations.edges.map((edge: { node: { slug: string } }) => edge.node.slug);
    expect(byDefault).toEqual(await slugsIn(true));
    const csv = await fetchCsv(app.baseUrl, '/export/organisations.csv?territory=BE3&includeSubTerritories=false');
    expect([csv.status, csv.rows.map((row) => row.slug)]).toEqual([200, ['le-forem']]);
  });
});

describe('sorting', () => {
  it('sorts by title in a language, accents and case ignored', async () => {
    const { projects } = await app.data(`{ projects(orderBy: { field: TITLE, lang: FR }) { edges { node { title(lang: FR) } } } }`);
    expect(projects.edges.map((edge: any) => edge.node.title)).toEqual([
      'Act’Emploi',
      'Emploi sans frontières',
      'WELDing COoperation for Mobility and cross-border Employment',
    ]);
  });

  it('puts records without a value last, in both directions', async () => {
    for (const direction of ['ASC', 'DESC']) {
      const { projects } = await app.data(`{ projects(orderBy: { field: TOTAL_BUDGET, direction: ${direction} }) { edges { node { slug totalBudget { amount } } } } }`);
      expect(projects.edges[0].node.slug).toBe('weldcome');
      expect(projects.edges.slice(1).every((edge: any) => edge.node.totalBudget === null)).toBe(true);
    }
  });

  it('keeps cursors valid across pages of a sorted list, forwards and backwards', async () => {
    const query = `query ($first: Int, $after: String, $last: Int, $before: String) {
      territories(orderBy: { field: NAME, direction: DESC, lang: NL }, first: $first, after: $after, last: $last, before: $before) {
        totalCount edges { cursor node { code } } pageInfo { hasNextPage endCursor startCursor hasPreviousPage }
      }
    }`;
    const whole = (await app.data(query, { first: 100 })).territories;
    expect(whole.totalCount).toBe(51);
    const walked: string[] = [];
    let after: string | null = null;
    for (;;) {
      const page: any = (await app.data(query, { first: 8, after })).territories;
      walked.push(...page.edges.map((edge: any) => edge.node.code));
      if (!page.pageInfo.hasNextPage) break;
      after = page.pageInfo.endCursor;
    }
    expect(walked).toEqual(whole.edges.map((edge: any) => edge.node.code));
    const back = (await app.data(query, { last: 5, before: whole.edges[20].cursor })).territories;
    expect(back.edges.map((edge: any) => edge.node.code)).toEqual(walked.slice(15, 20));
  });
});

describe('search', () => {
  async function search(query: string, types?: string[]): Promise<Array<{ type: string; key: string }>> {
    const { search: result } = await app.data(
      `query ($query: String!, $types: [SearchType!]) {
        search(query: $query, types: $types, first: 10) {
          totalCount
          edges { rank node { __typename ... on Project { slug } ... on Organisation { slug } ... on Territory { code } ... on Theme { slug } ... on Programme { slug } } }
        }
      }`,
      { query, types },
    );
    expect(result.totalCount).toBe(result.edges.length);
    const ranks = result.edges.map((edge: any) => edge.rank);
    expect([...ranks].sort((a, b) => b - a)).toEqual(ranks);
    return result.edges.map((edge: any) => ({ type: edge.node.__typename, key: edge.node.slug ?? edge.node.code }));
  }

  it.each([
    ['soudage', 'Project', 'weldcome'],
    ['welding', 'Project', 'weldcome'],
    ['Courtrai', 'Territory', 'BE254'],
    ['forem', 'Organisation', 'le-forem'],
    ['FOREM', 'Organisation', 'le-forem'],
    ['Eurometropole', 'Territory', 'eurometropole-lille-kortrijk-tournai'],
    ['services a la personne', 'Project', 'act-emploi'],
    ['Henegouwen', 'Territory', 'BE32'],
    ['Vlaamse Dienst voor Arbeidsbemiddeling', 'Organisation', 'vdab'],
    ['Kortrik', 'Territory', 'BE254'],
    ['Weldcom', 'Project', 'weldcome'],
    ['frontieres', 'Project', 'emploi-sans-frontieres'],
  ])('"%s" finds %s %s first', async (query, type, key) => {
    expect((await search(query))[0]).toEqual({ type, key });
  });

  it('leaves out a record with an excluded word in any language, whichever form it has there', async () => {
    const projects = async (query: string) => (await search(query, ['PROJECT'])).map((hit) => hit.key);
    // Weldcome's French summary says "une formation diplômante": the plural excluded must leave it out too, as
    // the French stemmer reads both alike. Before, the unstemmed and Dutch readings of "formations" let it through.
    expect(await projects('soudage')).toEqual(['weldcome']);
    expect(await projects('soudage -formations')).toEqual([]);
    expect(await projects('soudage -"formation diplomante"')).toEqual([]);
    expect(await projects('soudage -opleidingen')).toEqual(['weldcome']);
    expect(await projects('emploi')).toContain('weldcome');
    const excluded = await projects('emploi -formations');
    expect(excluded).not.toContain('weldcome');
    // "or" beside an exclusion is left out with it: the rest is still a search for "emploi".
    expect(await projects('emploi or -formations')).toEqual(excluded);
    // The names with a typo, asked when no record matches the words, leave out what is excluded as well.
    expect(await projects('Weldcom')).toEqual(['weldcome']);
    expect(await projects('Weldcom -zzzz')).toEqual(['weldcome']);
    expect(await projects('Weldcom -soudage')).toEqual([]);
    // Alone, "or" is a word to look for (French for gold), not an operator left dangling.
    expect((await app.query(`{ search(query: "or") { totalCount } }`)).errors).toBeUndefined();
    const { projects: filtered } = await app.data(`{ projects(filter: { text: "emploi -formations" }) { edges { node { slug } } } }`);
    expect(filtered.edges.map((edge: any) => edge.node.slug).sort()).toEqual([...excluded].sort());
  });

  it.each([
    ['{ search(query: "-emploi") { totalCount } }', 'query'],
    ['{ search(query: "-emploi -\\"de la formation\\" or") { totalCount } }', 'query'],
    ['{ projects(filter: { text: "-emploi" }) { totalCount } }', 'filter.text'],
    ['{ organisations(filter: { text: " --forem" }) { totalCount } }', 'filter.text'],
  ])('refuses %s, which only excludes, naming %s', async (query, argumentName) => {
    const response = await app.query(query);
    expect(response.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', argumentName });
    expect(response.errors?.[0].message).toContain('only excludes');
  });

  it('reads runs of dashes and brackets as separators, which PostgreSQL read as operators until its stack was too small', async () => {
    const dashes = ['a ' + '- '.repeat(33), 'soudage ' + '-'.repeat(40), 'forem ' + '-('.repeat(35)];
    for (const text of dashes) {
      const response = await app.query('query ($text: String!) { search(query: $text) { totalCount } projects(filter: { text: $text }) { totalCount } organisations(filter: { text: $text }) { totalCount } }', { text });
      expect(response.errors).toBeUndefined();
    }
    // "zzqq'or emploi" was "zzqq or emploi" to PostgreSQL: zzqq OR emploi, every project about employment.
    expect((await app.data(`{ projects(filter: { text: "zzqq'or emploi" }) { totalCount } }`)).projects.totalCount).toBe(0);
    expect((await app.data(`{ projects(filter: { text: "emploi" }) { totalCount } }`)).projects.totalCount).toBeGreaterThan(0);
    const soudage = await app.data('{ projects(filter: { text: "soudage" }) { totalCount } }');
    const withDashes = await app.data('query ($text: String!) { projects(filter: { text: $text }) { totalCount } }', { text: dashes[1] });
    expect(withDashes.projects.totalCount).toBe(soudage.projects.totalCount);
    expect(soudage.projects.totalCount).toBeGreaterThan(0);
  });

  it.each([
    ['query ($text: String!) { search(query: $text) { totalCount } }', 'query'],
    ['query ($text: String!) { projects(filter: { text: $text }) { totalCount } }', 'filter.text'],
    ['query ($text: String!) { organisations(filter: { text: $text }) { totalCount } }', 'filter.text'],
  ])('refuses a text of dashes alone, or one too long, in %s, naming %s', async (query, argumentName) => {
    for (const [text, message] of [['- '.repeat(33), 'at least one word'], ['!!!', 'at least one word'], ['emploi '.repeat(40), 'at most 200 characters']]) {
      const response = await app.query(query, { text });
      expect(response.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', argumentName });
      expect(response.errors?.[0].message).toContain(message);
    }
  });

  it('ranks the three projects first for "emploi transfrontalier"', async () => {
    const results = await search('emploi transfrontalier');
    expect(results.slice(0, 3).map((result) => result.key).sort()).toEqual(['act-emploi', 'emploi-sans-frontieres', 'weldcome']);
    expect(results.slice(0, 3).every((result) => result.type === 'Project')).toBe(true);
  });

  it('keeps to the types asked for and pages with cursors', async () => {
    expect(await search('emploi transfrontalier', ['THEME'])).toEqual([{ type: 'Theme', key: 'interreg-v-fwvl-employment-and-mobility' }]);
    const first = await app.data(`{ search(query: "emploi", first: 2) { edges { cursor node { id } } pageInfo { hasNextPage endCursor } } }`);
    expect(first.search.pageInfo.hasNextPage).toBe(true);
    const next = await app.data(`query ($after: String) { search(query: "emploi", first: 2, after: $after) { edges { node { id } } pageInfo { hasPreviousPage } } }`, {
      after: first.search.pageInfo.endCursor,
    });
    expect(next.search.pageInfo.hasPreviousPage).toBe(true);
    const seen = [...first.search.edges, ...next.search.edges].map((edge: any) => edge.node.id);
    expect(new Set(seen).size).toBe(seen.length);
  });

  it("refuses a cursor of another search's results, and a position past what any page can hold", async () => {
    const { search: page } = await app.data(`{ search(query: "emploi", first: 2) { pageInfo { endCursor } } }`);
    const cursor = page.pageInfo.endCursor;
    const query = `query ($query: String!, $types: [SearchType!], $after: String) { search(query: $query, types: $types, after: $after) { totalCount } }`;
    expect((await app.query(query, { query: 'emploi', after: cursor })).errors).toBeUndefined();
    // Another search's position would skip results that no page of this one could reach again.
    const [search, position] = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    expect(position).toBe(1);
    // This search's, at an integer past what PostgreSQL's bigint holds.
    const tooFar = Buffer.from(JSON.stringify([search, 1e21]), 'utf8').toString('base64url');
    for (const variables of [{ query: 'soudage', after: cursor }, { query: 'emploi', types: ['PROJECT'], after: cursor }, { query: 'emploi', after: tooFar }]) {
      const refused = await app.query(query, variables);
      expect({ variables, extensions: refused.errors?.[0].extensions }).toMatchObject({ variables, extensions: { code: 'BAD_USER_INPUT', argumentName: 'after' } });
    }
  });

  it('reads word matches and their count in one statement, and asks the typo fallback only when no record matches the words', async () => {
    const page = (query: string, type: string) =>
      app.query(`query ($query: String!, $types: [SearchType!]) { search(query: $query, types: $types, first: 2) { totalCount edges { node { id } } } }`, {
        query,
        types: [type],
      });
    // Words matched: the page's statement, then the records of the hits (one type, one loader).
    const words = await page('emploi', 'PROJECT');
    expect(words.data.search.edges).toHaveLength(2);
    expect(sqlStatementsOf(words)).toBe(2);
    // A typo: the words find nothing, then the fallback finds names like it, then their records.
    const typo = await page('Kortrik', 'TERRITORY');
    expect(typo.data.search.edges.length).toBeGreaterThan(0);
    expect(sqlStatementsOf(typo)).toBe(3);
    // Nothing like it: both statements find nothing, each counting its (no) hits beside its page.
    const nothing = await page('qzxvw jkqzv', 'PROJECT');
    expect(nothing.data.search).toEqual({ totalCount: 0, edges: [] });
    expect(sqlStatementsOf(nothing)).toBe(2);
    // Past the last word match: the words' page is empty, but its statement counted the matches beside it,
    // so there is no fallback to ask (there were words, so no typos).
    const all = await app.data(`{ search(query: "emploi", types: [PROJECT], first: 50) { totalCount pageInfo { hasNextPage endCursor } } }`);
    expect(all.search).toMatchObject({ totalCount: words.data.search.totalCount, pageInfo: { hasNextPage: false } });
    const past = await app.query(`query ($after: String) { search(query: "emploi", types: [PROJECT], after: $after) { totalCount edges { node { id } } } }`, {
      after: all.search.pageInfo.endCursor,
    });
    expect(sqlStatementsOf(past)).toBe(1);
    expect(past.errors).toBeUndefined();
    expect(past.data.search).toEqual({ totalCount: words.data.search.totalCount, edges: [] });
  });

  it('reads search_document without a type condition when every type is asked, which holds no other type', async () => {
    const rows = await app.orm.em.getConnection().execute<Array<{ record_type: string }>>('select distinct record_type from search_document order by 1');
    expect(rows.map((row) => row.record_type)).toEqual(Object.values(SearchType).sort());
    const total = async (types?: string[]) =>
      (await app.data(`query ($types: [SearchType!]) { search(query: "emploi", types: $types) { totalCount } }`, { types })).search.totalCount;
    // Each type alone is read with the type condition; together they make the search without one.
    const [all, ...byType] = await Promise.all([total(), ...Object.keys(SearchType).map((type) => total([type]))]);
    expect(byType.filter((count) => count > 0).length).toBeGreaterThan(1);
    expect(byType.reduce((sum, count) => sum + count, 0)).toBe(all);
  });

  it('is backed by the search indexes', async () => {
    // A connection of its own: the setting must not reach the server's pool, and must hold for the explain.
    const client = new Client({ connectionString: app.databaseUrl });
    await client.connect();
    try {
      await client.query('set enable_seqscan = off');
      const plan = await client.query(
        `explain select record_id from search_document where document @@ websearch_to_tsquery('kb_french', 'soudage') or 'kortrik' <% names`,
      );
      const text = plan.rows.map((row) => row['QUERY PLAN']).join('\n');
      expect(text).toContain('search_document_document');
      expect(text).toContain('search_document_names');
    } finally {
      await client.end();
    }
  });
});

describe('themes by code', () => {
  let own: TestApp;
  beforeAll(async () => {
    own = await startTestApp();
    await own.orm.em.getConnection().execute(`insert into theme (id, slug, code, names, position, programme_id)
      select gen_random_uuid(), 'numbered-' || n, c, jsonb_build_object('en', 'Numbered ' || c), 90 + n, (select id from programme where slug = 'interreg-v-fwvl')
      from unnest(array['10', '2', '4.10', '4.2', 'A9', 'A10'], array[1, 2, 3, 4, 5, 6]) as t(c, n)`);
  });
  afterAll(() => own.close());

  it('orders the numbers in codes as numbers, both ways and across pages', async () => {
    const codes = async (direction: string) => {
      const seen: string[] = [];
      let after: string | null = null;
      for (let page = 0; page < 20; page++) {
        const { themes }: any = await own.data(`query ($after: String) { themes(first: 3, after: $after, orderBy: { field: CODE, direction: ${direction} }) { edges { node { slug code } } pageInfo { hasNextPage endCursor } } }`, { after });
        seen.push(...themes.edges.filter((edge: any) => edge.node.slug.startsWith('numbered-')).map((edge: any) => edge.node.code));
        if (!themes.pageInfo.hasNextPage) return seen;
        after = themes.pageInfo.endCursor;
      }
      throw new Error('the walk did not end');
    };
    expect(await codes('ASC')).toEqual(['2', '4.2', '4.10', '10', 'A9', 'A10']);
    expect(await codes('DESC')).toEqual(['A10', 'A9', '10', '4.10', '4.2', '2']);
  });
});

describe('bad arguments', () => {
  it('refuses a decimal longer than amounts are kept, naming the bound, not the database or the cursor', async () => {
    // PostgreSQL reads at most 16,383 digits after the point: this one failed there, as an internal error,
    // or, beside a cursor, as "not a cursor".
    const long = `0.${'0'.repeat(16_400)}1`;
    for (const query of [`{ projects(filter: { totalBudget: { max: "${long}" } }) { totalCount } }`, `{ projects(after: "bm9wZQ", filter: { totalBudget: { max: "${long}" } }) { totalCount } }`]) {
      const response = await app.query(query);
      expect(response.errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', argumentName: 'filter.totalBudget.max' });
      expect(response.errors![0].message).toContain('at most 30 digits');
      expect(response.errors![0].message.length).toBeLessThan(300);
    }
  });

  it.each([
    ['{ projects(filter: { theme: ["no-such-theme"] }) { totalCount } }', 'filter.theme', 'no-such-theme'],
    ['{ projects(filter: { territory: ["XX99"] }) { totalCount } }', 'filter.territory', 'XX99'],
    ['{ projects(filter: { partnerTerritory: ["nowhere"] }) { totalCount } }', 'filter.partnerTerritory', 'nowhere'],
    ['{ projects(filter: { organisation: ["acme"] }) { totalCount } }', 'filter.organisation', 'acme'],
    ['{ projects(filter: { programme: ["interreg-xx"] }) { totalCount } }', 'filter.programme', 'interreg-xx'],
    ['{ projects(filter: { activeOn: "yesterday" }) { totalCount } }', 'filter.activeOn', 'ISO date'],
    ['{ projects(filter: { activeOn: "2021-02-30" }) { totalCount } }', 'filter.activeOn', 'ISO date'],
    ['{ projects(filter: { totalBudget: { min: "lots" } }) { totalCount } }', 'filter.totalBudget.min', 'decimal'],
    ['{ territories(filter: { parent: "XX" }) { totalCount } }', 'filter.parent', 'XX'],
    // An empty code is given, and unknown (it read as no filter: every territory).
    ['{ territories(filter: { parent: "" }) { totalCount } }', 'filter.parent', 'territory code'],
    // Country codes are two letters: "BEL" or "Belgium" matched nothing, without a word.
    ['{ projects(filter: { country: ["BEL"] }) { totalCount } }', 'filter.country', 'two-letter'],
    ['{ organisations(filter: { country: ["Belgium"] }) { totalCount } }', 'filter.country', 'two-letter'],
    ['{ programmes(filter: { country: ["B"] }) { totalCount } }', 'filter.country', 'two-letter'],
    ['{ territories(filter: { country: ["be "] }) { totalCount } }', 'filter.country', 'two-letter'],
    ['{ projects(after: "bm9wZQ") { totalCount } }', 'after', 'not a cursor'],
    // An empty cursor is given, and none of the list's (it was read as absent: the last page, for `before`).
    ['{ projects(after: "") { totalCount } }', 'after', 'not a cursor'],
    ['{ projects(before: "") { totalCount } }', 'before', 'not a cursor'],
    ['{ search(query: "emploi", after: "") { totalCount } }', 'after', 'not a cursor'],
    // A type name every JavaScript object answers to: it reached the loaders, as an internal error.
    [`{ node(id: "${Buffer.from('constructor:00000000-0000-0000-0000-000000000000').toString('base64url')}") { id } }`, 'id', 'not an id'],
    [`{ nodes(ids: ["${Buffer.from('toString:00000000-0000-0000-0000-000000000000').toString('base64url')}"]) { id } }`, 'ids', 'not an id'],
    ['{ projects(first: -1) { totalCount } }', 'first', 'between 0 and 100'],
    ['{ projects(first: 101) { totalCount } }', 'first', 'page size cap'],
    ['{ projects(first: 1, last: 1) { totalCount } }', 'first', 'not both'],
    ['{ search(query: "   ") { totalCount } }', 'query', 'at least one word'],
    // A range that ends before it starts matched nothing, or, for a period, what ran over both years.
    ['{ programmes(filter: { period: { from: 2020, to: 2014 } }) { totalCount } }', 'filter.period.to', '"filter.period.to" (2014) is before the range\'s from (2020).'],
    ['{ organisation(slug: "le-forem") { collaborators(filter: { period: { from: 2021, to: 2013 } }) { organisation { slug } } } }', 'filter.period.to', 'before the range\'s from'],
    ['{ projects(filter: { totalBudget: { min: "2000000", max: "1000000.5" } }) { totalCount } }', 'filter.totalBudget.max', '"filter.totalBudget.max" (1000000.5) is less than the range\'s min (2000000).'],
    ['{ projects(filter: { totalBudget: { min: "0.000000000000000000000000000002", max: "0.000000000000000000000000000001" } }) { totalCount } }', 'filter.totalBudget.max', 'less than'],
    ['{ search(query: "emploi", after: "garbage") { totalCount } }', 'after', 'not a cursor'],
    ['{ search(query: "emploi", first: 1000) { totalCount } }', 'first', 'page size cap'],
    ['{ fundingBreakdown(by: PROGRAMME, basis: PARTNER_SHARE) { total { amount } } }', 'basis', 'PARTNER_SHARE'],
  ])('%s gives BAD_USER_INPUT naming %s', async (query, argumentName, message) => {
    const response = await app.query(query);
    expect(response.errors).toHaveLength(1);
    expect(response.errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', argumentName });
    expect(response.errors![0].message).toContain(message);
  });

  it('checks the names of every filter argument side by side, and names the first unknown one in the order of the filter', async () => {
    // Looked up together; the error is still the same whichever lookup answers first.
    for (let attempt = 0; attempt < 5; attempt++) {
      const response = await app.query('{ projects(filter: { organisation: ["acme"], territory: ["XX99"], programme: ["interreg-xx"] }) { totalCount } }');
      expect(response.errors).toHaveLength(1);
      expect(response.errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', argumentName: 'filter.programme' });
    }
    const known = await app.query('{ projects(filter: { programme: ["interreg-v-fwvl"], territory: ["BE32"], organisation: ["le-forem"] }) { totalCount } }');
    expect(known.errors).toBeUndefined();
    expect(known.extensions?.queryStats).toEqual({ sqlStatements: 4 });
  });

  it('quotes the unknown names it refuses, each cut short, and lists ten of them at most', async () => {
    const names = ['x'.repeat(500), ...Array.from({ length: 11 }, (_, index) => `nope-${index}`)];
    const response = await app.query('query ($names: [String!]) { projects(filter: { programme: $names }) { totalCount } }', { names });
    const listed = ['x'.repeat(100) + '…', ...names.slice(1, 10)].map((name) => `"${name}"`).join(', ');
    expect(response.errors?.map((error) => error.message)).toEqual([`Unknown programmes ${listed} and 2 more in "filter.programme".`]);
    const one = await app.query('{ projects(filter: { territory: ["XX99"] }) { totalCount } }');
    expect(one.errors?.map((error) => error.message)).toEqual(['Unknown territory code "XX99" in "filter.territory".']);
  });

  it.each([
    ['programmes by name, then by start year (as many sort keys)', '{ programmes(first: 1, orderBy: { field: NAME }) { pageInfo { endCursor } } }', 'programmes(first: 1, after: $after)'],
    ['projects by English title, then by French title', '{ projects(first: 1, orderBy: { field: TITLE, lang: EN }) { pageInfo { endCursor } } }', 'projects(first: 1, after: $after, orderBy: { field: TITLE, lang: FR })'],
    ['projects by start date, then by budget', '{ projects(first: 1, orderBy: { field: START_DATE }) { pageInfo { endCursor } } }', 'projects(first: 1, after: $after, orderBy: { field: TOTAL_BUDGET })'],
    ['projects by slug, then organisations by slug', '{ projects(first: 1) { pageInfo { endCursor } } }', 'organisations(first: 1, after: $after)'],
  ])('rejects a cursor of %s with BAD_USER_INPUT', async (_name, first, second) => {
    const { [first.match(/\{ (\w+)\(/)![1]]: list } = await app.data(first);
    const response = await app.query(`query ($after: String) { list: ${second} { totalCount } }`, { after: list.pageInfo.endCursor });
    expect(response.errors).toHaveLength(1);
    expect(response.errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', argumentName: 'after' });
    expect(response.errors![0].message).toContain('not a cursor of this list');
  });

  it('rejects a cursor whose values were changed by hand with BAD_USER_INPUT, not an internal error', async () => {
    const { projects } = await app.data(`{ projects(first: 1, orderBy: { field: TOTAL_BUDGET }) { pageInfo { endCursor } } }`);
    const decoded = JSON.parse(Buffer.from(projects.pageInfo.endCursor, 'base64url').toString('utf8'));
    // The budget (numeric) and the id (uuid): [order, budget is null, budget, id]; a NUL, which no text holds.
    for (const [index, value] of [[2, 'lots'], [3, 'not-an-id'], [3, 'a\u0000b']] as const) {
      const forged = Buffer.from(JSON.stringify(decoded.map((kept: unknown, at: number) => (at === index ? value : kept))), 'utf8').toString('base64url');
      const response = await app.query(`query ($after: String) { projects(first: 1, after: $after, orderBy: { field: TOTAL_BUDGET }) { totalCount } }`, { after: forged });
      expect({ index, response }).toMatchObject({ index, response: { errors: [{ extensions: { code: 'BAD_USER_INPUT', argumentName: 'after' } }] } });
    }
  });

  it('names the cursor whose values were changed by hand when both after and before are given', async () => {
    const { projects } = await app.data(`{ projects(first: 2, orderBy: { field: TOTAL_BUDGET }) { edges { cursor } } }`);
    const [start, end] = projects.edges.map((edge: { cursor: string }) => edge.cursor);
    const forge = (cursor: string) => {
      const decoded = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
      // The id, compared in every range (a budget is not, beside a cursor of a project without one).
      return Buffer.from(JSON.stringify(decoded.map((kept: unknown, at: number) => (at === 3 ? 'not-an-id' : kept))), 'utf8').toString('base64url');
    };
    const query = `query ($after: String, $before: String) { projects(first: 5, after: $after, before: $before, orderBy: { field: TOTAL_BUDGET }) { totalCount } }`;
    for (const [variables, argumentName] of [[{ after: start, before: forge(end) }, 'before'], [{ after: forge(start), before: end }, 'after']] as const) {
      const response = await app.query(query, variables);
      expect({ argumentName, extensions: response.errors?.[0].extensions }).toMatchObject({ argumentName, extensions: { code: 'BAD_USER_INPUT', argumentName } });
    }
  });

  it('answers a page of 0 with whether records follow or precede, and the total', async () => {
    const { projects: empty } = await app.data(`{ projects(first: 0) { totalCount edges { cursor } pageInfo { hasNextPage hasPreviousPage } } }`);
    expect(empty).toEqual({ totalCount: 3, edges: [], pageInfo: { hasNextPage: true, hasPreviousPage: false } });
    const { projects: backwards } = await app.data(`{ projects(last: 0) { totalCount pageInfo { hasNextPage hasPreviousPage } } }`);
    expect(backwards).toEqual({ totalCount: 3, pageInfo: { hasNextPage: false, hasPreviousPage: true } });
    const { search } = await app.data(`{ search(query: "emploi", first: 0) { totalCount edges { rank } pageInfo { hasNextPage } } }`);
    expect(search.edges).toEqual([]);
    expect(search.totalCount).toBeGreaterThan(0);
    expect(search.pageInfo.hasNextPage).toBe(true);
  });

  it('rejects a cursor of one sort order used with another', async () => {
    const { projects } = await app.data(`{ projects(first: 1) { pageInfo { endCursor } } }`);
    const response = await app.query(`query ($after: String) { projects(first: 1, after: $after, orderBy: { field: TOTAL_BUDGET }) { totalCount } }`, {
      after: projects.pageInfo.endCursor,
    });
    expect(response.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', argumentName: 'after' });
  });
});

import { startTestApp, TestApp } from './support/app';

const ARTICLE_URL =
  'https://francaisenbelgique.fr/2021/12/10/hauts-de-france-et-belgique-des-initiatives-en-faveur-de-la-mobilite-professionnelle/';

let app: TestApp;
beforeAll(async () => {
  // Every fact of every seeded record, in a few queries: more than a client's query may cost (a programme's
  // eligible territories count as 1,500 records), which the limits' own tests cover.
  app = await startTestApp({ MAX_COST: '10000000' });
});
afterAll(() => app.close());

describe('the seeded facts come back through the API', () => {
  it("gives Icam as Weldcome's lead partner, sourced", async () => {
    const { project } = await app.data(`{
      project(slug: "weldcome") {
        acronym
        leadPartner { slug name address location { code } }
        participations { role organisation { slug } }
        claims(field: "leadPartner") { value preferred source { key } }
        totalBudget { amount currency }
        startDate endDate website
      }
    }`);
    expect(project.acronym).toBe('WELDCOME');
    expect(project.leadPartner).toEqual({
      slug: 'icam',
      name: 'Icam',
      address: 'Rue Auber, BP 10079, 59016 Lille CEDEX, France',
      location: { code: 'lille' },
    });
    expect(project.participations).toEqual([{ role: 'LEAD_PARTNER', organisation: { slug: 'icam' } }]);
    expect(project.claims.map((claim: any) => claim.source.key).sort()).toEqual(['article', 'fwvl-weldcome']);
    expect(project.totalBudget).toEqual({ amount: '1319699.36', currency: 'EUR' });
    expect([project.startDate, project.endDate, project.website]).toEqual(['2018-01-01', '2022-12-31', 'https://www.weldcome.eu']);
  });

  it("splits Weldcome's 89 trainees into 69 French and 20 Belgian, as of May 2021, with the placement rate and employers", async () => {
    const { project } = await app.data(`{
      project(slug: "weldcome") {
        outcomes {
          indicator kind value unit asOf
          breakdown { dimension key value label(lang: FR) }
          organisations { relation organisation { slug } }
          claims(field: "value") { value locator source { key url } }
          notes { fr: text(lang: FR) en: text(lang: EN) }
          noteClaims: claims(field: "notes") { language locator source { key } }
        }
      }
    }`);
    const byIndicator = Object.fromEntries(project.outcomes.map((outcome: any) => [outcome.indicator, outcome]));
    expect(byIndicator.trainees).toMatchObject({ kind: 'ACHIEVED', value: '89', unit: 'person', asOf: '2021-05' });
    expect(byIndicator.trainees.breakdown).toEqual([
      { dimension: 'nationality', key: 'FR', value: '69', label: 'Français' },
      { dimension: 'nationality', key: 'BE', value: '20', label: 'Belges' },
    ]);
    expect(byIndicator.trainees.claims[0].source.url).toBe(ARTICLE_URL);
    expect(byIndicator['placement-rate']).toMatchObject({ value: '79', unit: 'percent', asOf: '2021-05' });
    expect(byIndicator['placement-rate'].organisations.map((o: any) => [o.relation, o.organisation.slug]).sort()).toEqual([
      ['employer', 'alstom'],
      ['employer', 'bombardier'],
    ]);
    // Not only the rail leaders: the article says the jobs are in SMEs as well, and the note says so, cited.
    expect(byIndicator['placement-rate'].notes).toEqual([
      {
        fr: 'Ces emplois sont aussi bien en PME-PMI qu’auprès d’entreprises leaders du ferroviaire (Alstom et Bombardier).',
        en: 'The jobs are in small and medium-sized businesses (PME-PMI) as well as with rail industry leaders (Alstom and Bombardier).',
      },
    ]);
    expect(byIndicator['placement-rate'].noteClaims.length).toBeGreaterThan(0);
    for (const claim of byIndicator['placement-rate'].noteClaims) {
      expect(claim).toMatchObject({ locator: 'Ces emplois sont aussi bien en PME-PMI qu’auprès d’entreprises leaders du ferroviaire (Alstom et Bombardier).', source: { key: 'article' } });
    }
    // In the fact sheet, labelled with the outcome's name; a quoted sentence is not given a second full stop.
    const { project: sheet } = await app.data(`{ project(slug: "weldcome") { factSheet(lang: FR) { field label value quote } } }`);
    const notes = sheet.factSheet.filter((entry: any) => entry.field === 'notes');
    expect(notes.map((entry: any) => entry.label)).toEqual(Array(2).fill('Taux d’insertion professionnelle sur les cinq formations – Remarque'));
    expect(notes[0].quote).toMatch(/^Taux d’insertion professionnelle sur les cinq formations – Remarque: Ces emplois .*\(Alstom et Bombardier\)\. Source: Français en Belgique, /);
    expect(byIndicator['sessions-held']).toMatchObject({ value: '5', asOf: '2021-05' });
    expect(byIndicator['sessions-planned']).toMatchObject({ kind: 'TARGET', value: '8' });
  });

  it("gives programme V's 170 M EUR ERDF with the article's URL, and keep.eu's 159,778,423 EUR beside it with its basis", async () => {
    const { programme } = await app.data(`{
      programme(slug: "interreg-v-fwvl") {
        cciCode period kind
        euFunding { amount currency }
        claims(field: "euFunding") {
          value unit basis preferred locator
          money { amount currency }
          source { key url }
          funding { technicalAssistance }
        }
      }
    }`);
    expect(programme).toMatchObject({ cciCode: '2014TC16RFCB044', period: '2014-2020', kind: 'CROSS_BORDER' });
    expect(programme.euFunding).toEqual({ amount: '170000000', currency: 'EUR' });
    const article = programme.claims.find((claim: any) => claim.source.key === 'article');
    expect(article).toMatchObject({ value: '170000000', money: { amount: '170000000', currency: 'EUR' } });
    expect(article.source.url).toBe(ARTICLE_URL);
    const keep = programme.claims.find((claim: any) => claim.source.key === 'keep-37');
    expect(keep).toMatchObject({ value: '159778423', preferred: false, funding: { technicalAssistance: 'EXCLUDED' } });
    expect(keep.basis).toContain('excluding technical assistance');
    expect(programme.claims.filter((claim: any) => claim.preferred)).toHaveLength(1);
  });

  it('keeps both lead partners of Emploi sans frontières, one preferred', async () => {
    const { project } = await app.data(`{
      project(slug: "emploi-sans-frontieres") {
        title(lang: NL)
        leadPartner { slug }
        claims(field: "leadPartner") { value preferred reference { ... on Organisation { slug } } source { key } }
        territories { code }
        durationMonths
        durationClaims: claims(field: "durationMonths") { value preferred source { key } }
      }
    }`);
    expect(project.title).toBe('Grenzeloos tewerkstellen');
    expect(project.leadPartner.slug).toBe('pole-emploi-hauts-de-france');
    expect(project.claims).toEqual(
      expect.arrayContaining([
        { value: 'pole-emploi-hauts-de-france', preferred: true, reference: { slug: 'pole-emploi-hauts-de-france' }, source: { key: 'esf-site' } },
        { value: 'region-hauts-de-france', preferred: false, reference: { slug: 'region-hauts-de-france' }, source: { key: 'article' } },
      ]),
    );
    expect(project.territories.map((t: any) => t.code).sort()).toEqual(
      ['BE25', 'cote-d-opale', 'eurometropole-lille-kortrijk-tournai', 'valenciennois'].sort(),
    );
    expect(project.durationMonths).toBe(48);
    expect(project.durationClaims).toHaveLength(2);
  });

  it('reaches every relation from both sides', async () => {
    const data = await app.data(`{
      organisation(slug: "le-forem") {
        aliases
        participations { project { slug participations { organisation { slug } } } }
      }
      territory(code: "BE254") {
        name(lang: FR) names { lang text }
        partOf { code }
        overlaps { code }
        programmes { slug }
      }
      eurometropole: territory(code: "eurometropole-lille-kortrijk-tournai") { overlaps { code } projects { slug } }
      theme(slug: "interreg-v-fwvl-axis-4") { programme { slug } children { slug projects { slug } } projects { slug } }
      programme(slug: "interreg-v-fwvl") {
        themes { code name(lang: FR) }
        predecessor { slug } successor { slug }
        managingAuthority { slug managedProgrammes { slug } }
        eligibleTerritories { code }
        population claims(field: "population") { value preferred source { key } }
      }
      alstom: organisation(slug: "alstom") { outcomes { indicator project { slug } } participations { id } }
    }`);
    expect(data.organisation.aliases).toContain('Forem');
    const foremPartners = data.organisation.participations.flatMap((p: any) => p.project.participations.map((q: any) => q.organisation.slug));
    expect(foremPartners).toEqual(expect.arrayContaining(['vdab', 'pole-emploi-hauts-de-france']));
    expect(data.territory.name).toBe('Courtrai');
    expect(data.territory.names).toEqual([
      { lang: 'FR', text: 'Courtrai' },
      { lang: 'NL', text: 'Kortrijk' },
    ]);
    expect(data.territory.partOf).toEqual([{ code: 'BE25' }]);
    expect(data.territory.overlaps).toEqual([{ code: 'eurometropole-lille-kortrijk-tournai' }]);
    expect(data.territory.programmes).toEqual([{ slug: 'interreg-v-fwvl' }]);
    expect(data.eurometropole.overlaps.map((t: any) => t.code)).toEqual(['BE254', 'BE328', 'FRE11']);
    expect(data.eurometropole.projects).toEqual([{ slug: 'emploi-sans-frontieres' }]);
    expect(data.theme.programme.slug).toBe('interreg-v-fwvl');
    expect(data.theme.projects.map((p: any) => p.slug).sort()).toEqual(['act-emploi', 'emploi-sans-frontieres', 'weldcome']);
    expect(data.theme.children[0].projects).toEqual([{ slug: 'weldcome' }]);
    expect(data.programme.themes.map((t: any) => t.code)).toEqual(['1', '2', '3', '4']);
    expect(data.programme.predecessor.slug).toBe('interreg-iv-fwvl');
    expect(data.programme.successor.slug).toBe('interreg-vi-fwvl');
    expect(data.programme.managingAuthority).toEqual({ slug: 'wallonie-bruxelles-international', managedProgrammes: [{ slug: 'interreg-v-fwvl' }] });
    expect(data.programme.eligibleTerritories).toHaveLength(31);
    expect(data.programme.population).toBe(10800000);
    expect(data.programme.claims).toHaveLength(2);
    expect(data.alstom.outcomes).toEqual([{ indicator: 'placement-rate', project: { slug: 'weldcome' } }]);
    expect(data.alstom.participations).toEqual([]);
  });

  it('lists related records in an order a reader can follow, not by the ids of their links', async () => {
    const { programme, project, theme, territory } = await app.data(`{
      programme(slug: "interreg-v-fwvl") { eligibleTerritories { code } }
      project(slug: "emploi-sans-frontieres") { territories { code } }
      theme(slug: "interreg-v-fwvl-axis-4") { projects { slug } }
      territory(code: "FRE11") { programmes { startYear } }
    }`);
    const byCode = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
    const codes = programme.eligibleTerritories.map((t: { code: string }) => t.code);
    expect(codes).toHaveLength(31);
    expect(codes).toEqual([...codes].sort(byCode));
    expect(project.territories.map((t: { code: string }) => t.code)).toEqual(['BE25', 'cote-d-opale', 'eurometropole-lille-kortrijk-tournai', 'valenciennois']);
    expect(theme.projects.map((p: { slug: string }) => p.slug)).toEqual(['act-emploi', 'emploi-sans-frontieres', 'weldcome']);
    const years = territory.programmes.map((p: { startYear: number }) => p.startYear);
    expect(years.length).toBeGreaterThan(0);
    expect(years).toEqual([...years].sort((a: number, b: number) => a - b));
  });

  it("gives a territory the overlap claims other territories state about it, whether or not an empty field is asked", async () => {
    const { territory } = await app.data(`{ territory(code: "FRE11") { all: claims { field source { key } } empty: claims(field: "") { field source { key } } } }`);
    expect(territory.all.filter((claim: { field: string }) => claim.field === 'overlaps').length).toBeGreaterThan(0);
    expect(territory.empty).toEqual(territory.all);
  });

  it("names the regions programme V covers as the article does, beside its eligible NUTS 3 units", async () => {
    const { programme } = await app.data(`{ programme(slug: "interreg-v-fwvl") {
      coveredRegions { code name(lang: FR) } eligibleTerritories { code }
      claims(field: "coveredRegions") { value locator source { key } }
      factSheet(lang: FR) { field label value }
    } }`);
    expect(programme.coveredRegions.map((region: { code: string }) => region.code)).toEqual(['BE2', 'BE3', 'FRE', 'FRF']);
    expect(programme.coveredRegions.find((region: { code: string }) => region.code === 'FRF').name).toBe('Grand Est');
    expect(programme.claims.map((claim: { value: string; source: { key: string } }) => [claim.value, claim.source.key]).sort()).toEqual([
      ['BE2', 'article'], ['BE3', 'article'], ['FRE', 'article'], ['FRF', 'article'],
    ]);
    expect(programme.claims.every((claim: { locator: string }) => claim.locator.length > 0)).toBe(true);
    const sheet = programme.factSheet.filter((entry: { field: string }) => entry.field === 'coveredRegions');
    expect(sheet).toHaveLength(4);
    expect(sheet.every((entry: { label: string }) => entry.label === 'Région couverte')).toBe(true);
    expect(sheet.map((entry: { value: string }) => entry.value)).toEqual(expect.arrayContaining(['Grand Est', 'Hauts-de-France']));
    // The eligible units lie inside the regions named.
    expect(programme.eligibleTerritories.every((unit: { code: string }) => ['BE2', 'BE3', 'FRE', 'FRF'].some((region) => unit.code.startsWith(region)))).toBe(true);
  });

  it('lists every source with the claims it supports', async () => {
    const { source } = await app.data(`{ source(key: "keep-37") { publisher publishedAt kind licence claims { field value subject { __typename } } } }`);
    expect(source).toMatchObject({ publisher: 'keep.eu (Interact)', publishedAt: '2018-10-20', kind: 'AGGREGATOR' });
    expect(source.claims).toEqual(
      expect.arrayContaining([
        { field: 'euFunding', value: '159778423', subject: { __typename: 'Programme' } },
        { field: 'totalBudget', value: '266297370', subject: { __typename: 'Programme' } },
      ]),
    );
  });
});

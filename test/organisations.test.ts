import { sqlStatementsOf, startTestApp, TestApp } from './support/app';

/** An organisation's participations in order, with Le Forem given two more projects (in its own database). */
let app: TestApp;
beforeAll(async () => {
  app = await startTestApp();
  await app.orm.em.getConnection().execute(`insert into participation (id, project_id, organisation_id, role)
    select gen_random_uuid(), p.id, o.id, 'PARTNER' from project p, organisation o where p.slug in ('weldcome', 'act-emploi') and o.slug = 'le-forem'`);
});
afterAll(() => app.close());

it("lists an organisation's projects the latest first, those without a start date last", async () => {
  const { organisation } = await app.data(`{ organisation(slug: "le-forem") { participations { project { slug startDate } } } }`);
  // Weldcome starts in 2018, Emploi sans frontières in 2016; Act'Emploi has no start date in the seeds.
  expect(organisation.participations.map((participation: { project: { slug: string; startDate: string | null } }) => participation.project)).toEqual([
    { slug: 'weldcome', startDate: '2018-01-01' },
    { slug: 'emploi-sans-frontieres', startDate: '2016-01-01' },
    { slug: 'act-emploi', startDate: null },
  ]);
});

it("reads a page of organisations' participations in one statement", async () => {
  const query = (first: number) => `{ organisations(first: ${first}) { edges { node { participations { role } } } } }`;
  expect(sqlStatementsOf(await app.query(query(50)))).toBe(sqlStatementsOf(await app.query(query(1))));
});

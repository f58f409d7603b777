import { sqlStatementsOf, startTestApp, TestApp } from './support/app';

/**
 * A theme's projects against ProjectFilter.theme, with Weldcome filed under an objective of axis 4 alone
 * (the seeds file it under the axis too): in its own database.
 */
let app: TestApp;
beforeAll(async () => {
  app = await startTestApp();
  await app.orm.em.getConnection().execute(`delete from project_theme where project_id = (select id from project where slug = 'weldcome')
    and theme_id = (select id from theme where slug = 'interreg-v-fwvl-axis-4')`);
});
afterAll(() => app.close());

const slugs = (projects: Array<{ slug: string }>) => projects.map((project) => project.slug);

it("lists the projects of an axis's objectives with its own, as the project filter selects them", async () => {
  const data = await app.data(`{
    theme(slug: "interreg-v-fwvl-axis-4") { projects { slug } own: projects(includeObjectives: false) { slug } children { slug projects { slug } } }
    projects(filter: { theme: ["interreg-v-fwvl-axis-4"] }, first: 50) { edges { node { slug } } }
  }`);
  expect(slugs(data.theme.own)).toEqual(['act-emploi', 'emploi-sans-frontieres']);
  expect(slugs(data.theme.projects)).toEqual(['act-emploi', 'emploi-sans-frontieres', 'weldcome']);
  expect(slugs(data.theme.projects)).toEqual(data.projects.edges.map((edge: { node: { slug: string } }) => edge.node.slug));
  // An objective has no objectives: its projects are its own either way.
  const objective = data.theme.children.find((child: { projects: unknown[] }) => child.projects.length > 0);
  expect(slugs(objective.projects)).toEqual(['weldcome']);
});

it('lists each project once, though it is filed under the axis and one of its objectives', async () => {
  await app.orm.em.getConnection().execute(`insert into project_theme (id, project_id, theme_id)
    select gen_random_uuid(), pt.project_id, t.id from project_theme pt join theme t on t.slug = 'interreg-v-fwvl-axis-4'
    where pt.project_id = (select id from project where slug = 'weldcome')`);
  try {
    const { theme } = await app.data(`{ theme(slug: "interreg-v-fwvl-axis-4") { projects { slug } own: projects(includeObjectives: false) { slug } } }`);
    expect(slugs(theme.projects)).toEqual(['act-emploi', 'emploi-sans-frontieres', 'weldcome']);
    expect(slugs(theme.own)).toEqual(['act-emploi', 'emploi-sans-frontieres', 'weldcome']);
  } finally {
    await app.orm.em.getConnection().execute(`delete from project_theme where project_id = (select id from project where slug = 'weldcome')
      and theme_id = (select id from theme where slug = 'interreg-v-fwvl-axis-4')`);
  }
});

it("reads every theme's projects, objectives' included, in one statement", async () => {
  const one = sqlStatementsOf(await app.query(`{ themes(first: 1) { edges { node { projects { slug } } } } }`));
  const all = sqlStatementsOf(await app.query(`{ themes(first: 50) { edges { node { projects { slug } } } } }`));
  expect(all).toBe(one);
});

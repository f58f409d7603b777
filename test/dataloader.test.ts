import { sqlStatementsOf, startTestApp, TestApp } from './support/app';

let app: TestApp;
beforeAll(async () => {
  // Pages of 300 projects, their partners and the partners' other projects: past the default cost limit (an
  // organisation's participations count as 100 records), which the limits' own tests cover.
  app = await startTestApp({ MAX_PAGE_SIZE: '500', MAX_COST: '10000000' });
  // 297 more projects, each with two of 150 generated partners, so that a page can hold 300 projects
  // and each partner leads on to a few other projects.
  const connection = app.orm.em.getConnection();
  await connection.execute(`
    insert into organisation (id, slug, names, aliases, kind)
    select gen_random_uuid(), 'generated-org-' || lpad(i::text, 3, '0'), jsonb_build_object('en', 'Generated organisation ' || i), '[]', 'OTHER'
    from generate_series(0, 149) as i`);
  await connection.execute(`
    insert into project (id, slug, titles, programme_id, objectives, activities, target_groups, obstacles)
    select gen_random_uuid(), 'generated-' || lpad(i::text, 3, '0'), jsonb_build_object('en', 'Generated project ' || i),
           (select id from programme where slug = 'interreg-v-fwvl'), '[]', '[]', '[]', '[]'
    from generate_series(1, 297) as i`);
  await connection.execute(`
    insert into participation (id, project_id, organisation_id, role)
    select gen_random_uuid(), p.id, o.id, 'PARTNER'
    from project p
    join organisation o on o.slug in (
      'generated-org-' || lpad((substring(p.slug from 11)::int % 150)::text, 3, '0'),
      'generated-org-' || lpad(((substring(p.slug from 11)::int + 1) % 150)::text, 3, '0'))
    where p.slug like 'generated-%' and p.slug not like 'generated-org-%'`);
});
afterAll(() => app.close());

const NESTED = `query ($first: Int!) {
  projects(first: $first) {
    edges {
      node {
        slug
        participations {
          role
          organisation {
            slug
            participations { project { slug } }
          }
        }
      }
    }
  }
}`;

async function statementsFor(first: number): Promise<{ statements: number; projects: number; leaves: number }> {
  const response = await app.query(NESTED, { first });
  const statements = sqlStatementsOf(response);
  const edges = response.data.projects.edges;
  const leaves = edges.flatMap((edge: any) =>
    edge.node.participations.flatMap((participation: any) => participation.organisation.participations.map((p: any) => p.project.slug)),
  ).length;
  return { statements, projects: edges.length, leaves };
}

describe('nested queries go through per-request DataLoaders', () => {
  it('costs the same small number of SQL statements for 3 projects and for 300', async () => {
    const small = await statementsFor(3);
    const large = await statementsFor(300);
    expect(small.projects).toBe(3);
    expect(large.projects).toBe(300);
    // The large page really does reach hundreds of records at the deepest level.
    expect(large.leaves).toBeGreaterThan(2_000);
    // projects page, participations by project, organisations by id, participations by organisation, projects by id.
    expect(small.statements).toBeLessThanOrEqual(5);
    expect(large.statements).toBe(small.statements);
  });

  it('counts statements per request, not across concurrent requests', async () => {
    const alone = await statementsFor(3);
    const results = await Promise.all([statementsFor(3), statementsFor(50), statementsFor(3)]);
    expect(results.map((result) => result.statements)).toEqual([alone.statements, alone.statements, alone.statements]);
  });
});

describe('a failed batch', () => {
  it('is an error in the response, not an empty list', async () => {
    const connection = app.orm.em.getConnection();
    await connection.execute('alter table source rename to source_away');
    try {
      const response = await app.query('{ project(slug: "weldcome") { slug sources { key } } }');
      expect(response.errors?.map((error) => error.extensions?.code)).toEqual(['INTERNAL_SERVER_ERROR']);
      expect(response.data?.project ?? null).toBeNull();
    } finally {
      await connection.execute('alter table source_away rename to source');
    }
    const again = await app.data('{ project(slug: "weldcome") { sources { key } } }');
    expect(again.project.sources.length).toBeGreaterThan(0);
  });
});

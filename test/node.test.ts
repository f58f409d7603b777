import { startTestApp, TestApp } from './support/app';

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp();
});
afterAll(() => app.close());

/** One id of every type that implements Node, each found by walking the graph. */
async function oneIdOfEachType(): Promise<Record<string, string>> {
  const data = await app.data(`{
    programmes(first: 1) { edges { node { id fundings { id } } } }
    programme(slug: "interreg-v-fwvl") { outcomes { id } }
    themes(first: 1) { edges { node { id } } }
    projects(first: 1) { edges { node { id participations { id } claims { id } } } }
    organisations(first: 1) { edges { node { id } } }
    territories(first: 1) { edges { node { id } } }
    sources(first: 1) { edges { node { id } } }
  }`);
  const programme = data.programmes.edges[0].node;
  const project = data.projects.edges[0].node;
  return {
    Programme: programme.id,
    Funding: programme.fundings[0].id,
    Outcome: data.programme.outcomes[0].id,
    Theme: data.themes.edges[0].node.id,
    Project: project.id,
    Participation: project.participations[0].id,
    Claim: project.claims[0].id,
    Organisation: data.organisations.edges[0].node.id,
    Territory: data.territories.edges[0].node.id,
    Source: data.sources.edges[0].node.id,
  };
}

describe('node(id)', () => {
  it('round-trips an id of every type', async () => {
    const ids = await oneIdOfEachType();
    expect(Object.keys(ids)).toHaveLength(10);
    for (const [typename, id] of Object.entries(ids)) {
      const { node } = await app.data(`query ($id: ID!) { node(id: $id) { __typename id } }`, { id });
      expect(node).toEqual({ __typename: typename, id });
    }
    const { nodes } = await app.data(`query ($ids: [ID!]!) { nodes(ids: $ids) { __typename id } }`, { ids: Object.values(ids) });
    expect(nodes.map((node: any) => node.id)).toEqual(Object.values(ids));
  });

  it('answers a well-formed id of a record that does not exist with null and NOT_FOUND, in place, the others answered', async () => {
    const missing = Buffer.from('Project:00000000-0000-5000-8000-000000000000').toString('base64url');
    const single = await app.query(`query ($id: ID!) { node(id: $id) { id } }`, { id: missing });
    expect(single.data).toEqual({ node: null });
    expect(single.errors).toHaveLength(1);
    expect(single.errors![0]).toMatchObject({ path: ['node'], extensions: { code: 'NOT_FOUND', argumentName: 'id' } });
    expect(single.errors![0].message).toContain(missing);

    const { Theme: theme, Source: source } = await oneIdOfEachType();
    const many = await app.query(`query ($ids: [ID!]!) { nodes(ids: $ids) { id } }`, { ids: [theme, missing, source] });
    expect(many.data).toEqual({ nodes: [{ id: theme }, null, { id: source }] });
    expect(many.errors).toHaveLength(1);
    expect(many.errors![0]).toMatchObject({ path: ['nodes', 1], extensions: { code: 'NOT_FOUND', argumentName: 'ids' } });
  });

  it('rejects an id that is not one of ours with BAD_USER_INPUT naming the argument', async () => {
    const response = await app.query(`{ node(id: "not-an-id") { id } }`);
    expect(response.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', argumentName: 'id' });
    expect(response.errors?.[0].message).toContain('not-an-id');
  });
});

describe('lookups by natural key', () => {
  it.each([
    ['programme', 'slug'],
    ['project', 'slug'],
    ['organisation', 'slug'],
    ['territory', 'code'],
    ['theme', 'slug'],
    ['source', 'key'],
  ])('%s(%s) of nothing is null with a NOT_FOUND error naming the argument and the value, beside the fields that answer', async (field, argumentName) => {
    const response = await app.query(`{ missing: ${field}(${argumentName}: "no-such-${field}") { id } programmes(first: 1) { totalCount } }`);
    expect(response.data?.missing).toBeNull();
    expect(response.data?.programmes.totalCount).toBeGreaterThan(0);
    expect(response.errors).toHaveLength(1);
    expect(response.errors![0]).toMatchObject({ path: ['missing'], extensions: { code: 'NOT_FOUND', argumentName } });
    expect(response.errors![0].message).toBe(`No ${field} has the ${argumentName} "no-such-${field}".`);
  });

  it('quotes a long key cut short, not whole', async () => {
    const slug = 'x'.repeat(5000);
    const response = await app.query(`query ($slug: String!) { project(slug: $slug) { id } }`, { slug });
    expect(response.errors![0].extensions).toMatchObject({ code: 'NOT_FOUND', argumentName: 'slug' });
    expect(response.errors![0].message.length).toBeLessThan(200);
  });
});

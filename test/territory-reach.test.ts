import { Client } from 'pg';
import { cloneTestDatabase } from './support/app';

/**
 * Region filters read `territory_reach`, computed when data is written. It must hold exactly what a walk
 * of the hierarchy gives: the territory, everything inside it (recursively), and whatever overlaps either.
 */
let client: Client;
beforeAll(async () => {
  client = new Client({ connectionString: await cloneTestDatabase() });
  await client.connect();
});
afterAll(() => client.end());

const WALK = `with recursive inside(origin, id) as (
    select id, id from territory
    union
    select i.origin, e.from_id from territory_edge e join inside i on e.to_id = i.id where e.relation = 'PART_OF')
  select origin, id from inside
  union select i.origin, case when e.from_id = i.id then e.to_id else e.from_id end
  from territory_edge e join inside i on e.from_id = i.id or e.to_id = i.id where e.relation = 'OVERLAPS'`;

test('the stored reach of every seeded territory is the walked one', async () => {
  const { rows } = await client.query(`select
    (select count(*) from (${WALK}) w)::int as walked,
    (select count(*) from territory_reach)::int as stored,
    (select count(*) from ((${WALK}) except (select territory_id, reached_id from territory_reach)) missing)::int as missing`);
  expect(rows[0].walked).toBeGreaterThan(100);
  expect(rows[0]).toEqual({ walked: rows[0].walked, stored: rows[0].walked, missing: 0 });
  const be2 = await client.query(`select t.code from territory_reach r join territory o on o.id = r.territory_id join territory t on t.id = r.reached_id where o.code = 'BE2' order by t.code`);
  expect(be2.rows.map((row) => row.code)).toEqual(expect.arrayContaining(['BE2', 'BE25', 'BE251']));
});

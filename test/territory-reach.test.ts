import { Client } from 'pg';
import { cloneTestDatabase } from './support/app';

/**
 * Region filters and `Territory.projects` read `territory_reach`, computed when data is written: a
 * territory reaches itself, every territory inside it (recursively), and the territories that overlap
 * one of those (one step: an overlap of an overlap is not reached). The expectations are the seeded
 * NUTS hierarchy and areas, written out.
 */
let client: Client;
beforeAll(async () => {
  client = new Client({ connectionString: await cloneTestDatabase() });
  await client.connect();
});
afterAll(() => client.end());

async function reach(code: string): Promise<string[]> {
  const { rows } = await client.query(
    `select t.code from territory_reach r join territory o on o.id = r.territory_id join territory t on t.id = r.reached_id
     where o.code = $1 order by t.code`,
    [code],
  );
  return rows.map((row) => row.code);
}

test('a province reaches its arrondissements and the areas overlapping them', async () => {
  expect(await reach('BE25')).toEqual(['BE25', 'BE251', 'BE252', 'BE253', 'BE254', 'BE255', 'BE256', 'BE257', 'BE258', 'eurometropole-lille-kortrijk-tournai']);
  expect(await reach('BE32')).toEqual(['BE32', 'BE323', 'BE328', 'BE329', 'BE32A', 'BE32B', 'BE32C', 'BE32D', 'eurometropole-lille-kortrijk-tournai', 'tournai']);
});

test('an area reaches what it overlaps, and an overlap of an overlap is not reached', async () => {
  expect(await reach('eurometropole-lille-kortrijk-tournai')).toEqual(['BE254', 'BE328', 'FRE11', 'eurometropole-lille-kortrijk-tournai']);
  expect(await reach('BE254')).toEqual(['BE254', 'eurometropole-lille-kortrijk-tournai']);
  expect(await reach('BE25')).not.toContain('FRE11');
});

test('a country reaches every level below it', async () => {
  expect(await reach('FR')).toEqual([
    'FR', 'FRE', 'FRE1', 'FRE11', 'FRE12', 'FRE2', 'FRE21', 'FRE22', 'FRE23', 'FRF', 'FRF2', 'FRF21', 'FRF23',
    'cote-d-opale', 'eurometropole-lille-kortrijk-tournai', 'lille', 'valenciennois',
  ]);
});

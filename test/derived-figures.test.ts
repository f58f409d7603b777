import 'reflect-metadata';
import { Language } from '../src/modules/common/localised';
import { formatMoney } from '../src/modules/provenance/fact-sheet';
import { startTestApp, TestApp } from './support/app';

/** Weldcome's derived figure and money as written, against data this file changes (in its own database). */
let app: TestApp;
beforeAll(async () => {
  app = await startTestApp();
});
afterAll(() => app.close());

const execute = (sql: string) => app.orm.em.getConnection().execute(sql);
const WELDCOME = `(select id from project where slug = 'weldcome')`;
const figures = async () =>
  (await app.data(`{ project(slug: "weldcome") { derivedFigures { key value formula caveat } } }`)).project.derivedFigures as Array<Record<string, string>>;

it('says a count came before the project ended only when it did', async () => {
  // Counted in May 2021; the project ends on 2022-12-31.
  expect((await figures()).map((figure) => figure.caveat)).toEqual([expect.stringMatching(/; the count is as of 2021-05, before the project ended\.$/)]);
  try {
    for (const endDate of ['2021-05-31', '2020-12-31']) {
      await execute(`update project set end_date = '${endDate}' where id = ${WELDCOME}`);
      expect([endDate, (await figures()).map((figure) => figure.caveat)]).toEqual([endDate, [expect.stringMatching(/; the count is as of 2021-05\.$/)]]);
    }
    await execute(`update project set end_date = null where id = ${WELDCOME}`);
    expect((await figures()).map((figure) => figure.caveat)).toEqual([expect.stringMatching(/; the count is as of 2021-05\.$/)]);
  } finally {
    // The next tests read the seeded end date.
    await execute(`update project set end_date = '2022-12-31' where id = ${WELDCOME}`);
  }
});

it('says the figure is approximate when a budget or a count it divides is rounded in its source', async () => {
  const approximateNote = ' Its inputs are rounded in their sources, so the figure is approximate too.';
  expect((await figures()).every((figure) => !figure.caveat.endsWith(approximateNote))).toBe(true);
  try {
    await execute(`update project set total_budget_approximate = true where id = ${WELDCOME}`);
    expect((await figures()).map((figure) => figure.caveat)).toEqual([expect.stringMatching(/before the project ended\. Its inputs are rounded in their sources, so the figure is approximate too\.$/)]);
    await execute(`update project set total_budget_approximate = false where id = ${WELDCOME}`);
    await execute(`update outcome set approximate = true where project_id = ${WELDCOME} and indicator = 'trainees'`);
    expect((await figures()).map((figure) => figure.caveat.endsWith(approximateNote))).toEqual([true]);
  } finally {
    await execute(`update project set total_budget_approximate = false where id = ${WELDCOME}`);
    await execute(`update outcome set approximate = false where project_id = ${WELDCOME} and indicator = 'trainees'`);
  }
  expect((await figures()).every((figure) => !figure.caveat.endsWith(approximateNote))).toBe(true);
});

it('tells apart the figures of an indicator counted at two dates', async () => {
  await execute(`insert into outcome
    select (jsonb_populate_record(o, jsonb_build_object('id', gen_random_uuid(), 'as_of', '2022-06', 'value', 100))).*
    from outcome o where o.project_id = ${WELDCOME} and o.indicator = 'trainees' and o.kind = 'ACHIEVED'`);
  try {
    // In the outcomes' order: by date.
    expect((await figures()).map(({ key, value }) => ({ key, value }))).toEqual([
      { key: 'cost-per-trainees-as-of-2021-05', value: '14828.08' },
      { key: 'cost-per-trainees-as-of-2022-06', value: '13196.99' },
    ]);
    // Two more counts, neither dated: numbered, so that no two figures share a key.
    for (const value of [50, 40]) {
      await execute(`insert into outcome
        select (jsonb_populate_record(o, jsonb_build_object('id', gen_random_uuid(), 'as_of', null, 'value', ${value}))).*
        from outcome o where o.project_id = ${WELDCOME} and o.indicator = 'trainees' and o.kind = 'ACHIEVED' and o.as_of = '2021-05'`);
    }
    const keys = (await figures()).map((figure) => figure.key);
    expect(keys.slice(0, 2)).toEqual(['cost-per-trainees-as-of-2021-05', 'cost-per-trainees-as-of-2022-06']);
    expect(keys.slice(2).sort()).toEqual(['cost-per-trainees-as-of-undated-1', 'cost-per-trainees-as-of-undated-2']);
  } finally {
    await execute(`delete from outcome where project_id = ${WELDCOME} and (as_of = '2022-06' or as_of is null) and indicator = 'trainees'`);
  }
  expect((await figures()).map((figure) => figure.key)).toEqual(['cost-per-trainees']);
});

it('writes money with whole cents, in the fact sheet and in the formula', async () => {
  await execute(`update project set total_budget = 1319699.30 where id = ${WELDCOME}`);
  await execute(`update claim set value = '1319699.30' where subject_id = ${WELDCOME} and field = 'totalBudget'`);
  const { project } = await app.data(`{ project(slug: "weldcome") {
    en: factSheet { field value } fr: factSheet(lang: FR) { field value } derivedFigures { formula }
  } }`);
  expect(project.en.filter((entry: { field: string }) => entry.field === 'totalBudget').map((entry: { value: string }) => entry.value)).toEqual(['1,319,699.30 EUR']);
  expect(project.fr.filter((entry: { field: string }) => entry.field === 'totalBudget').map((entry: { value: string }) => entry.value)).toEqual(['1\u202f319\u202f699,30 EUR']);
  expect(project.derivedFigures.map((figure: { formula: string }) => figure.formula)).toEqual(['totalBudget / outcomes[trainees].value = 1,319,699.30 / 89']);
});

it.each([
  ['170000000.00', Language.EN, '170,000,000'],
  ['123456.5', Language.NL, '123.456,50'],
  ['-0.5', Language.EN, '-0.50'],
  ['0.125', Language.EN, '0.125'],
  ['-0.00', Language.FR, '0'],
])('writes %s in %s as %s', (value, lang, written) => {
  expect(formatMoney(value, lang)).toBe(written);
});

import { fetchCsv, startTestApp, TestApp } from './support/app';

/** CSV exports are opened in spreadsheets: a cell must never run as a formula (OWASP "CSV injection"). */
let app: TestApp;
beforeAll(async () => {
  app = await startTestApp();
  const connection = app.orm.em.getConnection();
  await connection.execute(`update organisation set address = '=HYPERLINK("http://example.org","click")', acronym = '@SUM(A1)',
    names = jsonb_set(names, '{fr}', '"+33 3 20 00 00 00"'), website = '-1+2' where slug = 'le-forem'`);
  await connection.execute(`update organisation set address = '	tab first' where slug = 'vdab'`);
  await connection.execute(`update funding set amount = -5.25 where id = (select id from funding order by id limit 1)`);
});
afterAll(() => app.close());

async function csv(path: string): Promise<Record<string, string>[]> {
  const { status, rows } = await fetchCsv(app.baseUrl, path);
  expect(status).toBe(200);
  return rows;
}

describe('CSV exports and spreadsheet formulas', () => {
  it('writes a cell that starts like a formula after a quote', async () => {
    const rows = await csv('/export/organisations.csv');
    const forem = rows.find((row) => row.slug === 'le-forem')!;
    expect(forem.address).toBe(`'=HYPERLINK("http://example.org","click")`);
    expect(forem.acronym).toBe(`'@SUM(A1)`);
    expect(forem.name_fr).toBe(`'+33 3 20 00 00 00`);
    expect(forem.website).toBe(`'-1+2`);
    expect(rows.find((row) => row.slug === 'vdab')!.address).toBe(`'\ttab first`);
    // Everything else as it was.
    expect(rows.find((row) => row.slug === 'vdab')!.name_nl).toBe('VDAB');
  });

  it('leaves numbers as numbers, negative ones too', async () => {
    const amounts = (await csv('/export/funding.csv')).map((row) => row.amount);
    expect(amounts).toContain('-5.25');
    expect(amounts.every((amount) => amount === '' || /^-?\d+(\.\d+)?$/.test(amount))).toBe(true);
  });
});

import type { MikroORM } from '@mikro-orm/postgresql';
import { loadConfig } from '../src/config';
import { openOrm } from '../src/db/orm';
import { explainOperations, planChecks, PlanReport } from '../src/generate/plans';
import { generate } from '../src/generate/synthetic';
import { cloneTestDatabase } from './support/app';

/**
 * Every ProjectFilter condition and every benchmark operation can be served by indexes: the statements
 * the real server sends for each are explained with sequential scans disabled, so a sequential scan of a
 * large table that remains means no index can serve it. (The planner's own choices at full size are
 * reported by `npm run bench`, with the same checks.)
 */
let orm: MikroORM;
let reports: Map<string, PlanReport>;
beforeAll(async () => {
  orm = await openOrm(await cloneTestDatabase());
  await generate(orm.em.fork(), { scale: 0.02, seed: 1 }, () => undefined);
  const found = await explainOperations(orm, loadConfig({ MAX_COST: '10000000' }), checks, { forceIndexes: true });
  reports = new Map(found.map((report) => [report.name, report]));
}, 120_000);
afterAll(() => orm.close());

const sample = {
  project: 'g-project-100',
  organisation: 'g-org-30',
  programme: 'g-programme-1',
  theme: 'g-programme-1-axis-1',
  region: 'XA1',
  nuts3: 'XA111',
  country: 'XA',
};
// Every ProjectFilter condition and every operation of the benchmark (src/generate/plans.ts).
const checks = planChecks(sample);

test.each(checks.map((check) => check.name))('%s', (name) => {
  const report = reports.get(name)!;
  expect(report.statements).toBeGreaterThan(0);
  expect(report.sequentialScans).toEqual([]);
});

test('the sample records exist, so the checks walk real relations', () => {
  // A missing project would answer null after one statement; the detail page follows every relation.
  expect(reports.get('project detail (every relation and its claims)')!.statements).toBeGreaterThan(10);
  expect(reports.get("an organisation's collaborators")!.statements).toBeGreaterThan(2);
});

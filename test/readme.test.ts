import fs from 'node:fs';
import path from 'node:path';
import { startTestApp, TestApp } from './support/app';

const README = fs.readFileSync(path.join(__dirname, '..', 'README.md'), 'utf8');
const EXAMPLES = [...README.matchAll(/```graphql\n([\s\S]*?)```/g)].map((match) => match[1]);

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp();
});
afterAll(() => app.close());

describe('the README', () => {
  it('has examples', () => {
    expect(EXAMPLES.length).toBeGreaterThanOrEqual(8);
  });

  it.each(EXAMPLES.map((example, index) => [index + 1, example]))('example %i runs on the seeded data and finds something', async (_index, example) => {
    const response = await app.query(example as string);
    expect(response.errors).toBeUndefined();
    const empty = (value: unknown): boolean =>
      value === null || value === 0 || (Array.isArray(value) && value.length === 0) || (typeof value === 'object' && Object.values(value as object).every(empty));
    for (const [field, value] of Object.entries(response.data ?? {})) {
      expect([field, empty(value)]).toEqual([field, false]);
    }
  });
});

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
    // Every field it asks answers, and every list in the answer holds something: an example that shows a
    // list shows what a reader will get, not an empty one.
    const emptyLists: string[] = [];
    const walk = (value: unknown, path: string): void => {
      if (Array.isArray(value)) {
        if (value.length === 0) emptyLists.push(path);
        value.forEach((item, index) => walk(item, `${path}[${index}]`));
      } else if (value && typeof value === 'object') {
        for (const [key, item] of Object.entries(value)) walk(item, `${path}.${key}`);
      }
    };
    for (const [field, value] of Object.entries(response.data ?? {})) {
      expect([field, value]).not.toEqual([field, null]);
      walk(value, field);
    }
    expect(emptyLists).toEqual([]);
  });
});

import fs from 'node:fs';
import path from 'node:path';
import { GraphQLObjectType, isEnumType, isInputObjectType, isInterfaceType, isObjectType, isScalarType, isUnionType } from 'graphql';
import { getSchema, printedSchema } from '../src/graphql/schema';

describe('schema/schema.graphql', () => {
  it('is what the code emits (run "npm run schema:emit" after changing the API)', async () => {
    const committed = fs.readFileSync(path.join(__dirname, '..', 'schema', 'schema.graphql'), 'utf8');
    expect(committed).toBe(await printedSchema());
  });

  it('describes every type, field, argument and enum value', async () => {
    const schema = await getSchema();
    const missing: string[] = [];
    for (const type of Object.values(schema.getTypeMap())) {
      if (type.name.startsWith('__')) continue;
      if (isScalarType(type) && ['String', 'Int', 'Float', 'Boolean', 'ID'].includes(type.name)) continue;
      if (!type.description) missing.push(type.name);
      if (isObjectType(type) || isInterfaceType(type) || isInputObjectType(type)) {
        for (const field of Object.values(type.getFields())) {
          if (!field.description) missing.push(`${type.name}.${field.name}`);
          for (const argument of 'args' in field ? field.args : []) {
            if (!argument.description) missing.push(`${type.name}.${field.name}(${argument.name})`);
          }
        }
      }
      if (isEnumType(type)) {
        for (const value of type.getValues()) if (!value.description) missing.push(`${type.name}.${value.name}`);
      }
      if (isUnionType(type) && !type.description) missing.push(type.name);
    }
    expect(missing).toEqual([]);
  });

  it('says in the description of each list counted as more than 10 records how many it is counted as', async () => {
    const schema = await getSchema();
    const sized: Array<[string, number, boolean]> = [];
    for (const type of Object.values(schema.getTypeMap())) {
      if (!isObjectType(type) || type.name.startsWith('__')) continue;
      for (const field of Object.values(type.getFields())) {
        const records = field.extensions.listSize;
        if (typeof records !== 'number') continue;
        sized.push([`${type.name}.${field.name}`, records, field.description!.endsWith(`Counted as ${records.toLocaleString('en')} records in a query’s cost.`)]);
      }
    }
    expect(sized.length).toBeGreaterThanOrEqual(10);
    expect(sized.filter(([, , said]) => !said)).toEqual([]);
    expect(sized.find(([name]) => name === 'Territory.projects')?.[1]).toBe(2500);
  });
});

describe('field resolvers with arguments', () => {
  // type-graphql 2.0.0-rc.4 returns every argument in a promise, which made each such field asynchronous
  // (a localised name is one per row of a list page); patches/type-graphql+2.0.0-rc.4.patch, applied by
  // `npm install`, returns an argument with nothing to validate as it is.
  it('answer synchronously', async () => {
    const schema = await getSchema();
    const title = (schema.getType('Project') as GraphQLObjectType).getFields().title;
    const answer = title.resolve!({ titles: { fr: 'Titre', nl: 'Titel' } }, { lang: 'nl' }, {}, {} as never);
    expect(answer).toBe('Titel');
  });
});

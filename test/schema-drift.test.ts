import type { MikroORM } from '@mikro-orm/postgresql';
import { Client } from 'pg';
import { openOrm } from '../src/db/orm';
import { cloneTestDatabase } from './support/app';

/**
 * The schema is changed only by committed migrations, and `npm run migration:create` writes the next one
 * from the difference between the entities and the database the migrations give. So the entities must
 * declare everything the migrations made that the ORM compares (tables, columns, indexes): anything
 * undeclared, the next generated migration would drop. The indexes of the sort orders and filters
 * (issue 6) and the `row_count` table once were, and a migration written for an unrelated change would
 * have dropped every one of them.
 */
let orm: MikroORM;
beforeAll(async () => {
  orm = await openOrm(await cloneTestDatabase());
});
afterAll(() => orm.close());

test('the migrations and the entities agree: a migration generated now would be empty', async () => {
  const difference = await orm.getSchemaGenerator().getUpdateSchemaSQL({ wrap: false });
  expect(difference.trim()).toBe('');
});

// The ORM compares an index declared by its statement (an expression, a condition, included columns) by
// name alone: here
// each declared statement is run under another name and PostgreSQL's own definition of the result is held
// to the index the migrations made.
test('each index an entity declares by its statement is the index the migrations made', async () => {
  const declared = Object.values(orm.getMetadata().getAll()).flatMap((meta) =>
    meta.indexes.filter((index) => typeof index.expression === 'string').map((index) => ({ name: index.name!, statement: index.expression as string })),
  );
  const client = new Client({ connectionString: String(orm.config.get('clientUrl')) });
  await client.connect();
  try {
    // Every index of an entity's table that has an expression, a condition or included columns is declared,
    // and no other.
    const tables = Object.values(orm.getMetadata().getAll()).map((meta) => meta.tableName);
    const { rows: made } = await client.query<{ name: string }>(
      `select index.relname as name from pg_index i join pg_class index on index.oid = i.indexrelid join pg_class t on t.oid = i.indrelid
       where t.relnamespace = current_schema()::regnamespace and t.relname = any($1)
         and (i.indexprs is not null or i.indpred is not null or i.indnkeyatts < i.indnatts)`,
      [tables],
    );
    expect(made.length).toBeGreaterThan(0);
    expect(declared.map(({ name }) => name).sort()).toEqual(made.map(({ name }) => name).sort());
    for (const { name, statement } of declared) {
      expect(statement).toContain(`"${name}"`);
      await client.query('begin');
      try {
        await client.query(statement.replace(`"${name}"`, '"kb_declared"'));
        const { rows } = await client.query<{ declared: string; made: string }>(
          `select pg_get_indexdef('kb_declared'::regclass) as declared, pg_get_indexdef($1::regclass) as made`,
          [name],
        );
        expect(rows[0].declared.replace('kb_declared', name)).toBe(rows[0].made);
      } finally {
        await client.query('rollback');
      }
    }
  } finally {
    await client.end();
  }
});

// A release can be rolled back: the `down` of every migration from a fixed one on undoes its `up` on a
// seeded database (Migration20261127170000's first version recreated an index under a name its own `up`
// had reused, and failed), and `up` again gives back the schema the entities declare.
const FIRST_UNDONE = 'Migration20261127170000';
test(`the migrations from ${FIRST_UNDONE} on can be undone and done again`, async () => {
  const migrator = orm.getMigrator();
  const executed = await migrator.getExecutedMigrations();
  const kept = executed.findIndex(({ name }) => name === FIRST_UNDONE);
  expect(kept).toBeGreaterThan(0);
  // Every index as PostgreSQL would create it: the schema diff below compares expression, partial and
  // INCLUDE indexes by name only, and one brought back by `down` then `up` under its name but not as it was
  // would pass it.
  const indexDefinitions = () =>
    orm.em
      .getConnection()
      .execute<Array<{ definition: string }>>(`select pg_get_indexdef(indexrelid) as definition from pg_index join pg_class c on c.oid = indexrelid where c.relnamespace = current_schema()::regnamespace order by 1`);
  const before = await indexDefinitions();
  // `to` is undone too.
  await migrator.down({ to: FIRST_UNDONE });
  expect((await migrator.getExecutedMigrations()).map(({ name }) => name)).toEqual(executed.slice(0, kept).map(({ name }) => name));
  await migrator.up();
  expect(await migrator.getExecutedMigrations()).toHaveLength(executed.length);
  expect(await indexDefinitions()).toEqual(before);
  expect((await orm.getSchemaGenerator().getUpdateSchemaSQL({ wrap: false })).trim()).toBe('');
});

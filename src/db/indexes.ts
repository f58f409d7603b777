import { Index } from '@mikro-orm/core';
import { localisedSortSql } from '../graphql/filters';
import { LANGUAGES } from '../modules/common/localised';

/**
 * Indexes that migrations create on expressions or with a condition (Migration20261126150000 and
 * Migration20261127010000), as the entities declare them: with the statement that creates them. The ORM's
 * schema diff, and `npm run migration:create` with it, compares such an index by its name alone, and
 * would drop one that no entity declares. test/schema-drift.test.ts holds the entities to the migrations.
 */
export interface DeclaredIndex {
  name: string;
  expression: string;
}

/** Declares every index of the list on the entity class it decorates. */
export function Indexes(indexes: readonly DeclaredIndex[]): ClassDecorator {
  return (target) => {
    for (const index of indexes) Index(index)(target);
  };
}

/** An index of a list's sort key as the list queries order by it: `(key is null), key, id` (nulls last). */
export function sortIndex(table: string, name: string, key: string): DeclaredIndex {
  return { name, expression: `create index "${name}" on "${table}" ((${key} is null), ${key}, id)` };
}

/**
 * The sort indexes of a localised JSON column (`names`, `titles`), one per language, on the expression the
 * list queries order by (`localisedSortSql`): `<table>_<what>_<lang>_sort`.
 */
export function localisedSortIndexes(table: string, what: string, column: string): DeclaredIndex[] {
  return LANGUAGES.map((lang) => sortIndex(table, `${table}_${what}_${lang}_sort`, localisedSortSql(column, lang)));
}

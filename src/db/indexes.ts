import { Index, Property } from '@mikro-orm/core';
import { Language, LANGUAGE_FALLBACK, LANGUAGES } from '../modules/common/localised';

/**
 * Indexes that migrations create on expressions, with a condition or with included columns
 * (Migration20261126150000, Migration20261127010000 and after), as the entities declare them: with the statement that creates them. The ORM's
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
 * An index of the ids with the slug beside them (Migration20261127180000): a filtered list collects its
 * matches' ids and default sort keys from it without reading their rows.
 */
export function idWithSlugIndex(table: string): DeclaredIndex {
  const name = `${table}_id_slug`;
  return { name, expression: `create index "${name}" on "${table}" (id) include (slug)` };
}

/**
 * A link table's index by its other end (a theme, a territory, an organisation and its role) with the
 * project beside it (Migration20261127200000): a filter collects the projects linked to what it names from
 * the index alone, without reading the links' rows.
 */
export function linkIndex(table: string, columns: readonly string[]): DeclaredIndex {
  const name = `${table}_${columns.join('_')}_project_id`;
  return { name, expression: `create index "${name}" on "${table}" (${columns.join(', ')}) include (project_id)` };
}

/**
 * A text sort key kept by PostgreSQL in a column of its own: a stored generated column, computed when a
 * row is written. A list ordered by the expression itself had PostgreSQL compute it again for every row it
 * returned, twice (the order and the cursor's copy of it): `kb_fold` costs about 1.8 µs a call, and a
 * page of 21 projects by title spent 80 of its statement's 170 µs of PostgreSQL CPU folding titles
 * (Migration20261127170000). No record reads these columns (`rowMapper` leaves generated ones out).
 */
export interface SortKeyColumn {
  /** `<stem>_sort_<lang>` for a localised text, `<column>_sort` for a plain one. */
  column: string;
  /** What PostgreSQL computes it from: the text accent- and case-folded by `kb_fold`. */
  expression: string;
}

/**
 * The column of a localised text's sort key in a language: `keyStem` is the singular the columns are
 * named after (`title` for `titles`, giving `title_sort_fr`), what lists order by.
 */
export function localisedSortColumn(keyStem: string, lang: Language): string {
  return `${keyStem}_sort_${lang}`;
}

/** The sort keys of a localised JSON column (`titles`, `names`), one per language, each with its fallback. */
export function localisedSortKeys(keyStem: string, jsonColumn: string): SortKeyColumn[] {
  return LANGUAGES.map((lang) => ({
    column: localisedSortColumn(keyStem, lang),
    expression: `kb_fold(coalesce(${LANGUAGE_FALLBACK[lang].map((language) => `${jsonColumn}->>'${language}'`).join(', ')}))`,
  }));
}

/** The column of a plain text column's sort key (`acronym_sort`): what lists order by. */
export function plainTextSortColumn(column: string): string {
  return `${column}_sort`;
}

/** The sort key of a plain (not localised) text column. */
export function plainTextSortKey(column: string): SortKeyColumn {
  return { column: plainTextSortColumn(column), expression: `kb_fold(${column})` };
}

/**
 * Declares sort-key columns on the entity class they decorate (the migrations make them; the ORM's schema
 * diff compares them), as lazy properties that the ORM never loads, and with `indexed` (the large tables)
 * each with its sort index, `<table>_<column>`.
 */
export function SortKeys(table: string, keys: readonly SortKeyColumn[], options: { indexed: boolean }): ClassDecorator {
  return (target) => {
    for (const { column, expression } of keys) {
      const property = column.replace(/_(\w)/g, (_, letter: string) => letter.toUpperCase());
      Property({ fieldName: column, type: 'text', nullable: true, lazy: true, generated: `(${expression}) stored` })(target.prototype, property);
      if (options.indexed) Index(sortIndex(table, `${table}_${column}`, column))(target);
    }
  };
}

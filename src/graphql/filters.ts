import type { EntityManager } from '@mikro-orm/postgresql';
import { Field, InputType, Int, registerEnumType } from 'type-graphql';
import { prepared } from '../db/prepared';
import { Language, LANGUAGE_FALLBACK } from '../modules/common/localised';
import type { Condition, SortKey } from './connection';
import { badUserInput } from './errors';

export enum OrderDirection {
  ASC = 'asc',
  DESC = 'desc',
}
registerEnumType(OrderDirection, {
  name: 'OrderDirection',
  description: 'Sort direction. Records without a value for the sort field come last either way.',
  valuesConfig: { ASC: { description: 'Ascending: A to Z, smallest first, oldest first.' }, DESC: { description: 'Descending.' } },
});

@InputType({ description: 'A range of exact decimal amounts; either end may be left open.' })
export class DecimalRange {
  @Field(() => String, { nullable: true, description: 'Smallest amount included, e.g. "1000000".' })
  min?: string | null;

  @Field(() => String, { nullable: true, description: 'Largest amount included.' })
  max?: string | null;
}

@InputType({ description: 'A span of years; either end may be left open. Matches what overlaps it.' })
export class YearRange {
  @Field(() => Int, { nullable: true, description: 'First year included.' })
  from?: number | null;

  @Field(() => Int, { nullable: true, description: 'Last year included.' })
  to?: number | null;
}

/** Non-empty list values only: an empty list in a filter means "no condition". */
export function given<T>(values: T[] | null | undefined): values is T[] {
  return Array.isArray(values) && values.length > 0;
}

/** `column in (?, ?, ...)` for a non-empty list. */
export function inList(sql: string, values: unknown[]): Condition {
  return { sql: `${sql} in (${values.map(() => '?').join(', ')})`, bindings: values };
}

/**
 * Fails with BAD_USER_INPUT naming the argument when a natural key does not exist, rather than
 * silently matching nothing.
 */
export async function assertKnown(
  em: EntityManager,
  table: string,
  column: string,
  values: string[],
  argumentName: string,
  what: string,
): Promise<void> {
  // One array parameter, so the text is fixed per table and column: a prepared statement.
  const found = await prepared(em.getKnex().select(column).from(table).whereRaw('?? = any(?)', [column, values]));
  const known = new Set(found.map((row: Record<string, string>) => row[column]));
  const unknown = values.filter((value) => !known.has(value));
  if (unknown.length > 0) {
    throw badUserInput(argumentName, `Unknown ${what}${unknown.length > 1 ? 's' : ''} ${unknown.map((value) => `"${value}"`).join(', ')} in "${argumentName}".`);
  }
}

/**
 * The ids of the territories a region reaches: the territories named, every territory inside them
 * (following `partOf` down, recursively), and every territory that overlaps one of those, as computed
 * in advance in `territory_reach`. Without sub-territories, only the territories named.
 */
export function territoryReachSql(codes: string[], includeSubTerritories: boolean): Condition {
  const named = `select id from territory where code in (${codes.map(() => '?').join(', ')})`;
  if (!includeSubTerritories) return { sql: named, bindings: codes };
  return { sql: `select r.reached_id from territory_reach r where r.territory_id in (${named})`, bindings: codes };
}

/**
 * A full-text query in every language at once: French (with and without accents), Dutch and English
 * stemming, and the unstemmed words. A record matches when one of them matches it whole. Languages that
 * read the words alike give the same alternative ("welding training" is the same query in four of the
 * five); each alternative is kept once, which halves the index work of such a search.
 */
export function textQuerySql(text: string): Condition {
  const configs = ['french', 'kb_french', 'kb_dutch', 'kb_english', 'kb_simple'];
  return {
    sql: `(select string_agg(distinct '(' || alternative::text || ')', ' | ')::tsquery
      from unnest(array[${configs.map((config) => `websearch_to_tsquery('${config}', kb_clean(?))`).join(', ')}]) as alternative
      where numnode(alternative) > 0)`,
    bindings: configs.map(() => text),
  };
}

/** Records of a type whose search document matches a text. */
export function textMatchCondition(idSql: string, recordType: string, text: string): Condition {
  const query = textQuerySql(text);
  return {
    sql: `${idSql} in (select record_id from search_document where record_type = ? and document @@ ${query.sql})`,
    bindings: [recordType, ...query.bindings!],
  };
}

/** A localised JSON column as a sort key: the text in `lang` (or its fallback), accents and case folded. */
export function localisedSortSql(column: string, lang: Language): string {
  return `kb_fold(coalesce(${LANGUAGE_FALLBACK[lang].map((language) => `${column}->>'${language}'`).join(', ')}))`;
}

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;
const DECIMAL = /^-?\d+(\.\d+)?$/;

export function checkIsoDate(value: string, argumentName: string): string {
  if (!ISO_DATE.test(value) || Number.isNaN(Date.parse(value))) {
    throw badUserInput(argumentName, `"${argumentName}" must be an ISO date such as "2020-06-30"; got "${value}".`);
  }
  return value;
}

export function decimalRangeConditions(sql: string, range: DecimalRange | null | undefined, argumentName: string): Condition[] {
  const conditions: Condition[] = [];
  for (const [end, operator] of [['min', '>='], ['max', '<=']] as const) {
    const value = range?.[end];
    if (value == null) continue;
    if (!DECIMAL.test(value)) throw badUserInput(`${argumentName}.${end}`, `"${argumentName}.${end}" must be a decimal such as "1000000.50"; got "${value}".`);
    conditions.push({ sql: `${sql} ${operator} ?::numeric`, bindings: [value] });
  }
  return conditions;
}

/** The sort keys of each order field of a list (a name sorts in the asked language). */
export type SortColumns<F extends string> = Record<F, (lang: Language) => Array<Omit<SortKey, 'direction'>>>;

/** The sort keys an `orderBy` asks for, or the list's default order, all in the asked direction. */
export function orderKeys<F extends string>(columns: SortColumns<F>, orderBy: Order<F> | null | undefined, byDefault: F): SortKey[] {
  const direction = orderBy?.direction ?? OrderDirection.ASC;
  return columns[orderBy?.field ?? byDefault](orderBy?.lang ?? Language.EN).map((key) => ({ ...key, direction }));
}

export interface Order<F> {
  field: F;
  direction: OrderDirection;
  lang: Language;
}

/** The `XOrder` input of a list: a field of its own enum, a direction, and the language of names. */
export function OrderInput<F extends string>(fieldEnum: Record<string, F>, typeName: string, records: string) {
  @InputType(`${typeName}Order`, { description: `How to sort ${records}; ties are broken by id, so the order is stable across pages.` })
  class OrderInputType implements Order<F> {
    @Field(() => fieldEnum, { description: 'The field to sort by.' })
    field!: F;

    @Field(() => OrderDirection, { defaultValue: OrderDirection.ASC, description: 'Ascending or descending.' })
    direction!: OrderDirection;

    @Field(() => Language, { defaultValue: Language.EN, description: 'For a name or title: the language whose text is compared.' })
    lang!: Language;
  }
  return OrderInputType;
}

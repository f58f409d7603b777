import type { EntityClass } from '@mikro-orm/core';
import { Field, InputType, Int, registerEnumType } from 'type-graphql';
import { isCalendarDay, ISO_DAY } from '../modules/common/dates';
import { Language } from '../modules/common/localised';
import type { Condition, SortKey } from './connection';
import { badUserInput, quoted, unknownValues } from './errors';
import type { Loaders } from './loaders';

export enum OrderDirection {
  ASC = 'asc',
  DESC = 'desc',
}
registerEnumType(OrderDirection, {
  name: 'OrderDirection',
  description: 'Sort direction. Records without a value for the sort field come last either way.',
  valuesConfig: { ASC: { description: 'Ascending: A to Z, smallest first, oldest first.' }, DESC: { description: 'Descending.' } },
});

@InputType({ description: 'A range of exact decimal amounts; either end may be left open. A `max` below `min` is refused.' })
export class DecimalRange {
  @Field(() => String, { nullable: true, description: 'Smallest amount included, e.g. "1000000".' })
  min?: string | null;

  @Field(() => String, { nullable: true, description: 'Largest amount included.' })
  max?: string | null;
}

@InputType({ description: 'A span of years; either end may be left open. Matches what overlaps it. A `to` before `from` is refused.' })
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

const COUNTRY_CODE = /^[A-Za-z]{2}$/;

/**
 * ISO 3166-1 alpha-2 codes, upper-cased; any other value is refused, naming it (a code such as "BEL" or
 * "Belgium" matched nothing, without a word, where an unknown slug or territory code is refused).
 */
export function countryCodes(values: string[], argumentName: string): string[] {
  const wrong = values.find((value) => !COUNTRY_CODE.test(value));
  if (wrong !== undefined) throw badUserInput(argumentName, `"${argumentName}" takes two-letter ISO country codes such as "BE" or "FR"; got ${quoted(wrong)}.`);
  return values.map((value) => value.toUpperCase());
}

/** `column in (?, ?, ...)` for a non-empty list. */
export function inList(sql: string, values: unknown[]): Condition {
  return { sql: `${sql} in (${values.map(() => '?').join(', ')})`, bindings: values };
}

/** Records a filter argument names by a unique property (a slug or a code). */
export interface NamedRecords {
  entity: EntityClass<{ id: string }>;
  property: string;
  values: string[];
  argumentName: string;
  /** What a value names, for the error message: "programme", "territory code". */
  what: string;
}

/** The records a filter argument names, or undefined when it names none (an empty list is no condition). */
export function named<T extends { id: string }>(
  values: string[] | null | undefined,
  entity: EntityClass<T>,
  property: keyof T & string,
  argumentName: string,
  what: string,
): NamedRecords | undefined {
  return given(values) ? { entity: entity as EntityClass<{ id: string }>, property, values, argumentName, what } : undefined;
}

/**
 * The ids of the records `named` names, through the request's loader of that key (one statement for
 * every value of every argument naming the same kind of record); BAD_USER_INPUT naming the argument
 * when one does not exist.
 */
async function idsOf(loaders: Loaders, named: NamedRecords): Promise<string[]> {
  const { entity, property, values, argumentName, what } = named;
  const asked = [...new Set(values)];
  const loader = loaders.byKey(entity, property as 'id');
  const records = await Promise.all(asked.map((value) => loader.load(value)));
  const unknown = asked.filter((_value, index) => records[index] === null);
  if (unknown.length > 0) {
    throw unknownValues(argumentName, what, unknown);
  }
  return records.map((record) => record!.id);
}

/**
 * The ids of the records each filter argument names, looked up side by side (a filter naming a
 * programme, a theme and a region waits for one round trip, not three). Fails with BAD_USER_INPUT
 * naming the argument, the first in the order given, that names a record that does not exist, rather
 * than silently matching nothing. Conditions then match on the ids, without looking the names up again.
 */
export async function knownIds<K extends string>(loaders: Loaders, lookups: Partial<Record<K, NamedRecords>>): Promise<Partial<Record<K, string[]>>> {
  const entries = Object.entries(lookups).filter((entry): entry is [K, NamedRecords] => entry[1] !== undefined);
  const outcomes = await Promise.allSettled(entries.map(([, named]) => idsOf(loaders, named)));
  const ids: Partial<Record<K, string[]>> = {};
  outcomes.forEach((outcome, index) => {
    if (outcome.status === 'rejected') throw outcome.reason;
    ids[entries[index][0]] = outcome.value;
  });
  return ids;
}

/**
 * The territories a region reaches, as an SQL array of ids: the territories given, every territory inside
 * them (following `partOf` down, recursively), and every territory that overlaps one of those, as
 * computed in advance in `territory_reach`. Without sub-territories, only the territories given.
 */
export function territoryReachSql(territoryIds: string[], includeSubTerritories: boolean): Condition {
  if (!includeSubTerritories) return { sql: '?::uuid[]', bindings: [territoryIds] };
  return { sql: 'array(select r.reached_id from territory_reach r where r.territory_id = any(?))', bindings: [territoryIds] };
}

/**
 * What ends a word in websearch syntax, where a "-" then starts an exclusion ("a - b", "(-b)", "a &-b").
 * Spaces are the ones PostgreSQL's parser reads as spaces (iswspace, in a database with a locale): every
 * Unicode space but the no-break ones, which join words into a phrase ("1 000 000", "Hauts de France"
 * copied from a French page) and must stay in their word.
 */
const SPACE = /[^\S\u00a0\u2007\u202f\ufeff]/;
const WORD_END = new RegExp(`${SPACE.source}|[()&|!]`);
/** The apostrophes `kb_clean` turns into spaces, which left "l'or" as "l or", read as "l" OR the rest. */
const APOSTROPHE = /['’ʼ]/;

/** A word with an apostrophe as the phrase it is ("d'Or" as "d" followed by "or"), so that no part of it is read as an operator. */
function asTerm(token: string): string {
  return APOSTROPHE.test(token) && !token.includes('"') ? `"${token}"` : token;
}
/** Dashes that phones and word processors put for a typed "-": an exclusion when a word follows at once. */
const TYPOGRAPHIC_DASHES = new Set(['\u2013', '\u2014', '\u2212']);

/**
 * A search text (websearch syntax: words, "quoted phrases", `or`, `-excluded`) split into what is looked
 * for and what is excluded, the excluded terms joined by `or`: a record with any of them is left out.
 * Read as PostgreSQL's websearch_to_tsquery reads it: a "-" where a word may start excludes the word or
 * phrase after it ("a -b", "a - b", "(-b)"), not one inside a word ("Nord-Pas-de-Calais") or inside quotes;
 * an en or em dash or a minus sign directly before a word ("–formation", as phones write "-") excludes too.
 * The words and phrases looked for are kept in order, one space apart: what else the text held (dashes
 * with no word after them, brackets, "&", "|", "!") separates words in websearch syntax and nothing more,
 * but PostgreSQL reads each dash as an operator, and more than 32 of them in a row end the statement with
 * "tsquery stack too small". A word with an apostrophe is sent as a phrase ("d'Or" as "d" then "or"). With
 * exclusions, an "or" left with nothing on one side ("emploi or -formation") goes with them.
 */
export function splitExclusions(text: string): { wanted: string; excluded: string } {
  const wanted: string[] = [];
  const excluded: string[] = [];
  /** A quoted phrase from `from` (at its opening quote) to its closing quote, or to the end. */
  const phraseEnd = (from: number) => {
    const closing = text.indexOf('"', from + 1);
    return closing < 0 ? text.length : closing + 1;
  };
  const wordEnd = (from: number) => {
    let end = from;
    while (end < text.length && !WORD_END.test(text[end])) end++;
    return end;
  };
  let at = 0;
  while (at < text.length) {
    const char = text[at];
    const typographic = TYPOGRAPHIC_DASHES.has(char);
    if (char === '-' || (typographic && at + 1 < text.length && !WORD_END.test(text[at + 1]))) {
      at++;
      while (at < text.length && (text[at] === '-' || SPACE.test(text[at]))) at++;
      const end = text[at] === '"' ? phraseEnd(at) : wordEnd(at);
      if (end > at) excluded.push(asTerm(text.slice(at, end)));
      at = end;
    } else if (WORD_END.test(char) || typographic) {
      at++;
    } else {
      const end = char === '"' ? phraseEnd(at) : wordEnd(at);
      wanted.push(asTerm(text.slice(at, end)));
      at = end;
    }
  }
  if (excluded.length === 0) return { wanted: wanted.join(' '), excluded: '' };
  // "or" alone is a word (French for gold): only an "or" with nothing on one side is dropped.
  const isOr = (word: string | undefined) => word?.toLowerCase() === 'or';
  const kept = wanted.filter((word, index) => !(isOr(word) && (index === 0 || index === wanted.length - 1 || isOr(wanted[index + 1]))));
  return { wanted: kept.join(' '), excluded: excluded.join(' or ') };
}

/** The longest search text taken, in characters: a sentence or two, where a query's words end. */
export const MAX_SEARCH_TEXT_LENGTH = 200;

/** A letter or a digit: what a word has, where a text of punctuation alone ("!!!", "- -") has none. */
const WORD_CHARACTER = /[\p{L}\p{N}]/u;

/**
 * A search text's words to look for, refused (BAD_USER_INPUT naming `argumentName`) when it is longer than
 * MAX_SEARCH_TEXT_LENGTH (PostgreSQL's parser of a text query recurses for each word, and a long text runs
 * out of stack) or has no word to look for: a text that only excludes ("-formation") would match every
 * record that lacks the word, and rank them all, and one of punctuation alone would match nothing.
 */
export function checkSearchText(text: string, argumentName: string): SearchText {
  const trimmed = text.trim();
  if (trimmed.length > MAX_SEARCH_TEXT_LENGTH) {
    throw badUserInput(argumentName, `"${argumentName}" must be at most ${MAX_SEARCH_TEXT_LENGTH} characters; got ${trimmed.length}.`);
  }
  const { wanted, excluded } = splitExclusions(trimmed);
  if (!WORD_CHARACTER.test(wanted)) {
    if (excluded) {
      throw badUserInput(argumentName, `"${argumentName}" only excludes words ("-word"); give at least one word to look for as well.`);
    }
    throw badUserInput(argumentName, `"${argumentName}" must contain at least one word.`);
  }
  return { text: trimmed, wanted, excluded };
}

/** A search text as checked, read once: the text, the words it looks for and the terms it excludes. */
export interface SearchText {
  text: string;
  wanted: string;
  excluded: string;
}

const TEXT_CONFIGS = ['french', 'kb_french', 'kb_dutch', 'kb_english', 'kb_simple'];

/**
 * A text's query in every language at once: French (with and without accents), Dutch and English
 * stemming, and the unstemmed words, as one tsquery whose alternatives are ORed; null when no language
 * finds a word in it. Languages that read the words alike give the same alternative ("welding training"
 * is the same query in four of the five); each alternative is kept once, which halves the index work.
 */
const EVERY_LANGUAGE_SQL = `(select string_agg(distinct '(' || alternative::text || ')', ' | ')::tsquery
      from unnest(array[${TEXT_CONFIGS.map((config) => `websearch_to_tsquery('${config}', kb_clean(?))`).join(', ')}]) as alternative
      where numnode(alternative) > 0)`;

/**
 * A full-text query in every language at once (see EVERY_LANGUAGE_SQL): a record matches when one language's
 * reading of the wanted words matches it whole, and none of the excluded terms matches it in any language.
 * Exclusions are applied once, outside the alternatives: within each, a record escaped an exclusion when
 * any one language read the excluded word differently from the record's text (a French "formations" is
 * "format" to the French stemmer, "formation" to the Dutch one), which was nearly always.
 */
export function textQuerySql({ wanted, excluded }: SearchText): Condition {
  const wantedBindings = TEXT_CONFIGS.map(() => wanted);
  if (!excluded) return { sql: EVERY_LANGUAGE_SQL, bindings: wantedBindings };
  return {
    // No excluded term that any language reads as a word (a stop word): nothing to exclude.
    sql: `(select case when excluded.query is null then wanted.query else wanted.query && !! excluded.query end
      from (select ${EVERY_LANGUAGE_SQL} as query) as wanted, (select ${EVERY_LANGUAGE_SQL} as query) as excluded)`,
    bindings: [...wantedBindings, ...TEXT_CONFIGS.map(() => excluded)],
  };
}

/**
 * That a search document (`documentSql`) has none of a text's excluded terms in any language, or undefined
 * when the text excludes nothing. Terms that no language reads as a word (stop words) exclude nothing.
 */
export function withoutExcludedSql({ excluded }: SearchText, documentSql: string): Condition | undefined {
  if (!excluded) return undefined;
  return { sql: `not coalesce(${documentSql} @@ ${EVERY_LANGUAGE_SQL}, false)`, bindings: TEXT_CONFIGS.map(() => excluded) };
}

/** Records of a type whose search document matches a text. */
export function textMatchCondition(idSql: string, recordType: string, text: SearchText): Condition {
  const query = textQuerySql(text);
  return {
    sql: `${idSql} in (select record_id from search_document where record_type = ? and document @@ ${query.sql})`,
    bindings: [recordType, ...query.bindings!],
    byIds: true,
  };
}

// Amounts are kept with 18 digits, 2 after the point; a bound of more than 30 on either side says nothing
// more, and PostgreSQL refuses past 16,383 after the point.
const DECIMAL = /^-?\d{1,30}(\.\d{1,30})?$/;

export function checkIsoDate(value: string, argumentName: string): string {
  if (!ISO_DAY.test(value) || !isCalendarDay(value)) {
    throw badUserInput(argumentName, `"${argumentName}" must be an ISO date such as "2020-06-30"; got ${quoted(value)}.`);
  }
  return value;
}

export function decimalRangeConditions(sql: string, range: DecimalRange | null | undefined, argumentName: string): Condition[] {
  const conditions: Condition[] = [];
  for (const [end, operator] of [['min', '>='], ['max', '<=']] as const) {
    const value = range?.[end];
    if (value == null) continue;
    if (!DECIMAL.test(value)) {
      throw badUserInput(`${argumentName}.${end}`, `"${argumentName}.${end}" must be a decimal such as "1000000.50", with at most 30 digits before and after the point; got ${quoted(value)}.`);
    }
    conditions.push({ sql: `${sql} ${operator} ?::numeric`, bindings: [value] });
  }
  // A range that ends before it starts matches nothing, and says nothing of why.
  if (range?.min != null && range.max != null && compareDecimals(range.max, range.min) < 0) {
    throw badUserInput(`${argumentName}.max`, `"${argumentName}.max" (${range.max}) is less than the range's min (${range.min}).`);
  }
  return conditions;
}

/** The order of two decimals written as DECIMAL reads them, exactly (a float would round 30 digits). */
export function compareDecimals(a: string, b: string): number {
  const scaled = (value: string) => {
    const [whole, fraction = ''] = value.split('.');
    return BigInt(whole.replace('-', '') + fraction.padEnd(30, '0')) * (value.startsWith('-') ? -1n : 1n);
  };
  const difference = scaled(a) - scaled(b);
  return difference < 0n ? -1 : difference > 0n ? 1 : 0;
}

/**
 * Conditions for the records whose span of years (their first and last year's columns) overlaps a range,
 * refused when the range ends before it starts: { from: 2020, to: 2014 } read as given matched the
 * programmes running over both years, and looked like an answer.
 */
export function yearRangeConditions(range: YearRange | null | undefined, argumentName: string, firstYearSql: string, lastYearSql: string): Condition[] {
  if (range?.from != null && range.to != null && range.to < range.from) {
    throw badUserInput(`${argumentName}.to`, `"${argumentName}.to" (${range.to}) is before the range's from (${range.from}).`);
  }
  const conditions: Condition[] = [];
  if (range?.from != null) conditions.push({ sql: `${lastYearSql} >= ?`, bindings: [range.from] });
  if (range?.to != null) conditions.push({ sql: `${firstYearSql} <= ?`, bindings: [range.to] });
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
  /** Null from a client's nullable variable: English, as when absent. */
  lang: Language | null;
}

/** The `XOrder` input of a list: a field of its own enum, a direction, and the language of names. */
export function OrderInput<F extends string>(fieldEnum: Record<string, F>, typeName: string, records: string) {
  @InputType(`${typeName}Order`, { description: `How to sort ${records}; ties are broken by id, so the order is stable across pages.` })
  class OrderInputType implements Order<F> {
    @Field(() => fieldEnum, { description: 'The field to sort by.' })
    field!: F;

    @Field(() => OrderDirection, { defaultValue: OrderDirection.ASC, description: 'Ascending or descending.' })
    direction!: OrderDirection;

    @Field(() => Language, { nullable: true, defaultValue: Language.EN, description: 'For a name or title: the language whose text is compared; English when absent or null.' })
    lang!: Language | null;
  }
  return OrderInputType;
}

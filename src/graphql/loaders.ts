import type { EntityClass, MetadataStorage, QueryOrderMap } from '@mikro-orm/core';
import DataLoader from 'dataloader';
import { quoteIdentifier } from '../db/database';
import type { Statements } from '../db/statements';
import { rowMapper } from './rows';

interface WithId {
  id: string;
}

/** The id behind a many-to-one property, whether it holds a reference or a loaded entity. */
export function refId(value: { id: string } | string | null | undefined): string | null {
  if (value == null) return null;
  return typeof value === 'string' ? value : value.id;
}

/**
 * Per-request DataLoaders. Every relation the API follows goes through one of these, so that a nested
 * list query costs one SQL statement per relation level, whatever the number of rows.
 *
 * They batch but do not cache: a cache shared by relations that resolve at different moments would make
 * the number of statements depend on which database answer arrives first (a later batch may or may not
 * find its keys already loaded). Without it each relation level costs exactly its own statements, so the
 * count is a function of the query's shape alone, which the tests and the benchmark can hold to.
 */
const BATCH_ONLY = { cache: false } as const;

function literal(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}

/** Nested maps, one level per part of a loader's key. */
type LoaderTree = Map<unknown, LoaderTree | DataLoader<string, unknown>>;

/** The key part of a `where` or `orderBy` object: '' for none, else its JSON (written in the code, small). */
function objectKey(value: object): string {
  for (const _ in value) return JSON.stringify(value);
  return '';
}

export class Loaders {
  private readonly cache: LoaderTree = new Map();

  constructor(
    private readonly metadata: MetadataStorage,
    private readonly sql: Statements,
  ) {}

  /**
   * The request's loader under a key of several parts (a kind, entity classes, property names), created on
   * first use. Looked up part by part rather than under one string: a page asks for its relations once per
   * record, and building and hashing a key string on every call was 2 to 3% of a list page's CPU profile.
   */
  private memo<V>(parts: readonly unknown[], create: () => DataLoader<string, V>): DataLoader<string, V> {
    let level = this.cache;
    for (let index = 0; index < parts.length - 1; index++) {
      let next = level.get(parts[index]) as LoaderTree | undefined;
      if (!next) level.set(parts[index], (next = new Map()));
      level = next;
    }
    const last = parts[parts.length - 1];
    let loader = level.get(last) as DataLoader<string, V> | undefined;
    if (!loader) level.set(last, (loader = create()) as DataLoader<string, unknown>);
    return loader;
  }

  /**
   * Runs one of the loaders' fixed statements, with the batch's keys as one array parameter; its rows come
   * as arrays, the mapped columns first (see rows.ts).
   */
  private async rows(sql: string, keys: readonly string[]): Promise<unknown[][]> {
    const result: { rows: unknown[][] } = await this.sql.prepared(sql, [[...new Set(keys)]], 'arrays');
    return result.rows;
  }

  /** Records by id; a missing id gives null. */
  byId<T extends WithId>(entity: EntityClass<T>): DataLoader<string, T | null> {
    return this.byKey(entity, 'id' as keyof T & string);
  }

  /**
   * The records of these ids that exist, by id. A failed batch rejects (DataLoader's `loadMany` would
   * hand its error back as a value, which a filter on the record type then silently dropped).
   */
  async existing<T extends WithId>(entity: EntityClass<T>, ids: readonly string[]): Promise<Map<string, T>> {
    const loader = this.byId(entity);
    const records: Array<T | null> = await Promise.all([...new Set(ids)].map((id) => loader.load(id)));
    const found = new Map<string, T>();
    for (const record of records) if (record) found.set(record.id, record);
    return found;
  }

  /** Records by a unique property (id, slug, code, key); a missing key gives null. */
  byKey<T extends WithId>(entity: EntityClass<T>, property: keyof T & string): DataLoader<string, T | null> {
    return this.memo(['byKey', entity, property], () => {
      const mapper = rowMapper(this.metadata, entity);
      const column = mapper.column(property);
      const keyAt = mapper.position(property);
      const sql = `select ${mapper.selectList()} from ${quoteIdentifier(mapper.table)} where ${quoteIdentifier(column)} = any(?)`;
      return new DataLoader<string, T | null>(async (keys) => {
        const records = new Map<unknown, T>();
        for (const row of await this.rows(sql, keys)) records.set(row[keyAt], mapper.map(row));
        return keys.map((key) => records.get(key) ?? null);
      }, BATCH_ONLY);
    });
  }

  /**
   * Every record whose `property` (a many-to-one) points at the key, in `orderBy` order; with `where`,
   * only those whose columns hold those values (written by the code, not by clients: they become part of
   * the statement's text).
   */
  byOwner<T extends WithId>(
    entity: EntityClass<T>,
    property: keyof T & string,
    orderBy: QueryOrderMap<T> = {},
    where: Partial<Record<keyof T & string, string>> = {},
  ): DataLoader<string, T[]> {
    return this.memo(['byOwner', entity, property, objectKey(orderBy), objectKey(where)], () => {
      const mapper = rowMapper(this.metadata, entity);
      const column = mapper.column(property);
      const order = Object.entries({ ...orderBy, id: 'asc' }).map(([key, direction]) => `${quoteIdentifier(mapper.column(key))} ${sqlDirection(direction)}`);
      const conditions = Object.entries(where).map(([key, value]) => ` and ${quoteIdentifier(mapper.column(key))} = ${literal(String(value))}`);
      const sql = `select ${mapper.selectList()} from ${quoteIdentifier(mapper.table)} where ${quoteIdentifier(column)} = any(?)${conditions.join('')} order by ${order.join(', ')}`;
      const ownerAt = mapper.position(property);
      return new DataLoader<string, T[]>(async (ownerIds) => {
        const groups = new Map<unknown, T[]>(ownerIds.map((id) => [id, []]));
        // Without a cache one batch may hold the same key twice; each gets the same rows.
        for (const row of await this.rows(sql, ownerIds)) groups.get(row[ownerAt])?.push(mapper.map(row));
        return ownerIds.map((id) => groups.get(id)!);
      }, BATCH_ONLY);
    });
  }

  /**
   * Records reached through a link table: `link` rows whose `from` points at the key (and, when given,
   * whose `where` columns hold the given values), joined to their `to` record, in `orderBy` order of the
   * records' columns, then in link order (a link's id, which says nothing to a reader). One statement per
   * level for the whole batch.
   */
  through<L extends WithId, T extends WithId>(
    link: EntityClass<L>,
    from: keyof L & string,
    to: keyof L & string,
    target: EntityClass<T>,
    where: Partial<Record<keyof L & string, string>> = {},
    orderBy: QueryOrderMap<T> = {},
  ): DataLoader<string, T[]> {
    return this.memo(['through', link, from, to, target, objectKey(where), objectKey(orderBy)], () => {
      const links = rowMapper(this.metadata, link);
      const targets = rowMapper(this.metadata, target);
      const fromColumn = quoteIdentifier(links.column(from));
      // The values of `where` come from the code, never from a request: they are written into the text.
      const conditions = Object.entries(where).map(([property, value]) => ` and l.${quoteIdentifier(links.column(property))} = ${literal(value as string)}`);
      const order = Object.entries(orderBy).map(([property, direction]) => `t.${quoteIdentifier(targets.column(property))} ${sqlDirection(direction)}`);
      const sql =
        `select ${targets.selectList('t')}, l.${fromColumn} as "__owner" from ${quoteIdentifier(links.table)} as l join ${quoteIdentifier(targets.table)} as t on t.id = l.${quoteIdentifier(links.column(to))}` +
        ` where l.${fromColumn} = any(?)${conditions.join('')} order by ${[`l.${fromColumn}`, ...order, 'l.id'].join(', ')}`;
      return new DataLoader<string, T[]>(async (ownerIds) => {
        const groups = new Map<unknown, T[]>(ownerIds.map((id) => [id, []]));
        // The owner is selected right after the target's columns.
        for (const row of await this.rows(sql, ownerIds)) groups.get(row[targets.width])?.push(targets.map(row));
        return ownerIds.map((id) => groups.get(id)!);
      }, BATCH_ONLY);
    });
  }

  /** A loader of any shape, created once per request under `key`. */
  custom<V>(key: string, batch: (keys: readonly string[]) => Promise<V[]>): DataLoader<string, V> {
    return this.memo(['custom', key], () => new DataLoader<string, V>(batch, BATCH_ONLY));
  }
}

/** An order map's direction as SQL: 'desc', 'DESC' and QueryOrderNumeric's -1 alike (anything else ascends). */
function sqlDirection(direction: unknown): 'asc' | 'desc' {
  return direction === -1 || String(direction).toLowerCase() === 'desc' ? 'desc' : 'asc';
}

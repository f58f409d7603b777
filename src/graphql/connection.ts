import type { EntityClass, FilterQuery, QueryOrderMap } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { ArgsType, ClassType, Field, Int, ObjectType } from 'type-graphql';
import { badUserInput } from './errors';

@ArgsType()
export class ConnectionArgs {
  @Field(() => Int, { nullable: true, description: 'Return the first n records after `after` (at most the page size cap).' })
  first?: number | null;

  @Field(() => String, { nullable: true, description: 'Cursor of the record to start after (from `pageInfo.endCursor`).' })
  after?: string | null;

  @Field(() => Int, { nullable: true, description: 'Return the last n records before `before` (at most the page size cap).' })
  last?: number | null;

  @Field(() => String, { nullable: true, description: 'Cursor of the record to end before (from `pageInfo.startCursor`).' })
  before?: string | null;
}

@ObjectType({ description: 'Where a page sits in a list (Relay cursor connections).' })
export class PageInfo {
  @Field({ description: 'True when records follow this page.' })
  hasNextPage!: boolean;

  @Field({ description: 'True when records precede this page.' })
  hasPreviousPage!: boolean;

  @Field(() => String, { nullable: true, description: 'Cursor of the first record of the page.' })
  startCursor!: string | null;

  @Field(() => String, { nullable: true, description: 'Cursor of the last record of the page.' })
  endCursor!: string | null;
}

export interface Edge<T> {
  cursor: string;
  node: T;
}

/** A page of records; `totalCount` runs its count query only when a client asks for it. */
export class ConnectionResult<T> {
  constructor(
    readonly edges: Edge<T>[],
    readonly pageInfo: PageInfo,
    private readonly count: () => Promise<number>,
  ) {}

  get totalCount(): Promise<number> {
    return this.count();
  }
}

/** The GraphQL `XConnection` and `XEdge` types of a node type. */
export function Connection<T extends object>(node: ClassType<T>, typeName: string) {
  @ObjectType(`${typeName}Edge`, { description: `A ${typeName} in a page, with its cursor.` })
  class EdgeType {
    @Field({ description: 'Opaque cursor of this record, for `after`/`before`.' })
    cursor!: string;

    @Field(() => node, { description: `The ${typeName}.` })
    node!: T;
  }

  @ObjectType(`${typeName}Connection`, { description: `A page of ${typeName} records (Relay cursor connection).` })
  class ConnectionType {
    @Field(() => [EdgeType], { description: 'The records of this page, each with its cursor.' })
    edges!: EdgeType[];

    @Field(() => PageInfo, { description: 'Where this page sits in the whole list.' })
    pageInfo!: PageInfo;

    @Field(() => Int, { description: 'The number of records in the whole list, across all pages.' })
    totalCount!: number;
  }
  return ConnectionType;
}

/** One sort key: an entity property with a direction. The id is always appended as the tie-break. */
export interface SortKey<T> {
  property: keyof T & string;
  direction: 'asc' | 'desc';
}

function encodeCursor(values: unknown[]): string {
  return Buffer.from(JSON.stringify(values), 'utf8').toString('base64url');
}

function decodeCursor(cursor: string, length: number, argument: string): unknown[] {
  try {
    const values = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(values) && values.length === length) return values;
  } catch {
    // fall through to the error below
  }
  throw badUserInput(argument, `"${argument}" is not a cursor of this list; use a cursor from its edges or pageInfo.`);
}

/**
 * The records strictly after (or before) a cursor in the sort order: for keys (a, b, id) after
 * (x, y, z) that is a > x, or a = x and b > y, or a = x and b = y and id > z (flipped for desc).
 */
function keysetCondition<T>(keys: SortKey<T>[], values: unknown[], forward: boolean): FilterQuery<T> {
  const alternatives = keys.map((key, index) => {
    const ascending = (key.direction === 'asc') === forward;
    const condition: Record<string, unknown> = {};
    keys.slice(0, index).forEach((earlier, earlierIndex) => (condition[earlier.property] = values[earlierIndex]));
    condition[key.property] = { [ascending ? '$gt' : '$lt']: values[index] };
    return condition;
  });
  return { $or: alternatives } as FilterQuery<T>;
}

export interface PaginateOptions<T> {
  where: FilterQuery<T>;
  sort: SortKey<T>[];
  args: ConnectionArgs;
  maxPageSize: number;
  defaultPageSize?: number;
}

/** Checks first/last against the cap and each other, and returns the page size and direction. */
export function pageRequest(args: ConnectionArgs, maxPageSize: number, defaultPageSize = 20): { size: number; forward: boolean } {
  const { first, last } = args;
  if (first != null && last != null) {
    throw badUserInput('first', 'Pass either "first" (with "after") or "last" (with "before"), not both.');
  }
  for (const [name, value] of [['first', first], ['last', last]] as const) {
    if (value != null && (value < 0 || value > maxPageSize)) {
      throw badUserInput(name, `"${name}" must be between 0 and ${maxPageSize} (the page size cap); got ${value}.`);
    }
  }
  if (last != null || (first == null && args.before != null && args.after == null)) {
    return { size: last ?? defaultPageSize, forward: false };
  }
  return { size: first ?? defaultPageSize, forward: true };
}

/** Keyset pagination: stable under inserts, and each page costs one indexed query (plus one to count). */
export async function paginate<T extends { id: string }>(
  em: EntityManager,
  entity: EntityClass<T>,
  options: PaginateOptions<T>,
): Promise<ConnectionResult<T>> {
  const { size, forward } = pageRequest(options.args, options.maxPageSize, options.defaultPageSize);
  const keys: SortKey<T>[] = [...options.sort, { property: 'id' as keyof T & string, direction: 'asc' }];
  const conditions: FilterQuery<T>[] = [options.where];
  if (options.args.after) {
    conditions.push(keysetCondition(keys, decodeCursor(options.args.after, keys.length, 'after'), true));
  }
  if (options.args.before) {
    conditions.push(keysetCondition(keys, decodeCursor(options.args.before, keys.length, 'before'), false));
  }
  const orderBy = Object.fromEntries(
    keys.map((key) => [key.property, (key.direction === 'asc') === forward ? 'asc' : 'desc']),
  ) as QueryOrderMap<T>;
  const rows =
    size === 0 ? [] : await em.find(entity, { $and: conditions } as FilterQuery<T>, { orderBy, limit: size + 1 });
  const hasMore = rows.length > size;
  const page = rows.slice(0, size);
  if (!forward) page.reverse();
  const edges = page.map((node) => ({
    cursor: encodeCursor(keys.map((key) => node[key.property])),
    node,
  }));
  const pageInfo: PageInfo = {
    hasNextPage: forward ? hasMore : options.args.before != null,
    hasPreviousPage: forward ? options.args.after != null : hasMore,
    startCursor: edges[0]?.cursor ?? null,
    endCursor: edges[edges.length - 1]?.cursor ?? null,
  };
  let total: Promise<number> | undefined;
  return new ConnectionResult(edges, pageInfo, () => (total ??= em.count(entity, options.where)));
}

/** A whole table as a connection, in `sort` order: the unfiltered lists of the API. */
export function listAll<T extends { id: string }>(
  context: { em: EntityManager; config: { maxPageSize: number } },
  entity: EntityClass<T>,
  sort: SortKey<T>[],
  args: ConnectionArgs,
): Promise<ConnectionResult<T>> {
  return paginate(context.em, entity, { where: {} as FilterQuery<T>, sort, args, maxPageSize: context.config.maxPageSize });
}

import type { EntityClass, QueryOrderMap } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import DataLoader from 'dataloader';
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
export class Loaders {
  private readonly cache = new Map<string, DataLoader<string, unknown>>();

  constructor(private readonly em: EntityManager) {}

  private memo<V>(key: string, create: () => DataLoader<string, V>): DataLoader<string, V> {
    let loader = this.cache.get(key);
    if (!loader) {
      loader = create() as DataLoader<string, unknown>;
      this.cache.set(key, loader);
    }
    return loader as DataLoader<string, V>;
  }

  /** Records by id; a missing id gives null. */
  byId<T extends WithId>(entity: EntityClass<T>): DataLoader<string, T | null> {
    return this.memo(`byId:${entity.name}`, () =>
      new DataLoader<string, T | null>(async (ids) => {
        const mapper = rowMapper(this.em, entity);
        const rows = (await this.em.getKnex().from(mapper.table).whereIn('id', [...new Set(ids)])).map(mapper.map);
        const byId = new Map(rows.map((row) => [row.id, row]));
        return ids.map((id) => byId.get(id) ?? null);
      }, BATCH_ONLY),
    );
  }

  /** Every record whose `property` (a many-to-one) points at the key, in `orderBy` order. */
  byOwner<T extends WithId>(entity: EntityClass<T>, property: keyof T & string, orderBy: QueryOrderMap<T> = {}): DataLoader<string, T[]> {
    return this.memo(`byOwner:${entity.name}.${property}:${JSON.stringify(orderBy)}`, () =>
      new DataLoader<string, T[]>(async (ownerIds) => {
        const mapper = rowMapper(this.em, entity);
        const query = this.em.getKnex().from(mapper.table).whereIn(mapper.column(property), [...new Set(ownerIds)]);
        for (const [key, direction] of Object.entries({ ...orderBy, id: 'asc' })) query.orderBy(mapper.column(key), String(direction));
        const rows = (await query).map(mapper.map);
        const groups = new Map<string, T[]>(ownerIds.map((id) => [id, []]));
        // Without a cache one batch may hold the same key twice; each gets the same rows.
        for (const row of rows) {
          groups.get(refId(row[property] as unknown as { id: string }) as string)?.push(row);
        }
        return ownerIds.map((id) => groups.get(id)!);
      }, BATCH_ONLY),
    );
  }

  /**
   * Records reached through a link table: `link` rows whose `from` points at the key, joined to their
   * `to` record, in link order. One statement per level for the whole batch.
   */
  through<L extends WithId, T extends WithId>(
    link: EntityClass<L>,
    from: keyof L & string,
    to: keyof L & string,
    target: EntityClass<T>,
  ): DataLoader<string, T[]> {
    return this.memo(`through:${link.name}.${from}->${to}`, () =>
      new DataLoader<string, T[]>(async (ownerIds) => {
        const links = rowMapper(this.em, link);
        const targets = rowMapper(this.em, target);
        const fromColumn = links.column(from);
        const rows: Array<Record<string, unknown>> = await this.em
          .getKnex()
          .from({ l: links.table })
          .join({ t: targets.table }, 't.id', `l.${links.column(to)}`)
          .whereIn(`l.${fromColumn}`, [...new Set(ownerIds)])
          .orderBy([`l.${fromColumn}`, 'l.id'])
          .select('t.*', { __owner: `l.${fromColumn}` });
        const groups = new Map<string, T[]>(ownerIds.map((id) => [id, []]));
        for (const row of rows) groups.get(row.__owner as string)?.push(targets.map(row));
        return ownerIds.map((id) => groups.get(id)!);
      }, BATCH_ONLY),
    );
  }

  /** A loader of any shape, created once per request under `key`. */
  custom<V>(key: string, batch: (keys: readonly string[]) => Promise<V[]>): DataLoader<string, V> {
    return this.memo(`custom:${key}`, () => new DataLoader<string, V>(batch, BATCH_ONLY));
  }
}

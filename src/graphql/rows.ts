import { EntityClass, EntityMetadata, EntityProperty, ReferenceKind } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';

/**
 * Reads database rows into instances of the entity classes without the ORM's unit of work: the API
 * only reads, and hydrating managed entities (identity map, references, change tracking) was the
 * largest cost of a list request. Many-to-one properties hold the referenced id (what `refId` reads),
 * and instances keep their class, so `instanceof` and GraphQL type resolution still work.
 */
export interface RowMapper<T> {
  table: string;
  /** The column of a property (a many-to-one property's foreign key column). */
  column(property: string): string;
  map(row: Record<string, unknown>): T;
}

const mappers = new WeakMap<EntityMetadata, RowMapper<unknown>>();

export function rowMapper<T extends object>(em: EntityManager, entity: EntityClass<T>): RowMapper<T> {
  const meta = em.getMetadata().find(entity)!;
  let mapper = mappers.get(meta) as RowMapper<T> | undefined;
  if (!mapper) {
    const columns = (Object.values(meta.properties) as EntityProperty[])
      .filter((property) => property.kind === ReferenceKind.SCALAR || property.kind === ReferenceKind.MANY_TO_ONE)
      .filter((property) => property.fieldNames?.length === 1 && property.persist !== false)
      .map((property) => [property.name, property.fieldNames[0]] as const);
    const byProperty = new Map(columns);
    const prototype = entity.prototype;
    mapper = {
      table: meta.tableName,
      column: (property) => {
        const column = byProperty.get(property);
        if (!column) throw new Error(`${meta.className} has no column for ${property}`);
        return column;
      },
      map: (row) => {
        // Own data properties: the ORM defines accessors on entity prototypes, and going through them
        // for every field of every row cost more than the rest of the mapping.
        const descriptors: PropertyDescriptorMap = {};
        for (const [property, column] of columns) {
          descriptors[property] = { value: row[column] ?? null, writable: true, enumerable: true, configurable: true };
        }
        return Object.create(prototype, descriptors) as T;
      },
    };
    mappers.set(meta, mapper as RowMapper<unknown>);
  }
  return mapper;
}

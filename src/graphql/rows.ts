import { EntityClass, EntityMetadata, EntityProperty, MetadataStorage, ReferenceKind } from '@mikro-orm/core';
import { quoteIdentifier } from '../db/database';

/**
 * Reads database rows into instances of the entity classes without the ORM's unit of work: the API
 * only reads, and hydrating managed entities (identity map, references, change tracking) was the
 * largest cost of a list request. Many-to-one properties hold the referenced id (what `refId` reads),
 * and instances keep their class, so `instanceof` and GraphQL type resolution still work.
 *
 * Rows come as arrays (statements sent with `'arrays'`, see prepared.ts): the mapped columns first, in
 * `selectList` order, then whatever the statement selects after them, from position `width` on.
 */
export interface RowMapper<T> {
  table: string;
  /** The column of a property (a many-to-one property's foreign key column). */
  column(property: string): string;
  /**
   * The select list of the mapped columns, optionally qualified by a table alias. Named, not `*`: a
   * prepared statement whose `*` gained a column (a migration under a running server) would fail with
   * "cached plan must not change result type".
   */
  selectList(alias?: string): string;
  /** The number of mapped columns: a statement's own extra columns start at this position. */
  width: number;
  /** The position of a property's column in the select list. */
  position(property: string): number;
  map(row: readonly unknown[]): T;
}

/** Each entity's mappers, by the properties they leave out ('' for none). */
const mappers = new WeakMap<EntityMetadata, Map<string, RowMapper<unknown>>>();

/**
 * The mapper of an entity's rows, of every column, or of all but the properties in `leaveOut`: a record
 * read without them lacks them (undefined), so only a reader that needs none of them may ask for that.
 */
export function rowMapper<T extends object>(metadata: MetadataStorage, entity: EntityClass<T>, leaveOut: readonly (keyof T & string)[] = []): RowMapper<T> {
  const meta = metadata.find(entity)!;
  let byOmission = mappers.get(meta);
  if (!byOmission) mappers.set(meta, (byOmission = new Map()));
  const omissionKey = leaveOut.join(',');
  let mapper = byOmission.get(omissionKey) as RowMapper<T> | undefined;
  if (!mapper) {
    const omitted = new Set<string>(leaveOut);
    const columns = (Object.values(meta.properties) as EntityProperty[])
      .filter((property) => property.kind === ReferenceKind.SCALAR || property.kind === ReferenceKind.MANY_TO_ONE)
      // Generated columns (the lists' sort keys, db/indexes.ts) are PostgreSQL's to compute, never a record's.
      .filter((property) => property.fieldNames?.length === 1 && property.persist !== false && !property.generated && !omitted.has(property.name))
      .map((property) => [property.name, property.fieldNames[0]] as const);
    for (const property of omitted) {
      const declared = meta.properties[property as keyof typeof meta.properties] as EntityProperty | undefined;
      if (!declared) throw new Error(`${meta.className} has no property ${property}`);
      // Ids and references are what records are found and followed by (`id`, `refId`): never left out.
      if (declared.primary || declared.kind !== ReferenceKind.SCALAR) throw new Error(`${meta.className}.${property} cannot be left out of a row`);
    }
    const byProperty = new Map(columns);
    const positions = new Map(columns.map(([property], index) => [property, index]));
    const prototype = entity.prototype;
    const properties = columns.map(([property]) => property);
    const columnNames = columns.map(([, column]) => column);
    const quoted = columnNames.map(quoteIdentifier);
    const selectLists = new Map<string, string>();
    mapper = {
      table: meta.tableName,
      // Built once per alias: a page builds its statement on every request.
      selectList: (alias = '') => {
        let list = selectLists.get(alias);
        if (list === undefined) selectLists.set(alias, (list = (alias ? quoted.map((column) => `${alias}.${column}`) : quoted).join(', ')));
        return list;
      },
      column: (property) => {
        const column = byProperty.get(property);
        if (!column) throw new Error(`${meta.className} has no column for ${property}`);
        return column;
      },
      width: columns.length,
      position: (property) => {
        const position = positions.get(property);
        if (position === undefined) throw new Error(`${meta.className} has no column for ${property}`);
        return position;
      },
      map: (row) => {
        // Own data properties on a plain object, then the entity's prototype: the ORM defines accessors on
        // entity prototypes, so assigning through them (or defining properties by descriptor, which
        // leaves objects in V8's slow dictionary mode) cost 4 µs a row against 0.3 µs this way.
        const record: Record<string, unknown> = {};
        for (let index = 0; index < properties.length; index++) record[properties[index]] = row[index] ?? null;
        return Object.setPrototypeOf(record, prototype) as T;
      },
    };
    byOmission.set(omissionKey, mapper as RowMapper<unknown>);
  }
  return mapper;
}

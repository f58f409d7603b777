import { Entity, Enum, Index, ManyToOne, PrimaryKey, Property, Unique } from '@mikro-orm/core';
import type { Rel } from '@mikro-orm/core';
import { Field, Int, ObjectType, registerEnumType } from 'type-graphql';
import { localisedSortKeys, SortKeys } from '../../db/indexes';
import { Node } from '../../graphql/node';
import type { LocalisedText } from '../common/localised';

export enum TerritoryLevel {
  NUTS0 = 'NUTS0',
  NUTS1 = 'NUTS1',
  NUTS2 = 'NUTS2',
  NUTS3 = 'NUTS3',
  LOCALITY = 'LOCALITY',
  AREA = 'AREA',
}
registerEnumType(TerritoryLevel, {
  name: 'TerritoryLevel',
  description: 'The level of a territory: a NUTS level, or a place outside the NUTS classification.',
  valuesConfig: {
    NUTS0: { description: 'A country.' },
    NUTS1: { description: 'A major socio-economic region (Hauts-de-France, Région wallonne).' },
    NUTS2: { description: 'A basic region (Nord-Pas de Calais, Prov. West-Vlaanderen).' },
    NUTS3: { description: 'A small region (Nord, Arr. Kortrijk).' },
    LOCALITY: { description: 'A city or town.' },
    AREA: { description: 'An area outside NUTS that may cross levels and borders (Eurométropole, Côte d’Opale).' },
  },
});

export enum TerritoryRelation {
  PART_OF = 'PART_OF',
  OVERLAPS = 'OVERLAPS',
}

@ObjectType({
  implements: Node,
  description:
    'A place: a NUTS unit, a city, or an area outside NUTS. Territories form a graph: `partOf` edges and ' +
    '`overlaps` edges (the Eurométropole overlaps Nord, Kortrijk and Tournai-Mouscron).',
})
@Entity({ tableName: 'territory' })
// The list's sort by name (Migration20261127170000).
@SortKeys('territory', localisedSortKeys('name', 'names'), { indexed: true })
// Territories of a country at a level (Migration20261126150000).
@Index({ name: 'territory_country_level', properties: ['country', 'level'] })
export class Territory {
  static readonly typename = 'Territory';

  @PrimaryKey({ type: 'uuid' })
  id!: string;

  @Field({ description: 'NUTS code ("BE25") or, for places outside NUTS, a slug ("cote-d-opale").' })
  @Property({ type: 'text', unique: true })
  code!: string;

  @Field(() => Int, { nullable: true, description: 'Version of the NUTS classification the code belongs to (2021); null outside NUTS.' })
  @Property({ type: 'integer', nullable: true })
  nutsVersion?: number | null;

  @Field(() => TerritoryLevel, { description: 'NUTS level, or LOCALITY/AREA outside NUTS.' })
  @Enum({ items: () => TerritoryLevel })
  level!: TerritoryLevel;

  @Property({ type: 'json' })
  names!: LocalisedText;

  @Field(() => [String], { description: 'Other names the territory goes by ("Wallonie" for the Région wallonne).' })
  @Property({ type: 'json' })
  aliases: string[] = [];

  @Field(() => String, { nullable: true, description: 'ISO 3166-1 alpha-2 country code; null for areas that cross borders.' })
  @Property({ type: 'text', nullable: true })
  country?: string | null;

  @Property({ type: 'json', nullable: true })
  externalIds?: Record<string, string> | null;
}

/** A directed edge of the territory graph. OVERLAPS edges are stored once and read in both directions. */
@Entity({ tableName: 'territory_edge' })
@Unique({ properties: ['from', 'to', 'relation'] })
// Walks along one relation, upwards and downwards (Migration20261126150000).
@Index({ name: 'territory_edge_from_relation', properties: ['from', 'relation'] })
@Index({ name: 'territory_edge_to_relation', properties: ['to', 'relation'] })
export class TerritoryEdge {
  @PrimaryKey({ type: 'uuid' })
  id!: string;

  @ManyToOne({ entity: () => Territory, deleteRule: 'cascade', index: true })
  from!: Rel<Territory>;

  @ManyToOne({ entity: () => Territory, deleteRule: 'cascade', index: true })
  to!: Rel<Territory>;

  @Enum({ items: () => TerritoryRelation })
  relation!: TerritoryRelation;
}

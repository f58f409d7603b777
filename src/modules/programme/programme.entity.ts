import { Entity, Enum, ManyToOne, PrimaryKey, Property, Unique } from '@mikro-orm/core';
import type { Rel } from '@mikro-orm/core';
import { Field, Int, ObjectType, registerEnumType } from 'type-graphql';
import { localisedSortKeys, SortKeys } from '../../db/indexes';
import { Node } from '../../graphql/node';
import type { LocalisedText } from '../common/localised';
import { Organisation } from '../organisation/organisation.entity';
import { Territory } from '../territory/territory.entity';

export enum ProgrammeKind {
  CROSS_BORDER = 'CROSS_BORDER',
  TRANSNATIONAL = 'TRANSNATIONAL',
  INTERREGIONAL = 'INTERREGIONAL',
}
registerEnumType(ProgrammeKind, {
  name: 'ProgrammeKind',
  description: 'The strand of Interreg a programme belongs to.',
  valuesConfig: {
    CROSS_BORDER: { description: 'Interreg A: neighbouring regions across a border.' },
    TRANSNATIONAL: { description: 'Interreg B: large areas spanning several countries.' },
    INTERREGIONAL: { description: 'Interreg C: networks across the whole Union.' },
  },
});

export enum Fund {
  ERDF = 'ERDF',
  ESF = 'ESF',
  NATIONAL = 'NATIONAL',
  REGIONAL = 'REGIONAL',
  PRIVATE = 'PRIVATE',
  ALL = 'ALL',
}
registerEnumType(Fund, {
  name: 'Fund',
  description: 'Where money comes from.',
  valuesConfig: {
    ERDF: { description: 'European Regional Development Fund (FEDER in French, EFRO in Dutch).' },
    ESF: { description: 'European Social Fund.' },
    NATIONAL: { description: 'National public co-financing.' },
    REGIONAL: { description: 'Regional public co-financing.' },
    PRIVATE: { description: 'Private co-financing.' },
    ALL: { description: 'Every source together (a total budget).' },
  },
});

@ObjectType({ implements: Node, description: 'An Interreg programme for one period, e.g. Interreg V France-Wallonie-Vlaanderen (2014-2020).' })
@Entity({ tableName: 'programme' })
// The list's sort by name, of a table small enough to sort whole (Migration20261127170000).
@SortKeys('programme', localisedSortKeys('name', 'names'), { indexed: false })
export class Programme {
  static readonly typename = 'Programme';

  @PrimaryKey({ type: 'uuid' })
  id!: string;

  @Field({ description: 'Stable natural key, e.g. "interreg-v-fwvl".' })
  @Property({ type: 'text', unique: true })
  slug!: string;

  @Field(() => String, { nullable: true, description: 'The Commission’s CCI code, e.g. "2014TC16RFCB044".' })
  @Property({ type: 'text', nullable: true })
  cciCode?: string | null;

  @Property({ type: 'json' })
  names!: LocalisedText;

  @Field(() => Int, { description: 'First year of the programming period.' })
  @Property({ type: 'integer' })
  startYear!: number;

  @Field(() => Int, { description: 'Last year of the programming period.' })
  @Property({ type: 'integer' })
  endYear!: number;

  @Field(() => ProgrammeKind, { description: 'Cross-border, transnational or interregional.' })
  @Enum({ items: () => ProgrammeKind })
  kind!: ProgrammeKind;

  @Field(() => [Fund], { description: 'Where the programme’s money comes from: the EU funds it draws on (ERDF, ESF), and national, regional or private co-financing where the sources name it.' })
  @Property({ type: 'json' })
  funds: Fund[] = [];

  @ManyToOne({ entity: () => Organisation, nullable: true, deleteRule: 'set null', index: true })
  managingAuthority?: Rel<Organisation> | null;

  @ManyToOne({ entity: () => Programme, nullable: true, deleteRule: 'set null', index: true })
  predecessor?: Rel<Programme> | null;

  @Field(() => Int, { nullable: true, description: 'Inhabitants of the programme area (preferred claim; see `claims(field: "population")`).' })
  @Property({ type: 'integer', nullable: true })
  population?: number | null;

  @Field(() => Int, { nullable: true, description: 'Area of the programme in square kilometres.' })
  @Property({ type: 'integer', nullable: true })
  areaKm2?: number | null;

  @Field(() => Int, { nullable: true, description: 'Number of border regions the programme covers, as its sources count them.' })
  @Property({ type: 'integer', nullable: true })
  borderRegionCount?: number | null;

  @Field(() => String, { nullable: true, description: 'Date the programme closed (ISO date).' })
  @Property({ type: 'text', nullable: true })
  closedOn?: string | null;

  @Field(() => Int, { nullable: true, description: 'Number of projects (and micro-projects) the programme reports having funded.' })
  @Property({ type: 'integer', nullable: true })
  reportedProjectCount?: number | null;
}

/**
 * A region a programme's documents say it covers ("Hauts-de-France and Grand Est, Wallonia and Flanders"):
 * how a reader names its area, coarser than its eligible territories, which are the exact units.
 */
@Entity({ tableName: 'programme_region' })
@Unique({ properties: ['programme', 'territory'] })
export class ProgrammeRegion {
  @PrimaryKey({ type: 'uuid' })
  id!: string;

  @ManyToOne({ entity: () => Programme, deleteRule: 'cascade', index: true })
  programme!: Rel<Programme>;

  @ManyToOne({ entity: () => Territory, deleteRule: 'cascade', index: true })
  territory!: Rel<Territory>;
}

/** A territory eligible under a programme. */
@Entity({ tableName: 'programme_territory' })
@Unique({ properties: ['programme', 'territory'] })
export class ProgrammeTerritory {
  @PrimaryKey({ type: 'uuid' })
  id!: string;

  @ManyToOne({ entity: () => Programme, deleteRule: 'cascade', index: true })
  programme!: Rel<Programme>;

  @ManyToOne({ entity: () => Territory, deleteRule: 'cascade', index: true })
  territory!: Rel<Territory>;
}

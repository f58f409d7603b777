import { Check, Entity, Enum, ManyToOne, PrimaryKey, Property, Unique } from '@mikro-orm/core';
import type { Rel } from '@mikro-orm/core';
import { Field, ObjectType, registerEnumType } from 'type-graphql';
import { Node } from '../../graphql/node';
import type { LocalisedText } from '../common/localised';
import { Organisation } from '../organisation/organisation.entity';
import { Programme } from '../programme/programme.entity';
import { Project } from '../project/project.entity';

export enum OutcomeKind {
  ACHIEVED = 'ACHIEVED',
  TARGET = 'TARGET',
}
registerEnumType(OutcomeKind, {
  name: 'OutcomeKind',
  description: 'Whether an indicator reports what was achieved or what was aimed at.',
  valuesConfig: {
    ACHIEVED: { description: 'A result reported as reached.' },
    TARGET: { description: 'An expected or planned result.' },
  },
});

/** One line of an outcome's breakdown: 69 French trainees within 89. */
export interface OutcomeBreakdownRow {
  dimension: string;
  key: string;
  labels: LocalisedText;
  value: string;
}

@ObjectType({ implements: Node, description: 'An indicator a project or programme reports: trainees, placement rate, sessions held, jobs created.' })
@Entity({ tableName: 'outcome' })
@Check({ name: 'outcome_one_owner', expression: '(programme_id is not null)::int + (project_id is not null)::int = 1' })
export class Outcome {
  static readonly typename = 'Outcome';

  @PrimaryKey({ type: 'uuid' })
  id!: string;

  @ManyToOne({ entity: () => Project, nullable: true, deleteRule: 'cascade', index: true })
  project?: Rel<Project> | null;

  @ManyToOne({ entity: () => Programme, nullable: true, deleteRule: 'cascade', index: true })
  programme?: Rel<Programme> | null;

  @Field({ description: 'What is measured, as a stable key ("trainees", "placement-rate").' })
  @Property({ type: 'text' })
  indicator!: string;

  @Property({ type: 'json' })
  labels!: LocalisedText;

  @Field(() => OutcomeKind, { description: 'Achieved or target.' })
  @Enum({ items: () => OutcomeKind })
  kind!: OutcomeKind;

  @Field({ description: 'The value as an exact decimal string ("89", "79").' })
  @Property({ type: 'decimal', precision: 18, scale: 4 })
  value!: string;

  @Field({ description: 'Unit of the value ("person", "percent", "session").' })
  @Property({ type: 'text' })
  unit!: string;

  @Field({ description: 'True when the source gives a rounded figure.' })
  @Property({ type: 'boolean', default: false })
  approximate: boolean = false;

  @Field(() => String, { nullable: true, description: 'Date the value holds for, as precise as known ("2021-05").' })
  @Property({ type: 'text', nullable: true })
  asOf?: string | null;

  @Property({ type: 'json' })
  breakdown: OutcomeBreakdownRow[] = [];

  /** What a source says of the outcome beside its figure, each a multilingual text with claims (field "notes"). */
  @Property({ type: 'json' })
  notes: LocalisedText[] = [];
}

/** An organisation an outcome involves, e.g. employers that hired trainees. Not a project partner. */
@Entity({ tableName: 'outcome_organisation' })
@Unique({ properties: ['outcome', 'organisation'] })
export class OutcomeOrganisation {
  @PrimaryKey({ type: 'uuid' })
  id!: string;

  @ManyToOne({ entity: () => Outcome, deleteRule: 'cascade', index: true })
  outcome!: Rel<Outcome>;

  @ManyToOne({ entity: () => Organisation, deleteRule: 'cascade', index: true })
  organisation!: Rel<Organisation>;

  @Property({ type: 'text' })
  relation!: string;
}

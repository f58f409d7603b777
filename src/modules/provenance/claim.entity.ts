import { Entity, Enum, Index, ManyToOne, PrimaryKey, Property } from '@mikro-orm/core';
import type { Rel } from '@mikro-orm/core';
import { Field, Int, ObjectType, registerEnumType } from 'type-graphql';
import { unknownValues } from '../../graphql/errors';
import { Node } from '../../graphql/node';
import { Language } from '../common/localised';
import { Funding } from '../funding/funding.entity';
import { Source } from './source.entity';

/**
 * The types of record a claim can be about (its `subject_type`), each with its table. A claim about an amount
 * of money is about the programme, project or participation the money is for, and names its funding
 * record (`funding_id`): no claim is about a funding record, or about a source, itself.
 */
export const CLAIM_RECORD_TABLES: Readonly<Record<string, string>> = {
  Territory: 'territory',
  Organisation: 'organisation',
  Programme: 'programme',
  Theme: 'theme',
  Project: 'project',
  Participation: 'participation',
  Outcome: 'outcome',
};

/**
 * `values` if each is a type of record that claims are about, else BAD_USER_INPUT naming the argument: a
 * type misspelt ("project") matched no claim and answered with an empty list, as if there were none.
 */
export function claimRecordTypes(values: string[], argumentName: string): string[] {
  const unknown = values.filter((value) => !Object.hasOwn(CLAIM_RECORD_TABLES, value));
  if (unknown.length > 0) {
    throw unknownValues(argumentName, 'record type', unknown, Object.keys(CLAIM_RECORD_TABLES));
  }
  return values;
}

export enum ClaimValueKind {
  MONEY = 'MONEY',
  NUMBER = 'NUMBER',
  DATE = 'DATE',
  TEXT = 'TEXT',
  REFERENCE = 'REFERENCE',
}
registerEnumType(ClaimValueKind, {
  name: 'ClaimValueKind',
  description: 'The type of a claimed value.',
  valuesConfig: {
    MONEY: { description: 'An amount of money; see `money`.' },
    NUMBER: { description: 'A number with a unit; `value` is an exact decimal.' },
    DATE: { description: 'A date, as precise as known ("2021-05").' },
    TEXT: { description: 'A text; `language` says which language.' },
    REFERENCE: { description: 'Another record; see `reference`.' },
  },
});

/**
 * One sourced statement about one field of one record. Conflicting claims stand side by side and one of
 * them is preferred: the record's typed field holds the preferred value.
 */
@ObjectType({ implements: Node, description: 'One sourced statement about one field of one record.' })
@Entity({ tableName: 'claim' })
@Index({ properties: ['subjectId', 'field'] })
// For claims.csv?field= (Migration20261128100000).
@Index({ name: 'claim_field', properties: ['field'] })
@Index({ name: 'claim_overlap_reference', expression: `create index "claim_overlap_reference" on "claim" (reference_id) where field = 'overlaps'` })
export class Claim {
  static readonly typename = 'Claim';

  @PrimaryKey({ type: 'uuid' })
  id!: string;

  @Field({ description: 'GraphQL type name of the record the claim is about ("Project").' })
  @Property({ type: 'text' })
  subjectType!: string;

  @Property({ type: 'uuid' })
  subjectId!: string;

  @Field({ description: 'The field the claim is about, as named in the API ("euFunding", "leadPartner", "name").' })
  @Property({ type: 'text' })
  field!: string;

  @Field(() => ClaimValueKind, { description: 'The type of the value.' })
  @Enum({ items: () => ClaimValueKind })
  valueKind!: ClaimValueKind;

  @Field({ description: 'The value as text: an exact decimal, an ISO date, a text, or the natural key of a referenced record.' })
  @Property({ type: 'text' })
  value!: string;

  @Field(() => Language, { nullable: true, description: 'Language of a text value.' })
  @Enum({ items: () => Language, nullable: true })
  language?: Language | null;

  @Field(() => String, { nullable: true, description: 'Unit of a number ("person", "percent", "km2"); currency of money.' })
  @Property({ type: 'text', nullable: true })
  unit?: string | null;

  @Field(() => String, {
    nullable: true,
    description: 'What the value measures when that matters for comparing it: "EU funding excluding technical assistance".',
  })
  @Property({ type: 'text', nullable: true })
  basis?: string | null;

  @Field({ description: 'True when the source gives a rounded figure ("près de 11 millions").' })
  @Property({ type: 'boolean', default: false })
  approximate: boolean = false;

  @Field(() => String, { nullable: true, description: 'Date the value holds for, as precise as known.' })
  @Property({ type: 'text', nullable: true })
  asOf?: string | null;

  @Field({ description: 'True for the claim the record’s typed field shows; conflicting claims are false.' })
  @Property({ type: 'boolean' })
  preferred!: boolean;

  @Field(() => String, { nullable: true, description: 'Where in the source: a short quote or a section.' })
  @Property({ type: 'text', nullable: true })
  locator?: string | null;

  @Field(() => Int, { description: 'Order of the claim among the claims of a list-valued field.' })
  @Property({ type: 'integer', default: 0 })
  position: number = 0;

  @Property({ type: 'text', nullable: true })
  referenceType?: string | null;

  @Property({ type: 'uuid', nullable: true })
  referenceId?: string | null;

  @ManyToOne({ entity: () => Source, deleteRule: 'restrict', index: true })
  source!: Rel<Source>;

  /** The funding record a money claim supports. */
  @ManyToOne({ entity: () => Funding, nullable: true, deleteRule: 'cascade', index: true })
  funding?: Rel<Funding> | null;
}

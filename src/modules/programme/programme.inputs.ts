import { Field, InputType, registerEnumType } from 'type-graphql';
import { Order, OrderInput, YearRange } from '../../graphql/filters';
import { ProgrammeKind } from './programme.entity';

@InputType({ description: 'Which programmes to list. Conditions combine with AND; a list matches any of its values, and an empty list sets no condition.' })
export class ProgrammeFilter {
  @Field(() => YearRange, { nullable: true, description: 'Programmes whose period overlaps these years ({ from: 2014, to: 2020 }).' })
  period?: YearRange | null;

  @Field(() => [ProgrammeKind], { nullable: true, description: 'Strands: cross-border, transnational, interregional.' })
  kind?: ProgrammeKind[] | null;

  @Field(() => [String], {
    nullable: true,
    description: 'ISO country codes: programmes with an eligible territory, or a partner of one of their projects, in any of them.',
  })
  country?: string[] | null;
}

export enum ProgrammeOrderField {
  START_YEAR = 'START_YEAR',
  NAME = 'NAME',
  SLUG = 'SLUG',
}
registerEnumType(ProgrammeOrderField, {
  name: 'ProgrammeOrderField',
  description: 'What to sort programmes by.',
  valuesConfig: {
    START_YEAR: { description: 'The first year of the period.' },
    NAME: { description: 'The name in `lang`, accents and case ignored.' },
    SLUG: { description: 'The slug.' },
  },
});

export const ProgrammeOrder = OrderInput(ProgrammeOrderField, 'Programme', 'programmes');
export type ProgrammeOrder = Order<ProgrammeOrderField>;

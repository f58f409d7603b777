import { Field, InputType, registerEnumType } from 'type-graphql';
import { MAX_SEARCH_TEXT_LENGTH, Order, OrderInput, YearRange } from '../../graphql/filters';
import { OrganisationKind } from './organisation.entity';

@InputType({ description: 'Which organisations to list. Conditions combine with AND; a list matches any of its values, and an empty list sets no condition.' })
export class OrganisationFilter {
  @Field(() => [OrganisationKind], { nullable: true, description: 'Kinds of organisation.' })
  kind?: OrganisationKind[] | null;

  @Field(() => [String], { nullable: true, description: 'ISO country codes of where organisations are based.' })
  country?: string[] | null;

  @Field(() => [String], {
    nullable: true,
    description: 'Territory codes: organisations based in any of them (see `includeSubTerritories`).',
  })
  territory?: string[] | null;

  @Field({
    defaultValue: true,
    description:
      'With `territory`: also match organisations based in a territory inside the ones named, or in one overlapping those, ' +
      'as `ProjectFilter.includeSubTerritories` does. False: only those based in the territories named.',
  })
  includeSubTerritories!: boolean;

  @Field(() => [String], { nullable: true, description: 'Programme slugs: organisations taking part in projects of any of them.' })
  programme?: string[] | null;

  @Field(() => String, { nullable: true, description: 'Words in names, acronyms or aliases, in any language, read as `search` reads them ("a phrase", `or`, `-word` to leave out), at most ' + MAX_SEARCH_TEXT_LENGTH + ' characters. A blank text sets no condition.' })
  text?: string | null;
}

export enum OrganisationOrderField {
  SLUG = 'SLUG',
  NAME = 'NAME',
}
registerEnumType(OrganisationOrderField, {
  name: 'OrganisationOrderField',
  description: 'What to sort organisations by.',
  valuesConfig: { SLUG: { description: 'The slug.' }, NAME: { description: 'The name in `lang`, accents and case ignored.' } },
});

export const OrganisationOrder = OrderInput(OrganisationOrderField, 'Organisation', 'organisations');
export type OrganisationOrder = Order<OrganisationOrderField>;

@InputType({ description: 'Which shared projects count towards a collaboration.' })
export class CollaborationFilter {
  @Field(() => [String], { nullable: true, description: 'Programme slugs: only projects of these programmes.' })
  programme?: string[] | null;

  @Field(() => YearRange, { nullable: true, description: 'Only projects of programmes whose period overlaps these years.' })
  period?: YearRange | null;
}

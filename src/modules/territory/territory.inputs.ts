import { Field, InputType, registerEnumType } from 'type-graphql';
import { Order, OrderInput } from '../../graphql/filters';
import { TerritoryLevel } from './territory.entity';

@InputType({ description: 'Which territories to list. Conditions combine with AND; a list matches any of its values, and an empty list sets no condition.' })
export class TerritoryFilter {
  @Field(() => [TerritoryLevel], { nullable: true, description: 'Levels (NUTS0 to NUTS3, LOCALITY, AREA).' })
  level?: TerritoryLevel[] | null;

  @Field(() => [String], { nullable: true, description: 'ISO country codes.' })
  country?: string[] | null;

  @Field(() => String, { nullable: true, description: 'A territory code: only the territories directly part of it.' })
  parent?: string | null;
}

export enum TerritoryOrderField {
  CODE = 'CODE',
  NAME = 'NAME',
}
registerEnumType(TerritoryOrderField, {
  name: 'TerritoryOrderField',
  description: 'What to sort territories by.',
  valuesConfig: { CODE: { description: 'The NUTS code or slug.' }, NAME: { description: 'The name in `lang`, accents and case ignored.' } },
});

export const TerritoryOrder = OrderInput(TerritoryOrderField, 'Territory', 'territories');
export type TerritoryOrder = Order<TerritoryOrderField>;

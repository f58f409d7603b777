import { Field, InputType, registerEnumType } from 'type-graphql';
import { Order, OrderInput } from '../../graphql/filters';

@InputType({ description: 'Which themes to list.' })
export class ThemeFilter {
  @Field(() => [String], { nullable: true, description: 'Programme slugs: themes of any of these programmes.' })
  programme?: string[] | null;
}

export enum ThemeOrderField {
  SLUG = 'SLUG',
  CODE = 'CODE',
  NAME = 'NAME',
}
registerEnumType(ThemeOrderField, {
  name: 'ThemeOrderField',
  description: 'What to sort themes by.',
  valuesConfig: {
    SLUG: { description: 'The slug.' },
    CODE: { description: 'The programme’s code for the theme, numbers in it ordered as numbers (2, 4.2, 4.10, 10).' },
    NAME: { description: 'The name in `lang`, accents and case ignored.' },
  },
});

export const ThemeOrder = OrderInput(ThemeOrderField, 'Theme', 'themes');
export type ThemeOrder = Order<ThemeOrderField>;

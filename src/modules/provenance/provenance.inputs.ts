import { Field, InputType, registerEnumType } from 'type-graphql';
import { Order, OrderInput } from '../../graphql/filters';
import { SourceKind } from './source.entity';

@InputType({ description: 'Which sources to list.' })
export class SourceFilter {
  @Field(() => [SourceKind], { nullable: true, description: 'Kinds of source (official, aggregator, press, ...).' })
  kind?: SourceKind[] | null;
}

export enum SourceOrderField {
  KEY = 'KEY',
  TITLE = 'TITLE',
  PUBLISHED_AT = 'PUBLISHED_AT',
}
registerEnumType(SourceOrderField, {
  name: 'SourceOrderField',
  description: 'What to sort sources by.',
  valuesConfig: {
    KEY: { description: 'The key.' },
    TITLE: { description: 'The title, accents and case ignored.' },
    PUBLISHED_AT: { description: 'The publication date (undated sources last).' },
  },
});

export const SourceOrder = OrderInput(SourceOrderField, 'Source', 'sources');
export type SourceOrder = Order<SourceOrderField>;

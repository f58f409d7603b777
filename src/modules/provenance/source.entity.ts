import { Entity, Enum, PrimaryKey, Property } from '@mikro-orm/core';
import { Field, ObjectType, registerEnumType } from 'type-graphql';
import { plainTextSortKey, SortKeys } from '../../db/indexes';
import { Node } from '../../graphql/node';

export enum SourceKind {
  OFFICIAL_PROGRAMME_SITE = 'OFFICIAL_PROGRAMME_SITE',
  OFFICIAL_EU = 'OFFICIAL_EU',
  OFFICIAL_REPORT = 'OFFICIAL_REPORT',
  OFFICIAL_STATISTICS = 'OFFICIAL_STATISTICS',
  AGGREGATOR = 'AGGREGATOR',
  PROJECT_SITE = 'PROJECT_SITE',
  PRESS = 'PRESS',
  ACADEMIC = 'ACADEMIC',
  EDITORIAL = 'EDITORIAL',
}
registerEnumType(SourceKind, {
  name: 'SourceKind',
  description: 'What kind of publisher a source is; it weighs in choosing the preferred claim.',
  valuesConfig: {
    OFFICIAL_PROGRAMME_SITE: { description: "The programme's own website." },
    OFFICIAL_EU: { description: 'A European Commission publication.' },
    OFFICIAL_REPORT: { description: 'A report of a managing authority or another public body.' },
    OFFICIAL_STATISTICS: { description: 'An official statistical classification, such as Eurostat NUTS.' },
    AGGREGATOR: { description: 'A database that collects data from programmes, such as keep.eu.' },
    PROJECT_SITE: { description: "A project's own website." },
    PRESS: { description: 'A newspaper, magazine or news site.' },
    ACADEMIC: { description: 'A scholarly publication.' },
    EDITORIAL: { description: "The knowledge base editors' own curation notes." },
  },
});

@ObjectType({ implements: Node, description: 'A document that claims are taken from: web page, report, article or dataset.' })
@Entity({ tableName: 'source' })
// The list's sort by title, of a table small enough to sort whole (Migration20261127170000).
@SortKeys('source', [plainTextSortKey('title')], { indexed: false })
export class Source {
  static readonly typename = 'Source';

  @PrimaryKey({ type: 'uuid' })
  id!: string;

  @Field({ description: 'Stable natural key of the source, e.g. "keep-37".' })
  @Property({ type: 'text', unique: true })
  key!: string;

  @Field({ description: 'Title of the document.' })
  @Property({ type: 'text' })
  title!: string;

  @Field({ description: 'Who published the document.' })
  @Property({ type: 'text' })
  publisher!: string;

  @Field(() => String, { nullable: true, description: 'Where the document can be read; null when no address was recorded.' })
  @Property({ type: 'text', nullable: true })
  url?: string | null;

  @Field(() => String, {
    nullable: true,
    description: 'Publication date as precise as known: "2021-12-10", "2020-05" or "2020".',
  })
  @Property({ type: 'text', nullable: true })
  publishedAt?: string | null;

  @Field(() => String, { nullable: true, description: 'When the document was read for this knowledge base (ISO date).' })
  @Property({ type: 'text', nullable: true })
  retrievedAt?: string | null;

  @Field(() => String, { nullable: true, description: 'Language of the document (ISO 639-1, e.g. "fr").' })
  @Property({ type: 'text', nullable: true })
  language?: string | null;

  @Field(() => SourceKind, { description: 'What kind of publisher this is.' })
  @Enum({ items: () => SourceKind })
  kind!: SourceKind;

  @Field(() => String, { nullable: true, description: 'Terms of reuse of the document, when stated.' })
  @Property({ type: 'text', nullable: true })
  licence?: string | null;

  @Field(() => String, { nullable: true, description: 'Anything a reader should know about the document.' })
  @Property({ type: 'text', nullable: true })
  note?: string | null;
}

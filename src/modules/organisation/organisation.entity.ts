import { Entity, Enum, Index, ManyToOne, PrimaryKey, Property } from '@mikro-orm/core';
import type { Rel } from '@mikro-orm/core';
import { Field, ObjectType, registerEnumType } from 'type-graphql';
import { idWithSlugIndex, Indexes, localisedSortKeys, SortKeys } from '../../db/indexes';
import { Node } from '../../graphql/node';
import type { LocalisedText } from '../common/localised';
import { Territory } from '../territory/territory.entity';

export enum OrganisationKind {
  PUBLIC_AUTHORITY = 'PUBLIC_AUTHORITY',
  PUBLIC_EMPLOYMENT_SERVICE = 'PUBLIC_EMPLOYMENT_SERVICE',
  HIGHER_EDUCATION = 'HIGHER_EDUCATION',
  TRAINING_PROVIDER = 'TRAINING_PROVIDER',
  ENTERPRISE = 'ENTERPRISE',
  BUSINESS_SUPPORT = 'BUSINESS_SUPPORT',
  RESEARCH = 'RESEARCH',
  NON_PROFIT = 'NON_PROFIT',
  OTHER = 'OTHER',
}
registerEnumType(OrganisationKind, {
  name: 'OrganisationKind',
  description: 'What an organisation is.',
  valuesConfig: {
    PUBLIC_AUTHORITY: { description: 'A region, ministry, agency or other public authority.' },
    PUBLIC_EMPLOYMENT_SERVICE: { description: 'A public employment service (VDAB, Le Forem, Pôle emploi).' },
    HIGHER_EDUCATION: { description: 'A university or engineering school.' },
    TRAINING_PROVIDER: { description: 'A vocational or adult education provider.' },
    ENTERPRISE: { description: 'A company.' },
    BUSINESS_SUPPORT: { description: 'A chamber, cluster or employers’ organisation.' },
    RESEARCH: { description: 'A research centre.' },
    NON_PROFIT: { description: 'An association or other non-profit body.' },
    OTHER: { description: 'Anything else.' },
  },
});

/** Each kind as a reader names it, per language (funding breakdowns, fact sheets). */
export const ORGANISATION_KIND_LABELS: Record<OrganisationKind, LocalisedText> = {
  PUBLIC_AUTHORITY: { en: 'Public authority', fr: 'Autorité publique', nl: 'Overheid' },
  PUBLIC_EMPLOYMENT_SERVICE: { en: 'Public employment service', fr: "Service public de l'emploi", nl: 'Openbare dienst voor arbeidsbemiddeling' },
  HIGHER_EDUCATION: { en: 'Higher education', fr: 'Enseignement supérieur', nl: 'Hoger onderwijs' },
  TRAINING_PROVIDER: { en: 'Training provider', fr: 'Organisme de formation', nl: 'Opleidingsverstrekker' },
  ENTERPRISE: { en: 'Enterprise', fr: 'Entreprise', nl: 'Onderneming' },
  BUSINESS_SUPPORT: { en: 'Business support', fr: 'Soutien aux entreprises', nl: 'Bedrijfsondersteuning' },
  RESEARCH: { en: 'Research', fr: 'Recherche', nl: 'Onderzoek' },
  NON_PROFIT: { en: 'Non-profit', fr: 'Association', nl: 'Vereniging' },
  OTHER: { en: 'Other', fr: 'Autre', nl: 'Andere' },
};

export enum OrganisationSector {
  PUBLIC = 'PUBLIC',
  PRIVATE = 'PRIVATE',
}
registerEnumType(OrganisationSector, {
  name: 'OrganisationSector',
  description: 'Whether an organisation is public or private.',
  valuesConfig: {
    PUBLIC: { description: 'A public body or one governed by public law.' },
    PRIVATE: { description: 'A private company or association.' },
  },
});

@ObjectType({ implements: Node, description: 'A partner organisation, managing authority or other organisation met in the sources.' })
@Entity({ tableName: 'organisation' })
// The list's sort by name and the `country` and `kind` filters (Migration20261126150000; the names' sort
// keys stored since Migration20261127170000), and the ids with their slugs for filtered lists
// (Migration20261127180000).
@SortKeys('organisation', localisedSortKeys('name', 'names'), { indexed: true })
@Indexes([idWithSlugIndex('organisation')])
@Index({ name: 'organisation_country', properties: ['country'] })
@Index({ name: 'organisation_kind', properties: ['kind'] })
export class Organisation {
  static readonly typename = 'Organisation';

  @PrimaryKey({ type: 'uuid' })
  id!: string;

  @Field({ description: 'Stable natural key, e.g. "le-forem".' })
  @Property({ type: 'text', unique: true })
  slug!: string;

  @Property({ type: 'json' })
  names!: LocalisedText;

  @Field(() => String, { nullable: true, description: 'Short name, e.g. "VDAB".' })
  @Property({ type: 'text', nullable: true })
  acronym?: string | null;

  @Field(() => [String], { description: 'Other names the organisation goes by (Forem, Office wallon de la formation professionnelle et de l’emploi).' })
  @Property({ type: 'json' })
  aliases: string[] = [];

  @Field(() => OrganisationKind, { description: 'What the organisation is.' })
  @Enum({ items: () => OrganisationKind })
  kind!: OrganisationKind;

  @Field(() => OrganisationSector, { nullable: true, description: 'Public or private; null when not known.' })
  @Enum({ items: () => OrganisationSector, nullable: true })
  sector?: OrganisationSector | null;

  @Field(() => String, { nullable: true, description: 'ISO 3166-1 alpha-2 country code; null when not known.' })
  @Property({ type: 'text', nullable: true })
  country?: string | null;

  @ManyToOne({ entity: () => Territory, nullable: true, deleteRule: 'set null', index: true })
  location?: Rel<Territory> | null;

  @Field(() => String, { nullable: true, description: 'Postal address, as published.' })
  @Property({ type: 'text', nullable: true })
  address?: string | null;

  @Field(() => String, { nullable: true, description: 'Website address.' })
  @Property({ type: 'text', nullable: true })
  website?: string | null;

  @Property({ type: 'json', nullable: true })
  externalIds?: Record<string, string> | null;
}

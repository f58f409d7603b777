import { Entity, Index, ManyToOne, PrimaryKey, Property, Unique } from '@mikro-orm/core';
import type { Rel } from '@mikro-orm/core';
import { Field, Int, ObjectType } from 'type-graphql';
import { idWithSlugIndex, Indexes, linkIndex, localisedSortKeys, plainTextSortKey, SortKeys, sortIndex } from '../../db/indexes';
import { Node } from '../../graphql/node';
import type { LocalisedText } from '../common/localised';
import { Programme } from '../programme/programme.entity';
import { Territory } from '../territory/territory.entity';
import { Theme } from '../theme/theme.entity';

@ObjectType({ implements: Node, description: 'A project funded by a programme, with its partners, themes, territories and outcomes.' })
@Entity({ tableName: 'project' })
// The list's sort orders and the `activeOn` filter (Migration20261126150000; the text keys stored since
// Migration20261127170000), and the ids with their slugs for filtered lists (Migration20261127180000).
@SortKeys('project', [...localisedSortKeys('title', 'titles'), plainTextSortKey('acronym')], { indexed: true })
@Indexes([...['start_date', 'end_date', 'total_budget'].map((column) => sortIndex('project', `project_${column}_sort`, column)), idWithSlugIndex('project')])
@Index({ name: 'project_active', properties: ['startDate', 'endDate'] })
export class Project {
  static readonly typename = 'Project';

  @PrimaryKey({ type: 'uuid' })
  id!: string;

  @Field({ description: 'Stable natural key, e.g. "weldcome".' })
  @Property({ type: 'text', unique: true })
  slug!: string;

  @Field(() => String, { nullable: true, description: 'Acronym or short name, e.g. "WELDCOME".' })
  @Property({ type: 'text', nullable: true })
  acronym?: string | null;

  @Property({ type: 'json' })
  titles!: LocalisedText;

  @Property({ type: 'json', nullable: true })
  summaries?: LocalisedText | null;

  @ManyToOne({ entity: () => Programme, deleteRule: 'cascade', index: true })
  programme!: Rel<Programme>;

  @Field(() => String, { nullable: true, description: 'Start date (ISO), preferred claim.' })
  @Property({ type: 'text', nullable: true })
  startDate?: string | null;

  @Field(() => String, { nullable: true, description: 'End date (ISO), preferred claim.' })
  @Property({ type: 'text', nullable: true })
  endDate?: string | null;

  @Field(() => Int, { nullable: true, description: 'Duration in months, preferred claim (sources may disagree with the dates).' })
  @Property({ type: 'integer', nullable: true })
  durationMonths?: number | null;

  @Property({ type: 'decimal', precision: 18, scale: 2, nullable: true })
  totalBudget?: string | null;

  /** Whether the source of `totalBudget` gives a rounded figure (its preferred funding's `approximate`). */
  @Property({ type: 'boolean', default: false })
  totalBudgetApproximate: boolean = false;

  @Property({ type: 'decimal', precision: 18, scale: 2, nullable: true })
  euFunding?: string | null;

  /** Whether the source of `euFunding` gives a rounded figure. */
  @Property({ type: 'boolean', default: false })
  euFundingApproximate: boolean = false;

  @Field(() => String, { nullable: true, description: 'EU co-financing rate as an exact decimal fraction ("0.5" is 50%).' })
  @Property({ type: 'decimal', precision: 5, scale: 4, nullable: true })
  cofinancingRate?: string | null;

  @Field(() => String, { nullable: true, description: 'Website address.' })
  @Property({ type: 'text', nullable: true })
  website?: string | null;

  @Property({ type: 'json' })
  objectives: LocalisedText[] = [];

  @Property({ type: 'json' })
  activities: LocalisedText[] = [];

  @Property({ type: 'json' })
  targetGroups: LocalisedText[] = [];

  @Property({ type: 'json' })
  obstacles: LocalisedText[] = [];

  @Property({ type: 'json', nullable: true })
  partnership?: LocalisedText | null;

  @Field(() => String, { nullable: true, description: 'What the project continues or follows from, as its sources put it.' })
  @Property({ type: 'text', nullable: true })
  lineage?: string | null;
}

@Entity({ tableName: 'project_theme' })
@Unique({ properties: ['project', 'theme'] })
@Indexes([linkIndex('project_theme', ['theme_id'])])
export class ProjectTheme {
  @PrimaryKey({ type: 'uuid' })
  id!: string;

  @ManyToOne({ entity: () => Project, deleteRule: 'cascade', index: true })
  project!: Rel<Project>;

  @ManyToOne({ entity: () => Theme, deleteRule: 'cascade' })
  theme!: Rel<Theme>;
}

/** A territory a project addresses (works in, or aims at). */
@Entity({ tableName: 'project_territory' })
@Unique({ properties: ['project', 'territory'] })
@Indexes([linkIndex('project_territory', ['territory_id'])])
export class ProjectTerritory {
  @PrimaryKey({ type: 'uuid' })
  id!: string;

  @ManyToOne({ entity: () => Project, deleteRule: 'cascade', index: true })
  project!: Rel<Project>;

  @ManyToOne({ entity: () => Territory, deleteRule: 'cascade' })
  territory!: Rel<Territory>;
}

import { Field, InputType, registerEnumType } from 'type-graphql';
import { DecimalRange, MAX_SEARCH_TEXT_LENGTH, Order, OrderInput } from '../../graphql/filters';
import { ParticipationRole } from '../participation/participation.entity';

@InputType({ description: 'Which projects to list. Conditions combine with AND; a list matches any of its values, and an empty list sets no condition.' })
export class ProjectFilter {
  @Field(() => [String], { nullable: true, description: 'Programme slugs: projects of any of these programmes.' })
  programme?: string[] | null;

  @Field(() => [String], { nullable: true, description: 'Theme slugs: projects filed under any of these themes or the objectives under them.' })
  theme?: string[] | null;

  @Field(() => [String], {
    nullable: true,
    description: 'Territory codes: projects that address any of them (see `includeSubTerritories`).',
  })
  territory?: string[] | null;

  @Field({
    defaultValue: true,
    description:
      'With `territory` and `partnerTerritory`: also match territories inside the ones named, and territories ' +
      'overlapping those (the Eurométropole overlaps Tournai-Mouscron, so it is in Wallonia\'s reach). False: only the ' +
      'territories named.',
  })
  includeSubTerritories!: boolean;

  @Field(() => [String], { nullable: true, description: 'Territory codes: projects with a partner based in any of them (in one of the `role`s, when given).' })
  partnerTerritory?: string[] | null;

  @Field(() => [String], { nullable: true, description: 'Organisation slugs: projects any of them takes part in (with `role`, in that role).' })
  organisation?: string[] | null;

  @Field(() => [ParticipationRole], {
    nullable: true,
    description:
      'Roles: projects with a partner in any of these roles. With `organisation`, `country` or `partnerTerritory`, the same partner ' +
      'meets both: `role: [LEAD_PARTNER], country: ["BE"]` is the projects led by an organisation based in Belgium.',
  })
  role?: ParticipationRole[] | null;

  @Field(() => [String], { nullable: true, description: 'ISO country codes: projects with a partner based in any of these countries (in one of the `role`s, when given).' })
  country?: string[] | null;

  @Field(() => String, { nullable: true, description: 'An ISO date: projects running on that day (start on or before, end on or after; projects without a known start or end date never match).' })
  activeOn?: string | null;

  @Field(() => DecimalRange, { nullable: true, description: 'Total budget between these amounts (projects without a published budget never match).' })
  totalBudget?: DecimalRange | null;

  @Field(() => String, { nullable: true, description:
      'Words in the acronym, titles, summaries, objectives, activities, target groups or obstacles, in any language, read as `search` reads them ("a phrase", `or`, `-word` to leave out), at most ' + MAX_SEARCH_TEXT_LENGTH + ' characters. A blank text sets no condition.', })
  text?: string | null;
}

export enum ProjectOrderField {
  SLUG = 'SLUG',
  TITLE = 'TITLE',
  ACRONYM = 'ACRONYM',
  START_DATE = 'START_DATE',
  END_DATE = 'END_DATE',
  TOTAL_BUDGET = 'TOTAL_BUDGET',
}
registerEnumType(ProjectOrderField, {
  name: 'ProjectOrderField',
  description: 'What to sort projects by.',
  valuesConfig: {
    SLUG: { description: 'The slug.' },
    TITLE: { description: 'The title in `lang`, accents and case ignored.' },
    ACRONYM: { description: 'The acronym.' },
    START_DATE: { description: 'The start date.' },
    END_DATE: { description: 'The end date.' },
    TOTAL_BUDGET: { description: 'The total budget.' },
  },
});

export const ProjectOrder = OrderInput(ProjectOrderField, 'Project', 'projects');
export type ProjectOrder = Order<ProjectOrderField>;

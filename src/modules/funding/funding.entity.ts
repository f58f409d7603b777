import { Check, Entity, Enum, ManyToOne, PrimaryKey, Property } from '@mikro-orm/core';
import type { Rel } from '@mikro-orm/core';
import { Field, ObjectType, registerEnumType } from 'type-graphql';
import { Node } from '../../graphql/node';
import { Participation } from '../participation/participation.entity';
import { Fund, Programme } from '../programme/programme.entity';
import { Project } from '../project/project.entity';

export enum FundingBasis {
  TOTAL_BUDGET = 'TOTAL_BUDGET',
  EU_FUNDING = 'EU_FUNDING',
  PARTNER_SHARE = 'PARTNER_SHARE',
}
registerEnumType(FundingBasis, {
  name: 'FundingBasis',
  description: 'What an amount measures.',
  valuesConfig: {
    TOTAL_BUDGET: { description: 'The whole budget, EU and co-financing together.' },
    EU_FUNDING: { description: 'The EU contribution only (ERDF).' },
    PARTNER_SHARE: { description: "One partner's own share of a project budget." },
  },
});

export enum FundingStage {
  PLANNED = 'PLANNED',
  PAID = 'PAID',
}
registerEnumType(FundingStage, {
  name: 'FundingStage',
  description: 'Whether an amount was allocated or actually paid. A budget is not spending.',
  valuesConfig: {
    PLANNED: { description: 'Allocated or budgeted.' },
    PAID: { description: 'Actually paid out.' },
  },
});

export enum TechnicalAssistance {
  INCLUDED = 'INCLUDED',
  EXCLUDED = 'EXCLUDED',
  UNSPECIFIED = 'UNSPECIFIED',
}
registerEnumType(TechnicalAssistance, {
  name: 'TechnicalAssistance',
  description: "Whether a programme amount includes the technical assistance (the programme's own running costs).",
  valuesConfig: {
    INCLUDED: { description: 'Technical assistance is included.' },
    EXCLUDED: { description: 'Technical assistance is left out.' },
    UNSPECIFIED: { description: 'The source does not say.' },
  },
});

export const FUNDING_FIELD_BY_BASIS: Record<FundingBasis, string> = {
  [FundingBasis.TOTAL_BUDGET]: 'totalBudget',
  [FundingBasis.EU_FUNDING]: 'euFunding',
  [FundingBasis.PARTNER_SHARE]: 'budget',
};

@ObjectType({
  implements: Node,
  description:
    'An amount of money from a fund to a programme, a project or one participation, with its basis. ' +
    'Amounts on different bases stand side by side; the preferred one fills `euFunding`/`totalBudget`.',
})
@Entity({ tableName: 'funding' })
@Check({
  name: 'funding_one_recipient',
  expression: '(programme_id is not null)::int + (project_id is not null)::int + (participation_id is not null)::int = 1',
})
export class Funding {
  static readonly typename = 'Funding';

  @PrimaryKey({ type: 'uuid' })
  id!: string;

  @ManyToOne({ entity: () => Programme, nullable: true, deleteRule: 'cascade', index: true })
  programme?: Rel<Programme> | null;

  @ManyToOne({ entity: () => Project, nullable: true, deleteRule: 'cascade', index: true })
  project?: Rel<Project> | null;

  @ManyToOne({ entity: () => Participation, nullable: true, deleteRule: 'cascade', index: true })
  participation?: Rel<Participation> | null;

  @Field(() => Fund, { description: 'Where the money comes from.' })
  @Enum({ items: () => Fund })
  fund!: Fund;

  @Field(() => FundingBasis, { description: 'What the amount measures.' })
  @Enum({ items: () => FundingBasis })
  basis!: FundingBasis;

  @Field(() => FundingStage, { description: 'Allocated or paid.' })
  @Enum({ items: () => FundingStage })
  stage: FundingStage = FundingStage.PLANNED;

  @Field(() => TechnicalAssistance, { description: 'Whether technical assistance is included.' })
  @Enum({ items: () => TechnicalAssistance })
  technicalAssistance: TechnicalAssistance = TechnicalAssistance.UNSPECIFIED;

  @Property({ type: 'decimal', precision: 18, scale: 2 })
  amount!: string;

  @Property({ type: 'text' })
  currency: string = 'EUR';

  @Field({ description: 'True when the source gives a rounded figure ("just over 248 million", "about 11 million").' })
  @Property({ type: 'boolean', default: false })
  approximate: boolean = false;

  @Field({ description: 'True for the amount that fills the recipient’s typed field for this basis.' })
  @Property({ type: 'boolean', default: false })
  preferred: boolean = false;
}

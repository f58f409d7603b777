import { Entity, Enum, Index, ManyToOne, PrimaryKey, Property, Unique } from '@mikro-orm/core';
import type { Rel } from '@mikro-orm/core';
import { ObjectType, registerEnumType, Field } from 'type-graphql';
import { Node } from '../../graphql/node';
import { Organisation } from '../organisation/organisation.entity';
import { Project } from '../project/project.entity';
import { Indexes, linkIndex } from '../../db/indexes';

export enum ParticipationRole {
  LEAD_PARTNER = 'LEAD_PARTNER',
  PARTNER = 'PARTNER',
  ASSOCIATED_PARTNER = 'ASSOCIATED_PARTNER',
}
registerEnumType(ParticipationRole, {
  name: 'ParticipationRole',
  description: 'The role of an organisation in a project.',
  valuesConfig: {
    LEAD_PARTNER: { description: 'Carries the project and answers for it to the programme (chef de file).' },
    PARTNER: { description: 'A financing partner of the project.' },
    ASSOCIATED_PARTNER: { description: 'Takes part without receiving programme money.' },
  },
});

@ObjectType({ implements: Node, description: 'An organisation taking part in a project, with its role and its own budget.' })
@Entity({ tableName: 'participation' })
@Unique({ properties: ['project', 'organisation'] })
// Each project's lead partner (`leadPartner`, Migration20261127010000); an organisation's projects, by role
// or not (Migration20261127200000).
@Index({ name: 'participation_lead', expression: `create index "participation_lead" on "participation" (project_id) where role = 'LEAD_PARTNER'` })
@Indexes([linkIndex('participation', ['organisation_id', 'role'])])
export class Participation {
  static readonly typename = 'Participation';

  @PrimaryKey({ type: 'uuid' })
  id!: string;

  @ManyToOne({ entity: () => Project, deleteRule: 'cascade', index: true })
  project!: Rel<Project>;

  @ManyToOne({ entity: () => Organisation, deleteRule: 'cascade' })
  organisation!: Rel<Organisation>;

  @Field(() => ParticipationRole, {
    nullable: true,
    description: 'The preferred role; null when sources disagree and none is preferred (see `claims(field: "role")`).',
  })
  @Enum({ items: () => ParticipationRole, nullable: true })
  role?: ParticipationRole | null;

  /** The partner's own budget, when published. Never derived from the project total. */
  @Property({ type: 'decimal', precision: 18, scale: 2, nullable: true })
  budget?: string | null;

  /** Whether the source of `budget` gives a rounded figure. */
  @Property({ type: 'boolean', default: false })
  budgetApproximate: boolean = false;
}

import { Entity, ManyToOne, PrimaryKey, Property } from '@mikro-orm/core';
import type { Rel } from '@mikro-orm/core';
import { Field, Int, ObjectType } from 'type-graphql';
import { localisedSortKeys, SortKeys } from '../../db/indexes';
import { Node } from '../../graphql/node';
import type { LocalisedText } from '../common/localised';
import { Programme } from '../programme/programme.entity';

@ObjectType({ implements: Node, description: "A programme's priority axis or specific objective. Themes nest: objectives sit under axes." })
@Entity({ tableName: 'theme' })
// The list's sort by name, of a table small enough to sort whole (Migration20261127170000).
@SortKeys('theme', localisedSortKeys('name', 'names'), { indexed: false })
export class Theme {
  static readonly typename = 'Theme';

  @PrimaryKey({ type: 'uuid' })
  id!: string;

  @Field({ description: 'Stable natural key, e.g. "interreg-v-fwvl-axis-4".' })
  @Property({ type: 'text', unique: true })
  slug!: string;

  @Field(() => String, { nullable: true, description: 'The code the programme gives it ("4"); null when unpublished.' })
  @Property({ type: 'text', nullable: true })
  code?: string | null;

  @Property({ type: 'json' })
  names!: LocalisedText;

  @Field(() => Int, { description: 'Position among its siblings, as the programme orders them.' })
  @Property({ type: 'integer', default: 0 })
  position: number = 0;

  @ManyToOne({ entity: () => Programme, deleteRule: 'cascade', index: true })
  programme!: Rel<Programme>;

  @ManyToOne({ entity: () => Theme, nullable: true, deleteRule: 'cascade', index: true })
  parent?: Rel<Theme> | null;
}

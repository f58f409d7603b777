import { Ctx, Field, FieldResolver, ObjectType, Resolver, Root } from 'type-graphql';
import type { RequestContext } from '../../graphql/context';
import { refId } from '../../graphql/loaders';
import { NamedRecordResolver } from '../../graphql/record-resolver';
import { allTexts, LangArg, Language, LocalisedItem, LocalisedString, LocalisedText, requiredText } from '../common/localised';
import { normaliseDecimal } from '../common/money';
import { Organisation } from '../organisation/organisation.entity';
import { Programme } from '../programme/programme.entity';
import { Project } from '../project/project.entity';
import { Outcome, OutcomeOrganisation } from './outcome.entity';

@ObjectType({ description: 'One line of an outcome’s breakdown: 69 of the 89 trainees were French.' })
export class OutcomeBreakdown {
  constructor(row: { dimension: string; key: string; labels: LocalisedText; value: string }) {
    this.dimension = row.dimension;
    this.key = row.key;
    this.value = normaliseDecimal(row.value);
    this.labels_ = row.labels;
  }

  @Field({ description: 'What the breakdown splits by ("nationality").' })
  dimension: string;

  @Field({ description: 'The group, as a stable key ("FR").' })
  key: string;

  @Field({ description: 'The value for this group, in the outcome’s unit, as an exact decimal.' })
  value: string;

  private labels_: LocalisedText;

  @Field(() => String, { description: 'The group’s label in the asked language, else in another one.' })
  label(@LangArg() lang: Language | null): string {
    return requiredText(this.labels_, lang, 'a breakdown group', 'label');
  }

  @Field(() => [LocalisedString], { description: 'The group’s label in every language it exists in.' })
  labels(): LocalisedString[] {
    return allTexts(this.labels_);
  }
}

@ObjectType({ description: 'An organisation an outcome involves without it being a project partner, e.g. an employer of trainees.' })
export class InvolvedOrganisation {
  @Field({ description: 'How the organisation is involved ("employer").' })
  relation!: string;

  @Field(() => Organisation, { description: 'The organisation.' })
  organisation!: Organisation;
}

@Resolver(() => Outcome)
export class OutcomeResolver extends NamedRecordResolver(Outcome, { single: 'label', plural: 'labels', property: 'labels', description: 'label' }) {
  @FieldResolver(() => String, { description: 'The value as an exact decimal string ("89", "79").' })
  value(@Root() outcome: Outcome): string {
    return normaliseDecimal(outcome.value);
  }

  @FieldResolver(() => [OutcomeBreakdown], { description: 'The value split into groups, when the source gives a split.' })
  breakdown(@Root() outcome: Outcome): OutcomeBreakdown[] {
    return outcome.breakdown.map((row) => new OutcomeBreakdown(row));
  }

  @FieldResolver(() => [LocalisedItem], {
    description:
      'What the source says of the outcome beside its figure ("jobs in SMEs as well as with rail industry leaders"), each cited: see `claims(field: "notes")`.',
  })
  notes(@Root() outcome: Outcome): LocalisedItem[] {
    return outcome.notes.map((note) => new LocalisedItem(note));
  }

  @FieldResolver(() => Project, { nullable: true, description: 'The project that reports the outcome; null for a programme outcome.' })
  project(@Root() outcome: Outcome, @Ctx() context: RequestContext): Promise<Project | null> | null {
    const id = refId(outcome.project);
    return id ? context.loaders.byId(Project).load(id) : null;
  }

  @FieldResolver(() => Programme, { nullable: true, description: 'The programme that reports or targets the outcome; null for a project outcome.' })
  programme(@Root() outcome: Outcome, @Ctx() context: RequestContext): Promise<Programme | null> | null {
    const id = refId(outcome.programme);
    return id ? context.loaders.byId(Programme).load(id) : null;
  }

  @FieldResolver(() => [InvolvedOrganisation], { description: 'Organisations the outcome involves, such as employers.' })
  async organisations(@Root() outcome: Outcome, @Ctx() context: RequestContext): Promise<InvolvedOrganisation[]> {
    const links = await context.loaders.byOwner(OutcomeOrganisation, 'outcome', { relation: 'asc' }).load(outcome.id);
    const organisations = await context.loaders.existing(Organisation, links.map((link) => refId(link.organisation)!));
    return links.flatMap((link) => {
      const organisation = organisations.get(refId(link.organisation)!);
      return organisation ? [{ relation: link.relation, organisation }] : [];
    });
  }
}

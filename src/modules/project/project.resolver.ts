import type { GraphQLResolveInfo } from 'graphql';
import { Arg, Args, Ctx, Info, FieldResolver, Query, Resolver, Root } from 'type-graphql';
import type { RequestContext } from '../../graphql/context';
import { asksRecordsOnly, Connection, ConnectionArgs, ConnectionResult, selectsField } from '../../graphql/connection';
import { foundBy } from '../../graphql/errors';
import { refId } from '../../graphql/loaders';
import { NamedRecordResolver } from '../../graphql/record-resolver';
import { allTexts, LangArg, Language, LocalisedItem, LocalisedString, pickText } from '../common/localised';
import { Money, money, normaliseDecimal } from '../common/money';
import { Funding } from '../funding/funding.entity';
import { Organisation } from '../organisation/organisation.entity';
import { Outcome } from '../outcome/outcome.entity';
import { Participation, ParticipationRole } from '../participation/participation.entity';
import { Programme } from '../programme/programme.entity';
import { Territory } from '../territory/territory.entity';
import { Theme } from '../theme/theme.entity';
import { claimsOf } from '../../graphql/record-resolver';
import { Claim } from '../provenance/claim.entity';
import { DerivedFigure, divideDecimals } from '../provenance/derived';
import { FactSheetEntry, formatMoney, nameOf, outcomeName, recordFactSheet } from '../provenance/fact-sheet';
import { Project, ProjectTerritory, ProjectTheme } from './project.entity';
import { ProjectFilter, ProjectOrder } from './project.inputs';
import { ProjectService } from './project.service';

export const ProjectConnection = Connection(Project, 'Project');

const ROLE_ORDER: Array<ParticipationRole | null | undefined> = [
  ParticipationRole.LEAD_PARTNER,
  ParticipationRole.PARTNER,
  ParticipationRole.ASSOCIATED_PARTNER,
];
const roleRank = (role: ParticipationRole | null | undefined) => (ROLE_ORDER.includes(role) ? ROLE_ORDER.indexOf(role) : ROLE_ORDER.length);

/** A project's long texts, the most of its row: a list of titles and dates need not read them. */
export const LONG_TEXTS = ['summaries', 'objectives', 'activities', 'targetGroups', 'obstacles', 'partnership'] as const satisfies ReadonlyArray<keyof Project>;

/**
 * The fields of Project that read none of LONG_TEXTS: a page whose records are asked for these alone reads
 * its rows without those columns (they were half the client CPU of the list page's statement, and a
 * quarter of its PostgreSQL CPU). A field not listed, such as one added later, makes the page read whole
 * rows. test/page-columns.test.ts holds every listed field's answer from a page to the answer from whole rows.
 */
export const PROJECT_FIELDS_WITHOUT_LONG_TEXTS: ReadonlySet<string> = new Set([
  '__typename', 'id', 'slug', 'acronym', 'title', 'titles', 'startDate', 'endDate', 'durationMonths', 'totalBudget', 'euFunding',
  'cofinancingRate', 'website', 'lineage', 'programme', 'themes', 'territories', 'participations', 'leadPartner', 'fundings',
  'outcomes', 'claims', 'sources', 'derivedFigures',
]);

@Resolver(() => Project)
export class ProjectResolver extends NamedRecordResolver(Project, { single: 'title', plural: 'titles', property: 'titles', description: 'title' }) {
  @Query(() => Project, { nullable: true, description: 'A project by its slug ("weldcome"); null, with a `NOT_FOUND` error naming the argument, when there is none.' })
  project(@Arg('slug', { description: 'The project’s slug.' }) slug: string, @Ctx() context: RequestContext): Promise<Project | null> {
    return foundBy(context.loaders.byKey(Project, 'slug').load(slug), 'project', 'slug', slug);
  }

  @Query(() => ProjectConnection, { description: 'Projects matching a filter, by slug unless `orderBy` says otherwise.' })
  projects(
    @Args() args: ConnectionArgs,
    @Ctx() context: RequestContext,
    @Info() info: GraphQLResolveInfo,
    @Arg('filter', () => ProjectFilter, { nullable: true, description: 'Which projects; all when absent.' }) filter?: ProjectFilter | null,
    @Arg('orderBy', () => ProjectOrder, { nullable: true, description: 'How to sort; by slug when absent.' }) orderBy?: ProjectOrder | null,
  ): Promise<ConnectionResult<Project>> {
    return new ProjectService(context).list(filter, orderBy, args, {
      withTotal: selectsField(info, 'totalCount'),
      leaveOut: asksRecordsOnly(info, PROJECT_FIELDS_WITHOUT_LONG_TEXTS) ? LONG_TEXTS : [],
    });
  }

  @FieldResolver(() => String, { nullable: true, description: 'The summary in the asked language, else in another one.' })
  summary(@Root() project: Project, @LangArg() lang: Language | null): string | null {
    return pickText(project.summaries, lang);
  }

  @FieldResolver(() => [LocalisedString], { description: 'The summary in every language it exists in.' })
  summaries(@Root() project: Project): LocalisedString[] {
    return allTexts(project.summaries);
  }

  @FieldResolver(() => String, { nullable: true, description: 'How the sources describe the partnership beyond the named partners.' })
  partnership(@Root() project: Project, @LangArg() lang: Language | null): string | null {
    return pickText(project.partnership, lang);
  }

  @FieldResolver(() => [LocalisedItem], { description: 'What the project sets out to achieve.' })
  objectives(@Root() project: Project): LocalisedItem[] {
    return project.objectives.map((item) => new LocalisedItem(item));
  }

  @FieldResolver(() => [LocalisedItem], { description: 'What the project does.' })
  activities(@Root() project: Project): LocalisedItem[] {
    return project.activities.map((item) => new LocalisedItem(item));
  }

  @FieldResolver(() => [LocalisedItem], { description: 'Whom the project is for.' })
  targetGroups(@Root() project: Project): LocalisedItem[] {
    return project.targetGroups.map((item) => new LocalisedItem(item));
  }

  @FieldResolver(() => [LocalisedItem], { description: 'Obstacles to cross-border cooperation the project meets or addresses.' })
  obstacles(@Root() project: Project): LocalisedItem[] {
    return project.obstacles.map((item) => new LocalisedItem(item));
  }

  @FieldResolver(() => Money, { nullable: true, description: 'Total budget, preferred amount (a budget is not spending); see `claims(field: "totalBudget")`.' })
  totalBudget(@Root() project: Project): Money | null {
    return money(project.totalBudget, 'EUR', project.totalBudgetApproximate);
  }

  @FieldResolver(() => Money, { nullable: true, description: 'EU funding (ERDF), preferred amount; see `claims(field: "euFunding")`.' })
  euFunding(@Root() project: Project): Money | null {
    return money(project.euFunding, 'EUR', project.euFundingApproximate);
  }

  @FieldResolver(() => Programme, { description: 'The programme that funds the project.' })
  async programme(@Root() project: Project, @Ctx() context: RequestContext): Promise<Programme> {
    return (await context.loaders.byId(Programme).load(refId(project.programme)!))!;
  }

  @FieldResolver(() => [Theme], { description: 'The axes and objectives the project is filed under.' })
  themes(@Root() project: Project, @Ctx() context: RequestContext): Promise<Theme[]> {
    return context.loaders.through(ProjectTheme, 'project', 'theme', Theme).load(project.id);
  }

  @FieldResolver(() => [Territory], { description: 'The territories the project names as addressed (works in or aims at), by code.' })
  territories(@Root() project: Project, @Ctx() context: RequestContext): Promise<Territory[]> {
    return context.loaders.through(ProjectTerritory, 'project', 'territory', Territory, {}, { code: 'asc' }).load(project.id);
  }

  @FieldResolver(() => [Participation], { description: 'The partners with their roles: lead partner first.' })
  async participations(
    @Root() project: Project,
    @Ctx() context: RequestContext,
    @Arg('role', () => ParticipationRole, { nullable: true, description: 'Only partners with this role.' }) role?: ParticipationRole | null,
  ): Promise<Participation[]> {
    const participations = await context.loaders.byOwner(Participation, 'project').load(project.id);
    return participations
      .filter((participation) => !role || participation.role === role)
      .sort((a, b) => roleRank(a.role) - roleRank(b.role));
  }

  @FieldResolver(() => Organisation, {
    nullable: true,
    description: 'The lead partner, preferred claim; see `claims(field: "leadPartner")` where sources disagree.',
  })
  async leadPartner(@Root() project: Project, @Ctx() context: RequestContext): Promise<Organisation | null> {
    // Straight through the lead participation: a list page asks for the lead partner of every project,
    // and loading every partner of each to keep one cost a statement and ten times the rows.
    const [lead] = await context.loaders.through(Participation, 'project', 'organisation', Organisation, { role: ParticipationRole.LEAD_PARTNER }).load(project.id);
    return lead ?? null;
  }

  @FieldResolver(() => [Funding], { description: 'Every published amount for the project, on every basis.' })
  fundings(@Root() project: Project, @Ctx() context: RequestContext): Promise<Funding[]> {
    return context.loaders.byOwner(Funding, 'project', { basis: 'asc', preferred: 'desc' }).load(project.id);
  }

  @FieldResolver(() => [FactSheetEntry], {
    description: 'Every sourced statement about the project, its partners and its outcomes, ready to quote.',
  })
  async factSheet(@Root() project: Project, @Ctx() context: RequestContext, @LangArg('The language of labels and number formats; English when absent or null.') asked: Language | null): Promise<FactSheetEntry[]> {
    const lang = asked ?? Language.EN;
    const [own, participations, outcomes] = await Promise.all([
      claimsOf(context, project.id),
      this.participations(project, context),
      this.outcomes(project, context),
    ]);
    // The partners' organisations (which name their claims) load alongside the claims, not before them.
    const organisations = context.loaders.existing(Organisation, participations.map((participation) => refId(participation.organisation)!));
    const related = await Promise.all([
      ...participations.map(async (participation) => {
        const [found, claims] = await Promise.all([organisations, claimsOf(context, participation.id)]);
        const organisation = found.get(refId(participation.organisation)!);
        return { id: participation.id, name: organisation ? nameOf(organisation, organisation.slug, lang) : null, claims };
      }),
      ...outcomes.map(async (outcome) => ({ id: outcome.id, name: outcomeName(outcome, lang), claims: await claimsOf(context, outcome.id) })),
    ]);
    return recordFactSheet(context, own, related, lang);
  }

  @FieldResolver(() => [DerivedFigure], {
    description: 'Figures computed from the sourced ones (cost per trainee), each with its formula, inputs and caveat.',
  })
  async derivedFigures(@Root() project: Project, @Ctx() context: RequestContext, @LangArg('The language of the labels; English when absent or null.') asked: Language | null): Promise<DerivedFigure[]> {
    const lang = asked ?? Language.EN;
    if (project.totalBudget == null) return [];
    const [own, outcomes] = await Promise.all([claimsOf(context, project.id), this.outcomes(project, context)]);
    const budgetClaim = own.find((claim) => claim.field === 'totalBudget' && claim.preferred);
    const figures: DerivedFigure[] = [];
    const counted = outcomes.filter((outcome) => outcome.unit === 'person' && outcome.kind === 'ACHIEVED' && Number(outcome.value) > 0);
    // One batch for the claims of every counted outcome, not one statement per outcome.
    const outcomeClaims = await Promise.all(counted.map((outcome) => claimsOf(context, outcome.id)));
    const keys = figureKeys(counted);
    for (const [index, outcome] of counted.entries()) {
      const valueClaim = outcomeClaims[index].find((claim: Claim) => claim.field === 'value' && claim.preferred);
      const value = divideDecimals(project.totalBudget, outcome.value);
      const per = pickText(outcome.labels, lang) ?? outcome.indicator;
      figures.push({
        key: keys[index],
        label: { en: `Total budget per person (${per})`, fr: `Budget total par personne (${per})`, nl: `Totaal budget per persoon (${per})` }[lang],
        value,
        unit: 'EUR per person',
        formula: `totalBudget / outcomes[${outcome.indicator}].value = ${formatMoney(project.totalBudget, Language.EN)} / ${normaliseDecimal(outcome.value)}`,
        inputs: [budgetClaim, valueClaim].filter((claim): claim is Claim => claim !== undefined),
        caveat:
          'Derived here, not published by a source. A budget is not spending: the total budget is what was planned for the ' +
          'whole project, not what was spent, and it pays for more than the people counted' +
          (outcome.asOf ? `; the count is as of ${outcome.asOf}${countedBeforeEnd(outcome.asOf, project.endDate) ? ', before the project ended' : ''}.` : '.') +
          (project.totalBudgetApproximate || outcome.approximate ? ' Its inputs are rounded in their sources, so the figure is approximate too.' : ''),
      });
    }
    return figures;
  }

  @FieldResolver(() => [Outcome], { description: 'Indicators the project reports or targets: achieved ones first, then by indicator and date.' })
  outcomes(@Root() project: Project, @Ctx() context: RequestContext): Promise<Outcome[]> {
    return context.loaders.byOwner(Outcome, 'project', { kind: 'asc', indicator: 'asc', asOf: 'asc' }).load(project.id);
  }
}

/**
 * The key of each counted outcome's figure: "cost-per-" and its indicator; with "-as-of-" and its date
 * when the project counts that indicator more than once; numbered in the outcomes' order when two such
 * counts also share a date (or both have none), so that no two figures share a key.
 */
function figureKeys(counted: readonly Outcome[]): string[] {
  const occurrences = <T>(values: readonly T[]) => values.reduce((counts, value) => counts.set(value, (counts.get(value) ?? 0) + 1), new Map<T, number>());
  const perIndicator = occurrences(counted.map((outcome) => outcome.indicator));
  const dated = counted.map((outcome) => `cost-per-${outcome.indicator}${perIndicator.get(outcome.indicator)! > 1 ? `-as-of-${outcome.asOf ?? 'undated'}` : ''}`);
  const perKey = occurrences(dated);
  const numbered = new Map<string, number>();
  return dated.map((key) => {
    if (perKey.get(key)! === 1) return key;
    numbered.set(key, (numbered.get(key) ?? 0) + 1);
    return `${key}-${numbered.get(key)}`;
  });
}

/**
 * Whether a count dated `asOf` ("2021-05", as precise as known) was made before a project ending on `endDate`
 * ended: a month ends before the end date's own month only when it is an earlier one. Unknown when either is.
 */
function countedBeforeEnd(asOf: string, endDate: string | null | undefined): boolean {
  return endDate != null && asOf < endDate.slice(0, asOf.length);
}

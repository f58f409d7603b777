import type { GraphQLResolveInfo } from 'graphql';
import { Arg, Args, Ctx, Info, FieldResolver, Query, Resolver, Root } from 'type-graphql';
import type { RequestContext } from '../../graphql/context';
import { Connection, ConnectionArgs, ConnectionResult, selectsField } from '../../graphql/connection';
import { foundBy } from '../../graphql/errors';
import { ListSize } from '../../graphql/limits';
import { refId } from '../../graphql/loaders';
import { NAME_FIELDS, NamedRecordResolver } from '../../graphql/record-resolver';
import { Money, money } from '../common/money';
import { Funding, FundingBasis } from '../funding/funding.entity';
import { Organisation } from '../organisation/organisation.entity';
import { Outcome } from '../outcome/outcome.entity';
import { Project } from '../project/project.entity';
import { Territory } from '../territory/territory.entity';
import { Theme } from '../theme/theme.entity';
import { claimsOf } from '../../graphql/record-resolver';
import { LangArg, Language } from '../common/localised';
import { FactSheetEntry, outcomeName, recordFactSheet } from '../provenance/fact-sheet';
import { Programme, ProgrammeRegion, ProgrammeTerritory } from './programme.entity';
import { ProgrammeFilter, ProgrammeOrder } from './programme.inputs';
import { ProgrammeService } from './programme.service';

export const ProgrammeConnection = Connection(Programme, 'Programme');

@Resolver(() => Programme)
export class ProgrammeResolver extends NamedRecordResolver(Programme, NAME_FIELDS) {
  @Query(() => Programme, { nullable: true, description: 'A programme by its slug ("interreg-v-fwvl"); null, with a `NOT_FOUND` error naming the argument, when there is none.' })
  programme(@Arg('slug', { description: 'The programme’s slug.' }) slug: string, @Ctx() context: RequestContext): Promise<Programme | null> {
    return foundBy(context.loaders.byKey(Programme, 'slug').load(slug), 'programme', 'slug', slug);
  }

  @Query(() => ProgrammeConnection, { description: 'Programmes matching a filter, oldest period first unless `orderBy` says otherwise.' })
  programmes(
    @Args() args: ConnectionArgs,
    @Ctx() context: RequestContext,
    @Info() info: GraphQLResolveInfo,
    @Arg('filter', () => ProgrammeFilter, { nullable: true, description: 'Which programmes; all when absent.' }) filter?: ProgrammeFilter | null,
    @Arg('orderBy', () => ProgrammeOrder, { nullable: true, description: 'How to sort; by start year when absent.' }) orderBy?: ProgrammeOrder | null,
  ): Promise<ConnectionResult<Programme>> {
    return new ProgrammeService(context).list(filter, orderBy, args, { withTotal: selectsField(info, 'totalCount') });
  }


  @FieldResolver(() => String, { description: 'The programming period, e.g. "2014-2020".' })
  period(@Root() programme: Programme): string {
    return `${programme.startYear}-${programme.endYear}`;
  }

  @FieldResolver(() => Organisation, { nullable: true, description: 'The authority that manages the programme.' })
  managingAuthority(@Root() programme: Programme, @Ctx() context: RequestContext): Promise<Organisation | null> | null {
    const id = refId(programme.managingAuthority);
    return id ? context.loaders.byId(Organisation).load(id) : null;
  }

  @FieldResolver(() => Programme, { nullable: true, description: 'The programme of the previous period.' })
  predecessor(@Root() programme: Programme, @Ctx() context: RequestContext): Promise<Programme | null> | null {
    const id = refId(programme.predecessor);
    return id ? context.loaders.byId(Programme).load(id) : null;
  }

  @FieldResolver(() => Programme, { nullable: true, description: 'The programme of the next period.' })
  async successor(@Root() programme: Programme, @Ctx() context: RequestContext): Promise<Programme | null> {
    const successors = await context.loaders.byOwner(Programme, 'predecessor', { startYear: 'asc' }).load(programme.id);
    return successors[0] ?? null;
  }

  @FieldResolver(() => [Funding], { description: 'Every published amount for the programme, grouped by basis, the preferred one first within each.' })
  fundings(@Root() programme: Programme, @Ctx() context: RequestContext): Promise<Funding[]> {
    return context.loaders.byOwner(Funding, 'programme', { basis: 'asc', preferred: 'desc' }).load(programme.id);
  }

  @FieldResolver(() => Money, {
    nullable: true,
    description:
      'EU funding (ERDF), preferred amount; see `claims(field: "euFunding")` for every basis. It may count technical assistance where `totalBudget` does not (`fundings` labels each amount): compare the two on one basis.',
  })
  async euFunding(@Root() programme: Programme, @Ctx() context: RequestContext): Promise<Money | null> {
    return this.preferredAmount(programme, context, FundingBasis.EU_FUNDING);
  }

  @FieldResolver(() => Money, { nullable: true, description: 'Total budget, preferred amount; see `claims(field: "totalBudget")`, and `fundings` for what each amount includes.' })
  async totalBudget(@Root() programme: Programme, @Ctx() context: RequestContext): Promise<Money | null> {
    return this.preferredAmount(programme, context, FundingBasis.TOTAL_BUDGET);
  }

  private async preferredAmount(programme: Programme, context: RequestContext, basis: FundingBasis): Promise<Money | null> {
    const fundings = await this.fundings(programme, context);
    const preferred = fundings.find((funding) => funding.basis === basis && funding.preferred);
    return preferred ? money(preferred.amount, preferred.currency, preferred.approximate) : null;
  }

  @FieldResolver(() => [Theme], { description: 'The priority axes of the programme, in the programme’s order (objectives nest under `children`).' })
  async themes(@Root() programme: Programme, @Ctx() context: RequestContext): Promise<Theme[]> {
    const themes = await context.loaders.byOwner(Theme, 'programme', { position: 'asc' }).load(programme.id);
    return themes.filter((theme) => !theme.parent);
  }

  @ListSize(1500)
  @FieldResolver(() => [Territory], { description: 'The territories eligible under the programme (NUTS 3 units), by code. Counted as 1,500 records in a query’s cost.' })
  eligibleTerritories(@Root() programme: Programme, @Ctx() context: RequestContext): Promise<Territory[]> {
    return context.loaders.through(ProgrammeTerritory, 'programme', 'territory', Territory, {}, { code: 'asc' }).load(programme.id);
  }

  @FieldResolver(() => [Territory], {
    description:
      'The regions the programme’s documents say it covers (Hauts-de-France and Grand Est, Wallonia and Flanders), by code: ' +
      'how a reader names its area. Coarser than `eligibleTerritories`, the units actually eligible (part of a region may ' +
      'not be); empty when no source names them.',
  })
  coveredRegions(@Root() programme: Programme, @Ctx() context: RequestContext): Promise<Territory[]> {
    return context.loaders.through(ProgrammeRegion, 'programme', 'territory', Territory, {}, { code: 'asc' }).load(programme.id);
  }

  @ListSize(100)
  @FieldResolver(() => [Project], { description: 'The projects the programme funds, by slug. Counted as 100 records in a query’s cost.' })
  projects(@Root() programme: Programme, @Ctx() context: RequestContext): Promise<Project[]> {
    return context.loaders.byOwner(Project, 'programme', { slug: 'asc' }).load(programme.id);
  }

  @FieldResolver(() => [FactSheetEntry], { description: 'Every sourced statement about the programme and its outcomes, ready to quote.' })
  async factSheet(@Root() programme: Programme, @Ctx() context: RequestContext, @LangArg('The language of labels and number formats; English when absent or null.') asked: Language | null): Promise<FactSheetEntry[]> {
    const lang = asked ?? Language.EN;
    const [own, outcomes] = await Promise.all([claimsOf(context, programme.id), this.outcomes(programme, context)]);
    const related = await Promise.all(outcomes.map(async (outcome) => ({ id: outcome.id, name: outcomeName(outcome, lang), claims: await claimsOf(context, outcome.id) })));
    return recordFactSheet(context, own, related, lang);
  }

  @FieldResolver(() => [Outcome], { description: 'Indicators the programme reports or targets.' })
  outcomes(@Root() programme: Programme, @Ctx() context: RequestContext): Promise<Outcome[]> {
    return context.loaders.byOwner(Outcome, 'programme', { indicator: 'asc' }).load(programme.id);
  }
}

import type { GraphQLResolveInfo } from 'graphql';
import { Arg, Args, Ctx, Info, FieldResolver, Query, Resolver, Root } from 'type-graphql';
import type { RequestContext } from '../../graphql/context';
import { Connection, ConnectionArgs, ConnectionResult, selectsField } from '../../graphql/connection';
import { foundBy } from '../../graphql/errors';
import { ListSize } from '../../graphql/limits';
import { claimsOf, NAME_FIELDS, NamedRecordResolver } from '../../graphql/record-resolver';
import { Claim } from '../provenance/claim.entity';
import { ExternalId, externalIds } from '../organisation/organisation.resolver';
import { Organisation } from '../organisation/organisation.entity';
import { Programme, ProgrammeTerritory } from '../programme/programme.entity';
import { Project } from '../project/project.entity';
import { Territory, TerritoryEdge, TerritoryRelation } from './territory.entity';
import { TerritoryFilter, TerritoryOrder } from './territory.inputs';
import { TerritoryService } from './territory.service';

export const TerritoryConnection = Connection(Territory, 'Territory');

const byCode = (a: Territory, b: Territory) => a.code.localeCompare(b.code);

/** Territories one edge of `relation` away, following the edge from its `from` or its `to` end. */
async function neighbours(context: RequestContext, territory: Territory, relation: TerritoryRelation, from: 'from' | 'to'): Promise<Territory[]> {
  const found = await context.loaders.through(TerritoryEdge, from, from === 'from' ? 'to' : 'from', Territory, { relation }).load(territory.id);
  return [...found].sort(byCode);
}

@Resolver(() => Territory)
export class TerritoryResolver extends NamedRecordResolver(Territory, NAME_FIELDS) {
  @Query(() => Territory, { nullable: true, description: 'A territory by its NUTS code ("BE25") or slug ("cote-d-opale"); null, with a `NOT_FOUND` error naming the argument, when there is none.' })
  territory(@Arg('code', { description: 'The NUTS code or slug.' }) code: string, @Ctx() context: RequestContext): Promise<Territory | null> {
    return foundBy(context.loaders.byKey(Territory, 'code').load(code), 'territory', 'code', code);
  }

  @Query(() => TerritoryConnection, { description: 'Territories matching a filter, by code unless `orderBy` says otherwise.' })
  territories(
    @Args() args: ConnectionArgs,
    @Ctx() context: RequestContext,
    @Info() info: GraphQLResolveInfo,
    @Arg('filter', () => TerritoryFilter, { nullable: true, description: 'Which territories; all when absent.' }) filter?: TerritoryFilter | null,
    @Arg('orderBy', () => TerritoryOrder, { nullable: true, description: 'How to sort; by code when absent.' }) orderBy?: TerritoryOrder | null,
  ): Promise<ConnectionResult<Territory>> {
    return new TerritoryService(context).list(filter, orderBy, args, { withTotal: selectsField(info, 'totalCount') });
  }

  @FieldResolver(() => [Territory], { description: 'Every territory this one lies within, nearest first (Nord: Nord-Pas de Calais, Hauts-de-France, France).' })
  ancestors(@Root() territory: Territory, @Ctx() context: RequestContext): Promise<Territory[]> {
    return this.walk(territory, context, 'up');
  }

  @ListSize(500)
  @FieldResolver(() => [Territory], { description: 'Every territory inside this one, at any depth, nearest first. Counted as 500 records in a query’s cost.' })
  descendants(@Root() territory: Territory, @Ctx() context: RequestContext): Promise<Territory[]> {
    return this.walk(territory, context, 'down');
  }

  private walk(territory: Territory, context: RequestContext, direction: 'up' | 'down'): Promise<Territory[]> {
    return context.loaders.custom(`territory.walk.${direction}`, (ids) => new TerritoryService(context).walk(ids, direction)).load(territory.id);
  }

  @FieldResolver(() => [ExternalId], { description: 'Identifiers of the territory in other databases (Wikidata).' })
  externalIds(@Root() territory: Territory): ExternalId[] {
    return externalIds(territory.externalIds);
  }

  @FieldResolver(() => [Territory], { description: 'The territories this one lies within, one level up (Nord is part of Nord-Pas de Calais).' })
  partOf(@Root() territory: Territory, @Ctx() context: RequestContext): Promise<Territory[]> {
    return neighbours(context, territory, TerritoryRelation.PART_OF, 'from');
  }

  @FieldResolver(() => [Territory], { description: 'The territories directly inside this one, one level down.' })
  parts(@Root() territory: Territory, @Ctx() context: RequestContext): Promise<Territory[]> {
    return neighbours(context, territory, TerritoryRelation.PART_OF, 'to');
  }

  /**
   * Its own claims, and the overlap claims of the territories that declare an overlap with it: an overlap
   * is stated once, on one of the two, and read from either (`overlaps`), so its source must be found from
   * either too. Such a claim keeps its subject (the territory that declares it) and names this one as its
   * `reference`. Own claims first, as claimsOf orders them; then the others by field and id. Claims asked
   * for another field than `overlaps` read only its own.
   */
  protected override async loadClaims(territory: Territory, context: RequestContext, field?: string | null): Promise<Claim[]> {
    // An empty field asks for every claim, as `filterByField` reads it.
    if (field && field !== 'overlaps') return claimsOf(context, territory.id);
    const [own, declaredByOthers] = await Promise.all([
      claimsOf(context, territory.id),
      context.loaders.byOwner(Claim, 'referenceId', { preferred: 'desc' }, { field: 'overlaps' }).load(territory.id),
    ]);
    return declaredByOthers.length === 0 ? own : [...own, ...declaredByOthers];
  }

  @FieldResolver(() => [Territory], { description: 'Territories that overlap this one without containing it or lying inside it.' })
  async overlaps(@Root() territory: Territory, @Ctx() context: RequestContext): Promise<Territory[]> {
    // An overlap is stored once, in either direction.
    const [outgoing, incoming] = await Promise.all([
      neighbours(context, territory, TerritoryRelation.OVERLAPS, 'from'),
      neighbours(context, territory, TerritoryRelation.OVERLAPS, 'to'),
    ]);
    return [...new Map([...outgoing, ...incoming].map((other) => [other.id, other])).values()].sort(byCode);
  }

  @ListSize(2500)
  @FieldResolver(() => [Project], {
    description: 'The projects that address this territory, a territory inside it, or a territory overlapping one inside it. Counted as 2,500 records in a query’s cost.',
  })
  async projects(
    @Root() territory: Territory,
    @Ctx() context: RequestContext,
    @Arg('includeSubTerritories', { defaultValue: true, description: 'False: only projects that name this territory itself.' })
    includeSubTerritories: boolean,
  ): Promise<Project[]> {
    const ids = await context.loaders
      .custom(`territory.projects.${includeSubTerritories}`, (origins) => new TerritoryService(context).projectIdsAddressing(origins, includeSubTerritories))
      .load(territory.id);
    const projects = await context.loaders.existing(Project, ids);
    return [...projects.values()].sort((a, b) => a.slug.localeCompare(b.slug));
  }

  @ListSize(100)
  @FieldResolver(() => [Organisation], { description: 'The organisations based in this territory (not in the territories inside it). Counted as 100 records in a query’s cost.' })
  organisations(@Root() territory: Territory, @Ctx() context: RequestContext): Promise<Organisation[]> {
    return context.loaders.byOwner(Organisation, 'location', { slug: 'asc' }).load(territory.id);
  }

  @ListSize(50)
  @FieldResolver(() => [Programme], { description: 'The programmes that list this territory itself as eligible (their NUTS 3 units), the earliest first; a region or place inside or above one is not listed here: ask its ancestors or descendants. Counted as 50 records in a query’s cost.' })
  programmes(@Root() territory: Territory, @Ctx() context: RequestContext): Promise<Programme[]> {
    return context.loaders.through(ProgrammeTerritory, 'territory', 'programme', Programme, {}, { startYear: 'asc', slug: 'asc' }).load(territory.id);
  }
}

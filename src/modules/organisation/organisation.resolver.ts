import type { GraphQLResolveInfo } from 'graphql';
import { Arg, Args, Ctx, Info, Field, FieldResolver, Int, ObjectType, Query, Resolver, Root } from 'type-graphql';
import type { RequestContext } from '../../graphql/context';
import { Connection, ConnectionArgs, ConnectionResult, selectsField } from '../../graphql/connection';
import { foundBy } from '../../graphql/errors';
import { ListSize } from '../../graphql/limits';
import { refId } from '../../graphql/loaders';
import { NAME_FIELDS, NamedRecordResolver } from '../../graphql/record-resolver';
import { Outcome, OutcomeOrganisation } from '../outcome/outcome.entity';
import { Participation } from '../participation/participation.entity';
import { Programme } from '../programme/programme.entity';
import { Territory } from '../territory/territory.entity';
import { Project } from '../project/project.entity';
import { claimsOf } from '../../graphql/record-resolver';
import { LangArg, Language } from '../common/localised';
import { FactSheetEntry, recordFactSheet } from '../provenance/fact-sheet';
import { Organisation } from './organisation.entity';
import { CollaborationFilter, OrganisationFilter, OrganisationOrder } from './organisation.inputs';
import { OrganisationService } from './organisation.service';

export const OrganisationConnection = Connection(Organisation, 'Organisation');

const EXTERNAL_ID_URLS: Record<string, (id: string) => string> = {
  wikidata: (id) => `https://www.wikidata.org/wiki/${id}`,
};

@ObjectType({ description: 'An identifier of a record in another database (Wikidata, PIC, keep.eu).' })
export class ExternalId {
  @Field({ description: 'The database: "wikidata", "pic" or "keepEu".' })
  scheme!: string;

  @Field({ description: 'The identifier there, e.g. "Q18677767".' })
  value!: string;

  @Field(() => String, { nullable: true, description: 'Where to read the record there, when the database has stable addresses.' })
  url!: string | null;
}

export function externalIds(ids: Record<string, string> | null | undefined): ExternalId[] {
  return Object.entries(ids ?? {}).map(([scheme, value]) => ({ scheme, value, url: EXTERNAL_ID_URLS[scheme]?.(value) ?? null }));
}

@ObjectType({ description: 'A co-partner of an organisation and the projects they share.' })
export class Collaborator {
  @Field(() => Organisation, { description: 'The co-partner.' })
  organisation!: Organisation;

  @Field(() => [Project], { description: 'The projects both take part in.' })
  projects!: Project[];

  @Field(() => Int, { description: 'How many projects they share.' })
  count!: number;
}

@Resolver(() => Organisation)
export class OrganisationResolver extends NamedRecordResolver(Organisation, NAME_FIELDS) {
  @Query(() => Organisation, { nullable: true, description: 'An organisation by its slug ("le-forem"); null, with a `NOT_FOUND` error naming the argument, when there is none.' })
  organisation(@Arg('slug', { description: 'The organisation’s slug.' }) slug: string, @Ctx() context: RequestContext): Promise<Organisation | null> {
    return foundBy(context.loaders.byKey(Organisation, 'slug').load(slug), 'organisation', 'slug', slug);
  }

  @Query(() => OrganisationConnection, { description: 'Organisations matching a filter, by slug unless `orderBy` says otherwise.' })
  organisations(
    @Args() args: ConnectionArgs,
    @Ctx() context: RequestContext,
    @Info() info: GraphQLResolveInfo,
    @Arg('filter', () => OrganisationFilter, { nullable: true, description: 'Which organisations; all when absent.' }) filter?: OrganisationFilter | null,
    @Arg('orderBy', () => OrganisationOrder, { nullable: true, description: 'How to sort; by slug when absent.' }) orderBy?: OrganisationOrder | null,
  ): Promise<ConnectionResult<Organisation>> {
    return new OrganisationService(context).list(filter, orderBy, args, { withTotal: selectsField(info, 'totalCount') });
  }

  @ListSize(100)
  @FieldResolver(() => [Collaborator], {
    description: 'Who works with this organisation: every co-partner, with the projects shared, most shared first. Counted as 100 records in a query’s cost.',
  })
  async collaborators(
    @Root() organisation: Organisation,
    @Ctx() context: RequestContext,
    @Arg('filter', () => CollaborationFilter, { nullable: true, description: 'Which shared projects count.' }) filter?: CollaborationFilter | null,
  ): Promise<Collaborator[]> {
    const rows = await context.loaders
      .custom(`organisation.collaborators:${JSON.stringify(filter ?? {})}`, (ids) => new OrganisationService(context).collaborations(ids, filter))
      .load(organisation.id);
    const [partners, projectById] = await Promise.all([
      context.loaders.existing(Organisation, rows.map((row) => row.partnerId)),
      context.loaders.existing(Project, rows.flatMap((row) => row.projectIds)),
    ]);
    return rows.map((row) => {
      const shared = row.projectIds.map((id) => projectById.get(id)!).filter(Boolean).sort((a, b) => a.slug.localeCompare(b.slug));
      return { organisation: partners.get(row.partnerId)!, projects: shared, count: shared.length };
    });
  }

  @FieldResolver(() => [FactSheetEntry], { description: 'Every sourced statement about the organisation, ready to quote.' })
  async factSheet(@Root() organisation: Organisation, @Ctx() context: RequestContext, @LangArg('The language of labels and number formats; English when absent or null.') asked: Language | null): Promise<FactSheetEntry[]> {
    const lang = asked ?? Language.EN;
    return recordFactSheet(context, await claimsOf(context, organisation.id), [], lang);
  }

  @FieldResolver(() => Territory, { nullable: true, description: 'Where the organisation is based.' })
  location(@Root() organisation: Organisation, @Ctx() context: RequestContext): Promise<Territory | null> | null {
    const id = refId(organisation.location);
    return id ? context.loaders.byId(Territory).load(id) : null;
  }

  @FieldResolver(() => [ExternalId], { description: 'Identifiers of the organisation in other databases.' })
  externalIds(@Root() organisation: Organisation): ExternalId[] {
    return externalIds(organisation.externalIds);
  }

  @ListSize(100)
  @FieldResolver(() => [Participation], {
    description: 'The projects the organisation takes part in, with its role in each, the latest project first (by start date, then slug; projects without a start date last). Counted as 100 records in a query’s cost.',
  })
  participations(@Root() organisation: Organisation, @Ctx() context: RequestContext): Promise<Participation[]> {
    return context.loaders.custom('organisation.participations', (ids) => new OrganisationService(context).participationsOf(ids)).load(organisation.id);
  }

  @FieldResolver(() => [Programme], { description: 'The programmes the organisation manages.' })
  managedProgrammes(@Root() organisation: Organisation, @Ctx() context: RequestContext): Promise<Programme[]> {
    return context.loaders.byOwner(Programme, 'managingAuthority', { startYear: 'asc' }).load(organisation.id);
  }

  @FieldResolver(() => [Outcome], { description: 'Outcomes that involve the organisation without it being a partner (e.g. as an employer), by indicator.' })
  outcomes(@Root() organisation: Organisation, @Ctx() context: RequestContext): Promise<Outcome[]> {
    return context.loaders.through(OutcomeOrganisation, 'organisation', 'outcome', Outcome, {}, { indicator: 'asc', kind: 'asc', asOf: 'asc' }).load(organisation.id);
  }
}

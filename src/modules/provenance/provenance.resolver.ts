import type { GraphQLResolveInfo } from 'graphql';
import { Arg, Args, Ctx, Info, FieldResolver, ID, Int, Query, Resolver, Root } from 'type-graphql';
import type { RequestContext } from '../../graphql/context';
import { Connection, ConnectionArgs, ConnectionResult, selectsField } from '../../graphql/connection';
import { foundBy } from '../../graphql/errors';
import { ListSize } from '../../graphql/limits';
import { refId } from '../../graphql/loaders';
import { Node, toGlobalId } from '../../graphql/node';
import { loadNode } from '../../graphql/node.resolver';
import { filterByField } from '../../graphql/record-resolver';
import { Money, money } from '../common/money';
import { Funding } from '../funding/funding.entity';
import { Claim, ClaimValueKind } from './claim.entity';
import { Source } from './source.entity';
import { SourceFilter, SourceOrder } from './provenance.inputs';
import { SourceService } from './provenance.service';
import { Conflict, ConflictFilter, contradictory, findConflicts } from './conflicts';

export const SourceConnection = Connection(Source, 'Source');

@Resolver(() => Source)
export class SourceResolver {
  @Query(() => Source, { nullable: true, description: 'A source by its key ("keep-37"); null, with a `NOT_FOUND` error naming the argument, when there is none.' })
  source(@Arg('key', { description: 'The source’s key.' }) key: string, @Ctx() context: RequestContext): Promise<Source | null> {
    return foundBy(context.loaders.byKey(Source, 'key').load(key), 'source', 'key', key);
  }

  @Query(() => SourceConnection, { description: 'Sources matching a filter, by key unless `orderBy` says otherwise.' })
  sources(
    @Args() args: ConnectionArgs,
    @Ctx() context: RequestContext,
    @Info() info: GraphQLResolveInfo,
    @Arg('filter', () => SourceFilter, { nullable: true, description: 'Which sources; all when absent.' }) filter?: SourceFilter | null,
    @Arg('orderBy', () => SourceOrder, { nullable: true, description: 'How to sort; by key when absent.' }) orderBy?: SourceOrder | null,
  ): Promise<ConnectionResult<Source>> {
    return new SourceService(context).list(filter, orderBy, args, { withTotal: selectsField(info, 'totalCount') });
  }

  @ListSize(1000)
  @Query(() => [Conflict], {
    description:
      'Every field about which sources disagree: each version with its source, basis and date, and the one preferred. ' +
      'Conflicts are kept on purpose; this is where to read them. Counted as 1,000 records in a query’s cost.',
  })
  async conflicts(
    @Ctx() context: RequestContext,
    @Arg('filter', () => ConflictFilter, { nullable: true, description: 'Which conflicts; all when absent.' }) filter?: ConflictFilter | null,
  ): Promise<Conflict[]> {
    const groups = await findConflicts(context, filter);
    const [claimById, records] = await Promise.all([
      context.loaders.existing(Claim, groups.flatMap((group) => group.claimIds)),
      Promise.all(groups.map((group) => loadNode(context, group.recordType, group.recordId))),
    ]);
    // A claim's record is not a foreign key (claims are about records of every type): one whose record is
    // gone (seeding removes such claims) is left out rather than void the whole list through a null record.
    return groups.flatMap((group, index) => {
      const record = records[index];
      if (!record) return [];
      const groupClaims = group.claimIds.map((id) => claimById.get(id)!).filter(Boolean);
      return [{
        recordType: group.recordType,
        record,
        field: group.field,
        language: group.language,
        position: group.position,
        valueCount: group.valueCount,
        contradictory: contradictory(groupClaims),
        preferred: groupClaims.find((claim) => claim.preferred) ?? null,
        claims: groupClaims,
      }];
    });
  }

  @FieldResolver(() => ID, { description: 'Global, opaque and stable id; pass it to `node(id:)`.' })
  id(@Root() source: Source): string {
    return toGlobalId(Source.typename, source.id);
  }

  @FieldResolver(() => Int, { description: 'How many claims this source supports.' })
  claimCount(@Root() source: Source, @Ctx() context: RequestContext): Promise<number> {
    // Counted in the database: a source of a large import supports thousands of claims.
    return context.loaders
      .custom('source.claimCount', async (ids) => {
        const result: { rows: Array<{ source_id: string; count: number }> } = await context.sql.prepared(
          'select source_id, count(*)::int as count from claim where source_id = any(?) group by source_id',
          [[...new Set(ids)]],
        );
        const counts = new Map(result.rows.map((row) => [row.source_id, row.count]));
        return ids.map((id) => counts.get(id) ?? 0);
      })
      .load(source.id);
  }

  @ListSize(10000)
  @FieldResolver(() => [Claim], { description: 'The claims this source supports, or those about one field. Counted as 10,000 records in a query’s cost.' })
  async claims(
    @Root() source: Source,
    @Ctx() context: RequestContext,
    @Arg('field', () => String, { nullable: true, description: 'Only claims about this field.' }) field?: string | null,
  ): Promise<Claim[]> {
    const claims = await context.loaders.byOwner(Claim, 'source', { subjectType: 'asc', field: 'asc', position: 'asc' }).load(source.id);
    return filterByField(claims, field);
  }
}

@Resolver(() => Claim)
export class ClaimResolver {
  @FieldResolver(() => ID, { description: 'Global, opaque and stable id; pass it to `node(id:)`.' })
  id(@Root() claim: Claim): string {
    return toGlobalId(Claim.typename, claim.id);
  }

  @FieldResolver(() => Source, { description: 'The document the claim comes from.' })
  async source(@Root() claim: Claim, @Ctx() context: RequestContext): Promise<Source> {
    return (await context.loaders.byId(Source).load(refId(claim.source)!))!;
  }

  @FieldResolver(() => Node, { nullable: true, description: 'The record the claim is about.' })
  subject(@Root() claim: Claim, @Ctx() context: RequestContext): Promise<Node | null> {
    return loadNode(context, claim.subjectType, claim.subjectId);
  }

  @FieldResolver(() => Node, { nullable: true, description: 'For a REFERENCE value: the record it names.' })
  reference(@Root() claim: Claim, @Ctx() context: RequestContext): Promise<Node | null> | null {
    return claim.referenceType && claim.referenceId ? loadNode(context, claim.referenceType, claim.referenceId) : null;
  }

  @FieldResolver(() => Money, { nullable: true, description: 'For a MONEY value: the amount with its currency.' })
  money(@Root() claim: Claim): Money | null {
    return claim.valueKind === ClaimValueKind.MONEY ? money(claim.value, claim.unit ?? 'EUR', claim.approximate) : null;
  }

  @FieldResolver(() => Funding, { nullable: true, description: 'For a MONEY value: the funding record it supports.' })
  funding(@Root() claim: Claim, @Ctx() context: RequestContext): Promise<Funding | null> | null {
    const id = refId(claim.funding);
    return id ? context.loaders.byId(Funding).load(id) : null;
  }
}

import { GraphQLError } from 'graphql';
import { Arg, Ctx, ID, Query, Resolver } from 'type-graphql';
import { Funding } from '../modules/funding/funding.entity';
import { Organisation } from '../modules/organisation/organisation.entity';
import { Outcome } from '../modules/outcome/outcome.entity';
import { Participation } from '../modules/participation/participation.entity';
import { Programme } from '../modules/programme/programme.entity';
import { Project } from '../modules/project/project.entity';
import { Claim } from '../modules/provenance/claim.entity';
import { Source } from '../modules/provenance/source.entity';
import { Territory } from '../modules/territory/territory.entity';
import { Theme } from '../modules/theme/theme.entity';
import type { RequestContext } from './context';
import { badUserInput, notFound, quoted } from './errors';
import { fromGlobalId, Node } from './node';
import type { RecordClass } from './record-resolver';

/**
 * Every type that implements Node, by its GraphQL name. A Map: an object literal also answered to
 * "constructor" or "toString", names an id may carry, and loading a record of such a "type" failed inside.
 */
export const NODE_TYPES: ReadonlyMap<string, RecordClass<{ id: string }>> = new Map(
  [Programme, Theme, Project, Organisation, Participation, Territory, Funding, Outcome, Source, Claim].map((type) => [type.typename, type]),
);

export async function loadNode(context: RequestContext, typename: string, id: string): Promise<Node | null> {
  const type = NODE_TYPES.get(typename);
  if (!type) return null;
  return (await context.loaders.byId(type).load(id)) as unknown as Node | null;
}

/** A well-formed id whose record is not there (any more: re-seeding without it removes it). */
function gone(argumentName: string, globalId: string): GraphQLError {
  return notFound(argumentName, `No record has the id ${quoted(globalId)}; it may have been removed since the id was read.`);
}

function decode(globalId: string, argumentName: string): { typename: string; id: string } {
  const decoded = fromGlobalId(globalId);
  if (!decoded || !NODE_TYPES.has(decoded.typename)) {
    throw badUserInput(argumentName, `${quoted(globalId)} is not an id of this API; ids come from the "id" field of its records.`);
  }
  return decoded;
}

@Resolver()
export class NodeResolver {
  @Query(() => Node, {
    nullable: true,
    description: 'Any record by its global id; null, with a `NOT_FOUND` error, when it no longer exists.',
  })
  async node(@Arg('id', () => ID, { description: 'A global id.' }) id: string, @Ctx() context: RequestContext): Promise<Node> {
    const { typename, id: databaseId } = decode(id, 'id');
    const record = await loadNode(context, typename, databaseId);
    if (!record) throw gone('id', id);
    return record;
  }

  @Query(() => [Node], {
    nullable: 'items',
    description: 'Records by global id, in the order asked; null, with a `NOT_FOUND` error at its place in the list, for each one that no longer exists.',
  })
  nodes(
    @Arg('ids', () => [ID], { description: 'Global ids (at most `MAX_PAGE_SIZE`, 100 unless the server is set otherwise).' }) ids: string[],
    @Ctx() context: RequestContext,
  ): Promise<Array<Node | GraphQLError>> {
    if (ids.length > context.config.maxPageSize) {
      throw badUserInput('ids', `"ids" holds ${ids.length} ids; at most ${context.config.maxPageSize} can be asked at once.`);
    }
    const decoded = ids.map((id) => decode(id, 'ids'));
    // An error in place of an item is that item's null and its error (with the item's path), the others answered.
    return Promise.all(decoded.map(async ({ typename, id }, index) => (await loadNode(context, typename, id)) ?? gone('ids', ids[index]!)));
  }
}

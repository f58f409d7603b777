import { createHash } from 'node:crypto';
import { Arg, Ctx, Field, Float, Int, ObjectType, Query, registerEnumType, Resolver } from 'type-graphql';
import { ConnectionResult, PageInfo, pageRequest } from '../../graphql/connection';
import type { RequestContext } from '../../graphql/context';
import { badUserInput } from '../../graphql/errors';
import { Node } from '../../graphql/node';
import { loadNode } from '../../graphql/node.resolver';
import { SearchService, SearchType } from './search.service';

registerEnumType(SearchType, {
  name: 'SearchType',
  description: 'A kind of record `search` can return.',
  valuesConfig: {
    PROJECT: { description: 'Projects: titles, acronyms, summaries, objectives, activities.' },
    ORGANISATION: { description: 'Organisations: names, acronyms, aliases.' },
    PROGRAMME: { description: 'Programmes: names, CCI codes.' },
    TERRITORY: { description: 'Territories: names in every language, codes, aliases.' },
    THEME: { description: 'Themes: names.' },
  },
});

@ObjectType({ description: 'A search result with its cursor and relevance.' })
export class SearchEdge {
  @Field({ description: 'Opaque cursor of this result, for `after`.' })
  cursor!: string;

  @Field(() => Float, { description: 'Relevance: higher is better. Comparable within one search only.' })
  rank!: number;

  @Field(() => Node, { description: 'The record found.' })
  node!: Node;
}

@ObjectType({ description: 'A page of search results, best first.' })
export class SearchConnection {
  @Field(() => [SearchEdge], { description: 'The results of this page.' })
  edges!: SearchEdge[];

  @Field(() => PageInfo, { description: 'Where this page sits among all results.' })
  pageInfo!: PageInfo;

  @Field(() => Int, { description: 'How many records match in all.' })
  totalCount!: number;
}

/**
 * A cursor holds the position of its result and names its search (a digest of the words and types): one
 * taken from another search's results was read as a position in these, and skipped results no page
 * could reach again.
 */
function searchDigest(text: string, types: SearchType[]): string {
  return createHash('sha1').update(`${text}\u0000${[...types].sort().join(',')}`).digest('base64url').slice(0, 8);
}

const encodeOffset = (search: string, offset: number) => Buffer.from(JSON.stringify({ search, offset }), 'utf8').toString('base64url');

function decodeOffset(cursor: string, search: string): number {
  try {
    const decoded = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    // A safe integer: a larger one (1e21) reached PostgreSQL as a bigint out of range, an internal error.
    if (decoded?.search === search && Number.isSafeInteger(decoded.offset) && decoded.offset >= 0) return decoded.offset;
  } catch {
    // fall through to the error below
  }
  throw badUserInput('after', '"after" is not a cursor of these search results; use a cursor from its edges or pageInfo.');
}

@Resolver()
export class SearchResolver {
  @Query(() => SearchConnection, {
    description:
      'Finds records by words in any language: accents and case do not matter, French, Dutch and English word forms ' +
      'match ("soudage", "welding"), names match in every language ("Courtrai" finds Kortrijk) and small typos are forgiven.',
  })
  async search(
    @Ctx() context: RequestContext,
    @Arg('query', { description: 'Words to look for.' }) query: string,
    @Arg('types', () => [SearchType], { nullable: true, description: 'Only these kinds of record; all when absent.' }) types?: SearchType[] | null,
    @Arg('first', () => Int, { nullable: true, description: 'How many results (at most the page size cap); 20 when absent.' }) first?: number | null,
    @Arg('after', () => String, { nullable: true, description: 'Cursor of the result to continue after.' }) after?: string | null,
  ): Promise<ConnectionResult<Node>> {
    const text = query.trim();
    if (!text) throw badUserInput('query', '"query" must contain at least one word.');
    if (text.length > 200) throw badUserInput('query', `"query" must be at most 200 characters; got ${text.length}.`);
    const { size } = pageRequest({ first }, context.config.maxPageSize);
    const chosen = types && types.length > 0 ? types : Object.values(SearchType);
    // An empty cursor is refused like any other that is not one of these results'.
    const search = searchDigest(text, chosen);
    const offset = after != null ? decodeOffset(after, search) + 1 : 0;
    const service = new SearchService(context);
    // Run even for a page of 0 (its limit is then 1), to know whether hits follow and how many there are.
    const { hits, total } = await service.search(text, chosen, offset, size + 1);
    const page = hits.slice(0, size);
    const nodes = await Promise.all(page.map((hit) => loadNode(context, hit.recordType, hit.recordId)));
    const edges = page.map((hit, index) => ({ cursor: encodeOffset(search, offset + index), rank: hit.rank, node: nodes[index]! }));
    // The page's statement counted the hits.
    return new ConnectionResult(edges, { hasNextPage: hits.length > size, hasPreviousPage: offset > 0 }, total);
  }
}

import { Arg, Ctx, Field, Float, Int, ObjectType, Query, registerEnumType, Resolver } from 'type-graphql';
import { ConnectionResult, cursorDigest, decodeCursor, encodeCursor, notACursor, PageInfo, pageRequest } from '../../graphql/connection';
import type { RequestContext } from '../../graphql/context';
import { checkSearchText, MAX_SEARCH_TEXT_LENGTH } from '../../graphql/filters';
import { Node } from '../../graphql/node';
import { loadNode } from '../../graphql/node.resolver';
import { SearchService, SearchType } from './search.service';

registerEnumType(SearchType, {
  name: 'SearchType',
  description: 'A kind of record `search` can return.',
  valuesConfig: {
    PROJECT: { description: 'Projects: titles, acronyms, summaries, objectives, activities, target groups and obstacles.' },
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
 * A search's cursors name it (a digest of its words and types) beside their result's position: a cursor
 * taken from another search's results was read as a position in these, and skipped results no page could
 * reach again.
 */
function searchCursorList(text: string, types: SearchType[]): string {
  return cursorDigest(`search:${text}\u0000${[...types].sort().join(',')}`);
}

function decodeOffset(cursor: string, list: string): number {
  const [offset] = decodeCursor(cursor, list, 1, 'after');
  // A safe integer: a larger one (1e21) reached PostgreSQL as a bigint out of range, an internal error.
  if (Number.isSafeInteger(offset) && (offset as number) >= 0) return offset as number;
  throw notACursor('after');
}

@Resolver()
export class SearchResolver {
  @Query(() => SearchConnection, {
    description:
      'Finds records by words in any language: accents and case do not matter, French, Dutch and English word forms ' +
      'match ("soudage", "welding"), names match in every language ("Courtrai" finds Kortrijk) and, when no record matches ' +
      'the words as typed, names with a small typo are found.',
  })
  async search(
    @Ctx() context: RequestContext,
    @Arg('query', {
      description:
        'Words to look for, all of them unless `or` stands between two, which accepts either: "a quoted phrase" keeps its ' +
        'words together and in order, and -word or -"a phrase" leaves out the records that have it (in any language). ' +
        `At most ${MAX_SEARCH_TEXT_LENGTH} characters.`,
    }) query: string,
    @Arg('types', () => [SearchType], { nullable: true, description: 'Only these kinds of record; all when absent.' }) types?: SearchType[] | null,
    @Arg('first', () => Int, { nullable: true, description: 'How many results (at most the page size cap); 20 when absent.' }) first?: number | null,
    @Arg('after', () => String, { nullable: true, description: 'Cursor of the result to continue after.' }) after?: string | null,
  ): Promise<ConnectionResult<Node>> {
    const search = checkSearchText(query, 'query');
    const { text } = search;
    const { size } = pageRequest({ first }, context.config.maxPageSize);
    const chosen = types && types.length > 0 ? types : Object.values(SearchType);
    // An empty cursor is refused like any other that is not one of these results'.
    const list = searchCursorList(text, chosen);
    const offset = after != null ? decodeOffset(after, list) + 1 : 0;
    const service = new SearchService(context);
    // Run even for a page of 0 (its limit is then 1), to know whether hits follow and how many there are.
    const { hits, total } = await service.search(search, chosen, offset, size + 1);
    const page = hits.slice(0, size);
    const nodes = await Promise.all(page.map((hit) => loadNode(context, hit.recordType, hit.recordId)));
    const edges = page.map((hit, index) => ({ cursor: encodeCursor(list, [offset + index]), rank: hit.rank, node: nodes[index]! }));
    // The page's statement counted the hits.
    return new ConnectionResult(edges, { hasNextPage: hits.length > size, hasPreviousPage: offset > 0 }, total);
  }
}

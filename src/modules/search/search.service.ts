import type { RequestContext } from '../../graphql/context';
import { textQuerySql } from '../../graphql/filters';

export enum SearchType {
  PROJECT = 'Project',
  ORGANISATION = 'Organisation',
  PROGRAMME = 'Programme',
  TERRITORY = 'Territory',
  THEME = 'Theme',
}

/**
 * How much a match on each type weighs. Records that searches are after (projects, organisations, then
 * programmes and places) come before themes: a theme is a label whose whole name is made of topic words,
 * so it would otherwise outrank every project about that topic ("emploi transfrontalier").
 */
const TYPE_WEIGHT: Record<SearchType, number> = {
  [SearchType.PROJECT]: 1.0,
  [SearchType.ORGANISATION]: 1.0,
  [SearchType.PROGRAMME]: 0.9,
  [SearchType.TERRITORY]: 0.9,
  [SearchType.THEME]: 0.35,
};

/** A match by name similarity alone (a typo) ranks below the word matches of its type. */
const TYPO_WEIGHT = 0.5;

export interface SearchHit {
  recordType: SearchType;
  recordId: string;
  rank: number;
}

/** A page of hits, and, when asked for, the number of hits in all. */
export interface SearchPage {
  hits: SearchHit[];
  total?: number;
}

/** The order of hits (of a table alias's): best first, then a fixed order among equals, so that pages follow one another. */
const hitOrder = (alias = '') => `${alias}rank desc, ${alias}record_type, ${alias}record_id`;

export class SearchService {
  constructor(private readonly context: RequestContext) {}

  /**
   * Full-text matches in French, Dutch and English (stemmed, accents folded) over names, aliases, titles,
   * summaries and lists, ranked by text rank weighted by type; when no record matches the words, names
   * similar to the query (a typo). Both are served by GIN indexes on `search_document`. The texts depend
   * only on the set of types asked (values are bindings), so they are prepared statements: planning took 6 ms.
   */
  private statements(text: string, asked: SearchType[]) {
    // Each type once, in the enum's order, whatever was asked (each text is a prepared statement of every
    // connection); projects first, as most matches are, for the weights' CASE.
    const types = Object.values(SearchType).filter((type) => asked.includes(type));
    const query = textQuerySql(text);
    const weights = types.map((type) => `when '${type}' then ${TYPE_WEIGHT[type]}`).join(' ');
    // Every type asked (a search without `types`): no condition on the type, which search_document holds
    // no other of (test/querying.test.ts checks). Comparing each match's type with five names was a tenth
    // of the statement (5,501 matches at full size: 12.0 against 10.8 ms, alternated on one connection).
    const everyType = types.length === Object.values(SearchType).length;
    const ofType = everyType ? '' : `d.record_type in (${types.map(() => '?').join(', ')}) and `;
    const typeBindings = everyType ? [] : types;
    const rank = (score: string) => `(${score} * (case d.record_type ${weights} end))::float8 as rank`;
    return {
      // The word matches alone. `offset 0` keeps the subquery whole, so each match is ranked as it is read
      // and only its type, id and rank go on to the count and the sort: flattened, PostgreSQL carried every
      // match's document up to the window and ranked it there (5,501 matches: 31 against 11 ms).
      words: {
        sql: `select d.record_type, d.record_id, ${rank('ts_rank(d.document, q.query)')}
          from search_document d, (select ${query.sql} as query) as q
          where ${ofType}d.document @@ q.query offset 0`,
        bindings: [...query.bindings!, ...typeBindings],
      },
      // The word matches, or, when there are none, the names similar to the query. Name similarity is the
      // fallback for typos: a loose trigram match on every name would otherwise be computed for every search.
      wordsElseTypos: {
        sql: `with q as (select ${query.sql} as query, kb_fold(?) as folded),
          words as materialized (
            select d.record_type, d.record_id, ${rank('ts_rank(d.document, q.query)')}
            from search_document d, q
            where ${ofType}d.document @@ q.query),
          typos as (
            select d.record_type, d.record_id, ${rank(`${TYPO_WEIGHT} * word_similarity(q.folded, d.names)`)}
            from search_document d, q
            where not exists (select 1 from words) and ${ofType}q.folded <% d.names)
          select * from words union all select * from typos`,
        bindings: [...query.bindings!, text, ...typeBindings, ...typeBindings],
      },
    };
  }

  /**
   * A page of hits; with `withTotal`, the number of hits in all, counted by the same statement (ranking
   * every match is most of a search's work, so it is done once for both).
   *
   * The page is first read from the word matches alone; only a page that finds none (no match, a typo, or
   * a page past the last hit) asks again with the typo fallback. Written as one statement, the fallback
   * (a materialized list of the matches, checked for emptiness, and a union) cost every search a fifth
   * more (5,501 matches at full size: 13.5 against 11.0 ms, alternated on one connection).
   */
  async search(text: string, types: SearchType[], offset: number, limit: number, withTotal = false): Promise<SearchPage> {
    const { words, wordsElseTypos } = this.statements(text, types);
    // Counted by a window over the page's rows: nothing to count with when the page is empty.
    const total = withTotal ? ', count(*) over () as total' : '';
    const found = await this.rows(`select *${total} from (${words.sql}) as hits order by ${hitOrder()} limit ? offset ?`, [...words.bindings, limit, offset]);
    if (found.length > 0) return { hits: found.map(toHit), total: withTotal ? Number(found[0].total) : undefined };
    // With its total, the fallback counts beside its page, so that an empty page still says how many hits
    // there are (none, or fewer than the offset): one ranking of the matches for both.
    const rows = await this.rows(
      withTotal
        ? `with hits as (${wordsElseTypos.sql})
          select page.*, counted.total from (select count(*) as total from hits) as counted
          left join lateral (select * from hits order by ${hitOrder()} limit ? offset ?) as page on true
          order by ${hitOrder('page.')}`
        : `select * from (${wordsElseTypos.sql}) as hits order by ${hitOrder()} limit ? offset ?`,
      [...wordsElseTypos.bindings, limit, offset],
    );
    // The fallback's empty page is one row with no hit, and the total.
    return { hits: rows.filter((row) => row.record_id !== null).map(toHit), total: withTotal ? Number(rows[0].total) : undefined };
  }

  private async rows(sql: string, bindings: unknown[]): Promise<HitRow[]> {
    const result: { rows: HitRow[] } = await this.context.sql.prepared(sql, bindings);
    return result.rows;
  }

  /** The number of hits in all (when the page was read without it). */
  async count(text: string, types: SearchType[]): Promise<number> {
    const { wordsElseTypos } = this.statements(text, types);
    const result: { rows: Array<{ count: string }> } = await this.context.sql.prepared(`select count(*) as count from (${wordsElseTypos.sql}) as hits`, wordsElseTypos.bindings);
    return Number(result.rows[0].count);
  }
}

interface HitRow {
  record_type: SearchType;
  record_id: string | null;
  rank: number;
  total?: string;
}

function toHit(row: HitRow): SearchHit {
  return { recordType: row.record_type, recordId: row.record_id!, rank: row.rank };
}

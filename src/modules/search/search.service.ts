import type { RequestContext } from '../../graphql/context';
import { SearchText, textQuerySql, withoutExcludedSql } from '../../graphql/filters';

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

/** A page of hits, and the number of hits in all. */
export interface SearchPage {
  hits: SearchHit[];
  total: number;
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
  private statements(text: SearchText, asked: SearchType[]) {
    // Each type once, in the enum's order, whatever was asked (each text is a prepared statement of every
    // connection); projects first, as most matches are, for the weights' CASE. Weights are float8: a
    // numeric weight was converted to float8 for every match, through its text form (5,501 matches: 0.5
    // ms of 12); the ranks are the same.
    const types = Object.values(SearchType).filter((type) => asked.includes(type));
    const query = textQuerySql(text);
    const weights = types.map((type) => `when '${type}' then ${TYPE_WEIGHT[type]}::float8`).join(' ');
    // Every type asked (a search without `types`): no condition on the type, which search_document holds
    // no other of (test/querying.test.ts checks). Comparing each match's type with five names was a tenth
    // of the statement (5,501 matches at full size: 12.0 against 10.8 ms, alternated on one connection).
    const everyType = types.length === Object.values(SearchType).length;
    const ofType = everyType ? '' : `d.record_type in (${types.map(() => '?').join(', ')}) and `;
    const typeBindings = everyType ? [] : types;
    const rank = (score: string) => `(${score})::float8 * (case d.record_type ${weights} end) as rank`;
    return {
      words: {
        sql: `select d.record_type, d.record_id, ${rank('ts_rank(d.document, q.query)')}
          from search_document d, (select ${query.sql} as query) as q
          where ${ofType}d.document @@ q.query`,
        bindings: [...query.bindings!, ...typeBindings],
      },
      // Name similarity is the fallback for typos: a loose trigram match on every name would otherwise be
      // computed for every search. Its text is written only for a search that needs it. It looks for the
      // words wanted, and leaves out what the text excludes, as the word matches do.
      typos: () => {
        const without = withoutExcludedSql(text, 'd.document');
        return {
          sql: `select d.record_type, d.record_id, ${rank(`${TYPO_WEIGHT} * word_similarity(q.folded, d.names)`)}
            from search_document d, (select kb_fold(?) as folded) as q
            where ${ofType}q.folded <% d.names${without ? ` and ${without.sql}` : ''}`,
          bindings: [text.wanted, ...typeBindings, ...(without?.bindings ?? [])],
        };
      },
    };
  }

  /**
   * A page of hits and the number of hits in all: the word matches, or, when no record matches the words,
   * the names similar to the query (a typo), asked in a second statement.
   */
  async search(text: SearchText, types: SearchType[], offset: number, limit: number): Promise<SearchPage> {
    const { words, typos } = this.statements(text, types);
    const found = await this.page(words, offset, limit);
    return found.total > 0 ? found : this.page(typos(), offset, limit);
  }

  /**
   * A page of `hits` and their number, in one statement: ranking every match is most of a search's work,
   * and the sort that picks the page reads every match anyway. The matches are kept whole (a materialized
   * list of type, id and rank: each is ranked as it is read, and only those three go on to the count and
   * the sort), and counted beside the page, so that an empty page (past the last hit, or no hit at all)
   * still says how many hits there are: one row with no hit, and the total. Against the page and a count
   * by a window over its rows (5,501 matches, alternated on one connection): 10.8 to 11.4 ms against 11.8
   * to 12.4, float8 weights included.
   */
  private async page(hits: { sql: string; bindings: unknown[] }, offset: number, limit: number): Promise<SearchPage> {
    const result: { rows: HitRow[] } = await this.context.sql.prepared(
      `with hits as materialized (${hits.sql})
        select page.*, counted.total from (select count(*) as total from hits) as counted
        left join lateral (select * from hits order by ${hitOrder()} limit ? offset ?) as page on true
        order by ${hitOrder('page.')}`,
      [...hits.bindings, limit, offset],
    );
    return { hits: result.rows.filter((row) => row.record_id !== null).map(toHit), total: Number(result.rows[0].total) };
  }
}

interface HitRow {
  record_type: SearchType;
  record_id: string | null;
  rank: number;
  total: string;
}

function toHit(row: HitRow): SearchHit {
  return { recordType: row.record_type, recordId: row.record_id!, rank: row.rank };
}

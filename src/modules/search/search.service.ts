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
  /** The number of hits in all, when asked for. */
  total?: number;
}

export class SearchService {
  constructor(private readonly context: RequestContext) {}

  /**
   * Full-text matches in French, Dutch and English (stemmed, accents folded) over names, aliases, titles,
   * summaries and lists, ranked by text rank weighted by type; when no record matches the words, names
   * similar to the query (a typo). Both are served by GIN indexes on `search_document`. The texts depend
   * only on the set of types asked (values are bindings), so they are prepared statements: planning took 6 ms.
   */
  private statements(text: string, asked: SearchType[]) {
    // In the enum's order, whatever the order asked (each text is a prepared statement of every
    // connection); projects first, as most matches are, for the weights' CASE.
    const types = Object.values(SearchType).filter((type) => asked.includes(type));
    const query = textQuerySql(text);
    const weights = types.map((type) => `when '${type}' then ${TYPE_WEIGHT[type]}`).join(' ');
    // Every type asked (a search without `types`): no condition on the type, which search_document holds
    // no other of (test/querying.test.ts checks). Comparing each match's type with five names was a tenth
    // of the statement (5,501 matches at full size: 12.0 against 10.8 ms, alternated on one connection).
    const everyType = Object.values(SearchType).every((type) => types.includes(type));
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
   * A page of hits; with `withTotal`, each hit also carries the number of hits in all, counted by the
   * same statement (ranking every match is most of a search's work, so it is done once for both).
   *
   * The page is first read from the word matches alone; only a page that finds none (no match, a typo, or
   * a page past the last hit) asks again with the typo fallback. Written as one statement, the fallback
   * (a materialized list of the matches, checked for emptiness, and a union) cost every search a fifth
   * more (5,501 matches at full size: 13.5 against 11.0 ms, alternated on one connection).
   */
  async search(text: string, types: SearchType[], offset: number, limit: number, withTotal = false): Promise<SearchHit[]> {
    const { words, wordsElseTypos } = this.statements(text, types);
    const page = await this.page(words, offset, limit, withTotal);
    return page.length > 0 ? page : this.page(wordsElseTypos, offset, limit, withTotal);
  }

  private async page(hits: { sql: string; bindings: unknown[] }, offset: number, limit: number, withTotal: boolean): Promise<SearchHit[]> {
    const total = withTotal ? ', count(*) over () as total' : '';
    const result: { rows: Array<{ record_type: SearchType; record_id: string; rank: number; total?: string }> } = await this.context.sql.prepared(
      `select *${total} from (${hits.sql}) as hits order by rank desc, record_type, record_id limit ? offset ?`,
      [...hits.bindings, limit, offset],
    );
    return result.rows.map((row) => ({ recordType: row.record_type, recordId: row.record_id, rank: row.rank, total: row.total === undefined ? undefined : Number(row.total) }));
  }

  /** The number of hits in all (asked past the last page, where no hit carries it). */
  async count(text: string, types: SearchType[]): Promise<number> {
    const { wordsElseTypos } = this.statements(text, types);
    const result: { rows: Array<{ count: string }> } = await this.context.sql.prepared(`select count(*) as count from (${wordsElseTypos.sql}) as hits`, wordsElseTypos.bindings);
    return Number(result.rows[0].count);
  }
}

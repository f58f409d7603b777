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

export class SearchService {
  constructor(private readonly context: RequestContext) {}

  /**
   * Full-text matches in French, Dutch and English (stemmed, accents folded) over names, aliases, titles,
   * summaries and lists, plus typo-tolerant trigram matches on names; ranked by text rank (or, for a
   * typo, name similarity), weighted by type. Both conditions are served by GIN indexes on `search_document`.
   */
  private base(text: string, types: SearchType[]) {
    const query = textQuerySql(text);
    const weights = types.map((type) => `when '${type}' then ${TYPE_WEIGHT[type]}`).join(' ');
    return {
      sql: `with q as (select ${query.sql} as query, kb_fold(?) as folded)
        select d.record_type, d.record_id,
          ((case when d.document @@ q.query then ts_rank(d.document, q.query) else ${TYPO_WEIGHT} * word_similarity(q.folded, d.names) end)
            * (case d.record_type ${weights} end))::float8 as rank
        from search_document d, q
        where d.record_type in (${types.map(() => '?').join(', ')})
          and (d.document @@ q.query or q.folded <% d.names)`,
      bindings: [...query.bindings!, text, ...types],
    };
  }

  async search(text: string, types: SearchType[], offset: number, limit: number): Promise<SearchHit[]> {
    const base = this.base(text, types);
    const result: { rows: Array<{ record_type: SearchType; record_id: string; rank: number }> } = await this.context.em
      .getKnex()
      .raw(`${base.sql} order by rank desc, d.record_type, d.record_id limit ? offset ?`, [...base.bindings, limit, offset] as never);
    return result.rows.map((row) => ({ recordType: row.record_type, recordId: row.record_id, rank: row.rank }));
  }

  async count(text: string, types: SearchType[]): Promise<number> {
    const base = this.base(text, types);
    const result: { rows: Array<{ count: string }> } = await this.context.em
      .getKnex()
      .raw(`select count(*) as count from (${base.sql}) as hits`, base.bindings as never);
    return Number(result.rows[0].count);
  }
}

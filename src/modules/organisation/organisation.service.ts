import { localisedSortColumn } from '../../db/indexes';
import type { RequestContext } from '../../graphql/context';
import { allOf, Condition, ConnectionArgs, ConnectionResult, paginate, PageOptions } from '../../graphql/connection';
import { checkSearchText, countryCodes, given, inList, knownIds, named, orderKeys, SortColumns, territoryReachSql, textMatchCondition, yearRangeConditions } from '../../graphql/filters';
import { rowMapper } from '../../graphql/rows';
import { Participation } from '../participation/participation.entity';
import { Programme } from '../programme/programme.entity';
import { Territory } from '../territory/territory.entity';
import { Organisation } from './organisation.entity';
import { CollaborationFilter, OrganisationFilter, OrganisationOrder, OrganisationOrderField } from './organisation.inputs';

export interface CollaborationRow {
  organisationId: string;
  partnerId: string;
  projectIds: string[];
}

const SORT: SortColumns<OrganisationOrderField> = {
  [OrganisationOrderField.SLUG]: () => [{ sql: 'o.slug' }],
  [OrganisationOrderField.NAME]: (lang) => [{ sql: `o.${localisedSortColumn('name', lang)}`, nullable: true }],
};

export class OrganisationService {
  constructor(private readonly context: RequestContext) {}

  /**
   * The conditions of a filter. `argument` is what errors call the filter: "filter" in GraphQL, where a
   * field is "filter.country"; empty in a download, whose parameters are the fields themselves ("country").
   */
  async conditions(filter: OrganisationFilter | null | undefined, argument = 'filter'): Promise<Condition[]> {
    if (!filter) return [];
    const name = (field: string) => (argument ? `${argument}.${field}` : field);
    const conditions: Condition[] = [];
    if (given(filter.kind)) conditions.push(inList('o.kind', filter.kind));
    if (given(filter.country)) conditions.push(inList('o.country', countryCodes(filter.country, name('country'))));
    const ids = await knownIds(this.context.loaders, {
      territory: named(filter.territory, Territory, 'code', name('territory'), 'territory code'),
      programme: named(filter.programme, Programme, 'slug', name('programme'), 'programme'),
    });
    if (ids.territory) {
      // An absent flag (a filter built by code, not by GraphQL, which fills the default) reads as true.
      const reach = territoryReachSql(ids.territory, filter.includeSubTerritories !== false);
      conditions.push({ sql: `o.location_id = any(${reach.sql})`, bindings: reach.bindings });
    }
    if (ids.programme) {
      conditions.push({
        sql: `exists (select 1 from participation pa join project p on p.id = pa.project_id where pa.organisation_id = o.id and p.programme_id = any(?))`,
        bindings: [ids.programme],
      });
    }
    if (filter.text?.trim()) conditions.push(textMatchCondition('o.id', 'Organisation', checkSearchText(filter.text, name('text'))));
    return conditions;
  }

  async list(filter: OrganisationFilter | null | undefined, orderBy: OrganisationOrder | null | undefined, args: ConnectionArgs, options: PageOptions = {}): Promise<ConnectionResult<Organisation>> {
    const sort = orderKeys(SORT, orderBy, OrganisationOrderField.SLUG);
    return paginate(this.context, Organisation, { table: 'organisation', alias: 'o', where: await this.conditions(filter), sort }, args, options);
  }

  /**
   * Co-partners of many organisations at once, with the projects shared: one SQL statement for a whole
   * batch of organisations, grouped by pair, most shared projects first.
   */
  async collaborations(organisationIds: readonly string[], filter: CollaborationFilter | null | undefined): Promise<CollaborationRow[][]> {
    const conditions: Condition[] = [{ sql: 'mine.organisation_id = any(?)', bindings: [[...new Set(organisationIds)]] }];
    const { programme } = await knownIds(this.context.loaders, { programme: named(filter?.programme, Programme, 'slug', 'filter.programme', 'programme') });
    if (programme) conditions.push({ sql: 'p.programme_id = any(?)', bindings: [programme] });
    conditions.push(...yearRangeConditions(filter?.period, 'filter.period', 'g.start_year', 'g.end_year'));
    const where = allOf(conditions);
    // The text depends only on which filters are given (ids are one array parameter): a prepared statement.
    const { rows }: { rows: Array<{ organisation_id: string; partner_id: string; project_ids: string[] }> } = await this.context.sql.prepared(
      `select mine.organisation_id, theirs.organisation_id as partner_id, array_agg(distinct mine.project_id) as project_ids
       from participation mine
       join participation theirs on theirs.project_id = mine.project_id and theirs.organisation_id <> mine.organisation_id
       join project p on p.id = mine.project_id
       join programme g on g.id = p.programme_id
       where ${where.sql}
       group by mine.organisation_id, theirs.organisation_id
       order by count(distinct mine.project_id) desc, theirs.organisation_id`,
      where.bindings!,
    );
    const byOrganisation = new Map<string, CollaborationRow[]>(organisationIds.map((id) => [id, []]));
    for (const row of rows) byOrganisation.get(row.organisation_id)?.push({ organisationId: row.organisation_id, partnerId: row.partner_id, projectIds: row.project_ids });
    return organisationIds.map((id) => byOrganisation.get(id)!);
  }

  /**
   * The participations of many organisations at once, each organisation's latest project first (by start
   * date, then slug; projects without a date last): one statement for the batch. The participation table
   * holds nothing a reader would sort by, so its projects are joined for their dates and slugs.
   */
  async participationsOf(organisationIds: readonly string[]): Promise<Participation[][]> {
    const mapper = rowMapper(this.context.metadata, Participation);
    const { rows }: { rows: unknown[][] } = await this.context.sql.prepared(
      `select ${mapper.selectList('pa')}, pa.organisation_id as "__organisation" from participation pa join project p on p.id = pa.project_id
       where pa.organisation_id = any(?)
       order by pa.organisation_id, p.start_date desc nulls last, p.slug, pa.id`,
      [[...new Set(organisationIds)]],
      'arrays',
    );
    const byOrganisation = new Map<unknown, Participation[]>(organisationIds.map((id) => [id, []]));
    // The organisation follows the participation's columns.
    for (const row of rows) byOrganisation.get(row[mapper.width])?.push(mapper.map(row));
    return organisationIds.map((id) => byOrganisation.get(id)!);
  }
}

import { localisedSortColumn } from '../../db/indexes';
import type { RequestContext } from '../../graphql/context';
import { Condition, ConnectionArgs, ConnectionResult, paginate, PageOptions } from '../../graphql/connection';
import { countryCodes, given, inList, knownIds, named, orderKeys, SortColumns } from '../../graphql/filters';
import { rowMapper } from '../../graphql/rows';
import { Territory } from './territory.entity';
import { TerritoryFilter, TerritoryOrder, TerritoryOrderField } from './territory.inputs';

const SORT: SortColumns<TerritoryOrderField> = {
  [TerritoryOrderField.CODE]: () => [{ sql: 't.code' }],
  [TerritoryOrderField.NAME]: (lang) => [{ sql: `t.${localisedSortColumn('name', lang)}`, nullable: true }],
};

export class TerritoryService {
  constructor(private readonly context: RequestContext) {}

  async list(filter: TerritoryFilter | null | undefined, orderBy: TerritoryOrder | null | undefined, args: ConnectionArgs, options: PageOptions = {}): Promise<ConnectionResult<Territory>> {
    const conditions: Condition[] = [];
    if (given(filter?.level)) conditions.push(inList('t.level', filter.level));
    if (given(filter?.country)) conditions.push(inList('t.country', countryCodes(filter.country, 'filter.country')));
    // An empty code is a code given, and refused as unknown (it read as no filter: every territory).
    const { parent } = await knownIds(this.context.loaders, { parent: named(filter?.parent != null ? [filter.parent] : [], Territory, 'code', 'filter.parent', 'territory code') });
    if (parent) conditions.push({ sql: `t.id in (select e.from_id from territory_edge e where e.relation = 'PART_OF' and e.to_id = any(?))`, bindings: [parent] });
    return paginate(this.context, Territory, { table: 'territory', alias: 't', where: conditions, sort: orderKeys(SORT, orderBy, TerritoryOrderField.CODE) }, args, options);
  }

  /**
   * Walks `partOf` edges from many territories at once, in one prepared statement that also reads the
   * territories reached: upwards gives the ancestors, downwards the descendants, each list nearest first
   * and then by code. The territories reached are looked up by their ids, collected first: joined to the
   * walk alone (which PostgreSQL guesses at 200 rows), every territory was read into a hash on each call
   * (0.5 ms of PostgreSQL CPU a call, 0.23 after, in a loop on one connection).
   */
  async walk(origins: readonly string[], direction: 'up' | 'down'): Promise<Territory[][]> {
    const [from, to] = direction === 'up' ? ['from_id', 'to_id'] : ['to_id', 'from_id'];
    const mapper = rowMapper(this.context.metadata, Territory);
    const sql = `with recursive walk(origin, id, depth) as (
         select e.${from}, e.${to}, 1 from territory_edge e
         where e.relation = 'PART_OF' and e.${from} = any(?)
         union
         select walk.origin, e.${to}, walk.depth + 1 from territory_edge e join walk on e.${from} = walk.id
         where e.relation = 'PART_OF' and walk.depth < 32
       ),
       nearest as (select origin, id, min(depth)::int as depth from walk group by origin, id)
       select ${mapper.selectList('t')}, n.origin as "__origin", n.depth as "__depth" from nearest n join territory t on t.id = n.id
       where t.id = any(array(select id from nearest))`;
    const result: { rows: unknown[][] } = await this.context.sql.prepared(sql, [[...new Set(origins)]], 'arrays');
    const byOrigin = new Map<unknown, Array<{ territory: Territory; depth: number }>>(origins.map((origin) => [origin, []]));
    // The origin and the depth follow the territory's columns.
    const [originAt, depthAt] = [mapper.width, mapper.width + 1];
    for (const row of result.rows) byOrigin.get(row[originAt])?.push({ territory: mapper.map(row), depth: row[depthAt] as number });
    return origins.map((origin) =>
      byOrigin
        .get(origin)!
        .sort((a, b) => a.depth - b.depth || a.territory.code.localeCompare(b.territory.code))
        .map((reached) => reached.territory),
    );
  }

  /**
   * The projects that address each territory: directly, or (with sub-territories) through any territory
   * it reaches (inside it, or overlapping those), read from `territory_reach` like the list filters.
   * One prepared statement for every territory of the batch.
   */
  async projectIdsAddressing(origins: readonly string[], includeSubTerritories: boolean): Promise<string[][]> {
    const sql = includeSubTerritories
      ? `select distinct r.territory_id as origin, x.project_id from territory_reach r join project_territory x on x.territory_id = r.reached_id
         where r.territory_id = any(?)`
      : `select x.territory_id as origin, x.project_id from project_territory x where x.territory_id = any(?)`;
    const result: { rows: Array<{ origin: string; project_id: string }> } = await this.context.sql.prepared(sql, [[...origins]]);
    const byOrigin = new Map<string, string[]>(origins.map((origin) => [origin, []]));
    for (const row of result.rows) byOrigin.get(row.origin)?.push(row.project_id);
    return origins.map((origin) => byOrigin.get(origin)!);
  }
}

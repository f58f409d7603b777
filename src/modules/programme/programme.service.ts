import { localisedSortColumn } from '../../db/indexes';
import type { RequestContext } from '../../graphql/context';
import { Condition, ConnectionArgs, ConnectionResult, paginate, PageOptions } from '../../graphql/connection';
import { countryCodes, given, inList, orderKeys, SortColumns, yearRangeConditions } from '../../graphql/filters';
import { Programme } from './programme.entity';
import { ProgrammeFilter, ProgrammeOrder, ProgrammeOrderField } from './programme.inputs';

const SORT: SortColumns<ProgrammeOrderField> = {
  [ProgrammeOrderField.START_YEAR]: () => [{ sql: 'g.start_year' }, { sql: 'g.slug' }],
  [ProgrammeOrderField.NAME]: (lang) => [{ sql: `g.${localisedSortColumn('name', lang)}`, nullable: true }],
  [ProgrammeOrderField.SLUG]: () => [{ sql: 'g.slug' }],
};

export class ProgrammeService {
  constructor(private readonly context: RequestContext) {}

  async list(filter: ProgrammeFilter | null | undefined, orderBy: ProgrammeOrder | null | undefined, args: ConnectionArgs, options: PageOptions = {}): Promise<ConnectionResult<Programme>> {
    const conditions: Condition[] = [];
    conditions.push(...yearRangeConditions(filter?.period, 'filter.period', 'g.start_year', 'g.end_year'));
    if (given(filter?.kind)) conditions.push(inList('g.kind', filter.kind));
    if (given(filter?.country)) {
      const countries = countryCodes(filter.country, 'filter.country');
      const list = countries.map(() => '?').join(', ');
      conditions.push({
        sql: `(exists (select 1 from programme_territory pt join territory t on t.id = pt.territory_id
                 where pt.programme_id = g.id and t.country in (${list}))
               or exists (select 1 from project p join participation pa on pa.project_id = p.id join organisation o on o.id = pa.organisation_id
                 where p.programme_id = g.id and o.country in (${list})))`,
        bindings: [...countries, ...countries],
      });
    }
    return paginate(this.context, Programme, { table: 'programme', alias: 'g', where: conditions, sort: orderKeys(SORT, orderBy, ProgrammeOrderField.START_YEAR) }, args, options);
  }
}

import type { RequestContext } from '../../graphql/context';
import { Condition, ConnectionArgs, ConnectionResult, paginate, PageOptions } from '../../graphql/connection';
import { assertKnown, given, inList, localisedSortSql, orderKeys, SortColumns } from '../../graphql/filters';
import { Theme } from './theme.entity';
import { ThemeFilter, ThemeOrder, ThemeOrderField } from './theme.inputs';

const SORT: SortColumns<ThemeOrderField> = {
  [ThemeOrderField.SLUG]: () => [{ sql: 'h.slug' }],
  [ThemeOrderField.CODE]: () => [{ sql: 'h.code', nullable: true }],
  [ThemeOrderField.NAME]: (lang) => [{ sql: localisedSortSql('h.names', lang), nullable: true }],
};

export class ThemeService {
  constructor(private readonly context: RequestContext) {}

  async list(filter: ThemeFilter | null | undefined, orderBy: ThemeOrder | null | undefined, args: ConnectionArgs, options: PageOptions = {}): Promise<ConnectionResult<Theme>> {
    const conditions: Condition[] = [];
    if (given(filter?.programme)) {
      await assertKnown(this.context.em, 'programme', 'slug', filter.programme, 'filter.programme', 'programme');
      conditions.push({ sql: `h.programme_id in (select id from programme where ${inList('slug', filter.programme).sql})`, bindings: filter.programme });
    }
    return paginate(this.context, Theme, { table: 'theme', alias: 'h', where: conditions, sort: orderKeys(SORT, orderBy, ThemeOrderField.SLUG) }, args, options);
  }
}

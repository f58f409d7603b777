import type { RequestContext } from '../../graphql/context';
import { Condition, ConnectionArgs, ConnectionResult, paginate, SortKey } from '../../graphql/connection';
import { assertKnown, given, inList, localisedSortSql, OrderDirection } from '../../graphql/filters';
import { Theme } from './theme.entity';
import { ThemeFilter, ThemeOrder, ThemeOrderField } from './theme.inputs';

export class ThemeService {
  constructor(private readonly context: RequestContext) {}

  async list(filter: ThemeFilter | null | undefined, orderBy: ThemeOrder | null | undefined, args: ConnectionArgs): Promise<ConnectionResult<Theme>> {
    const conditions: Condition[] = [];
    if (given(filter?.programme)) {
      await assertKnown(this.context.em, 'programme', 'slug', filter.programme, 'filter.programme', 'programme');
      conditions.push({ sql: `h.programme_id in (select id from programme where ${inList('slug', filter.programme).sql})`, bindings: filter.programme });
    }
    const direction = orderBy?.direction ?? OrderDirection.ASC;
    const sort: SortKey = {
      [ThemeOrderField.SLUG]: { sql: 'h.slug', direction },
      [ThemeOrderField.CODE]: { sql: 'h.code', direction, nullable: true },
      [ThemeOrderField.NAME]: { sql: localisedSortSql('h.names', orderBy?.lang ?? ('en' as never)), direction, nullable: true },
    }[orderBy?.field ?? ThemeOrderField.SLUG];
    return paginate(this.context, Theme, { table: 'theme', alias: 'h', where: conditions, sort: [sort] }, args);
  }
}

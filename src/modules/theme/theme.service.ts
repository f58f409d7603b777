import { localisedSortColumn } from '../../db/indexes';
import type { RequestContext } from '../../graphql/context';
import { Condition, ConnectionArgs, ConnectionResult, paginate, PageOptions } from '../../graphql/connection';
import { knownIds, named, orderKeys, SortColumns } from '../../graphql/filters';
import { Programme } from '../programme/programme.entity';
import { Theme } from './theme.entity';
import { ThemeFilter, ThemeOrder, ThemeOrderField } from './theme.inputs';

const SORT: SortColumns<ThemeOrderField> = {
  [ThemeOrderField.SLUG]: () => [{ sql: 'h.slug' }],
  // Codes hold numbers ("4.10"): ordered as numbers, not as text (migration Migration20261126200000).
  [ThemeOrderField.CODE]: () => [{ sql: 'h.code collate kb_natural', nullable: true }],
  [ThemeOrderField.NAME]: (lang) => [{ sql: `h.${localisedSortColumn('name', lang)}`, nullable: true }],
};

export class ThemeService {
  constructor(private readonly context: RequestContext) {}

  async list(filter: ThemeFilter | null | undefined, orderBy: ThemeOrder | null | undefined, args: ConnectionArgs, options: PageOptions = {}): Promise<ConnectionResult<Theme>> {
    const conditions: Condition[] = [];
    const { programme } = await knownIds(this.context.loaders, { programme: named(filter?.programme, Programme, 'slug', 'filter.programme', 'programme') });
    if (programme) conditions.push({ sql: 'h.programme_id = any(?)', bindings: [programme] });
    return paginate(this.context, Theme, { table: 'theme', alias: 'h', where: conditions, sort: orderKeys(SORT, orderBy, ThemeOrderField.SLUG) }, args, options);
  }
}

import { localisedSortColumn } from '../../db/indexes';
import type { RequestContext } from '../../graphql/context';
import { Condition, ConnectionArgs, ConnectionResult, paginate, PageOptions } from '../../graphql/connection';
import { knownIds, named, orderKeys, SortColumns } from '../../graphql/filters';
import { rowMapper } from '../../graphql/rows';
import { Programme } from '../programme/programme.entity';
import { Project } from '../project/project.entity';
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

  /**
   * The projects filed under each theme or under any theme below it (its objectives), each once, by slug:
   * the projects `ProjectFilter.theme` selects for it. One statement for every theme of the batch.
   */
  async projectsUnder(themeIds: readonly string[]): Promise<Project[][]> {
    const mapper = rowMapper(this.context.metadata, Project);
    const sql = `with recursive below(root, id) as (
         select id, id from theme where id = any(?)
         union
         select below.root, t.id from theme t join below on t.parent_id = below.id)
       select distinct on (below.root, p.slug, p.id) ${mapper.selectList('p')}, below.root as "__root"
       from below join project_theme pt on pt.theme_id = below.id join project p on p.id = pt.project_id
       order by below.root, p.slug, p.id`;
    const result: { rows: unknown[][] } = await this.context.sql.prepared(sql, [[...new Set(themeIds)]], 'arrays');
    const byRoot = new Map<unknown, Project[]>(themeIds.map((id) => [id, []]));
    // The theme asked for follows the project's columns.
    for (const row of result.rows) byRoot.get(row[mapper.width])?.push(mapper.map(row));
    return themeIds.map((id) => byRoot.get(id)!);
  }
}

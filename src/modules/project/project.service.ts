import { localisedSortColumn, plainTextSortColumn } from '../../db/indexes';
import type { RequestContext } from '../../graphql/context';
import { Condition, ConnectionArgs, ConnectionResult, paginate, PageOptions } from '../../graphql/connection';
import { checkIsoDate, checkSearchText, countryCodes, decimalRangeConditions, given, inList, knownIds, named, orderKeys, SortColumns, territoryReachSql, textMatchCondition } from '../../graphql/filters';
import { Organisation } from '../organisation/organisation.entity';
import { Programme } from '../programme/programme.entity';
import { Territory } from '../territory/territory.entity';
import { Theme } from '../theme/theme.entity';
import { Project } from './project.entity';
import { ProjectFilter, ProjectOrder, ProjectOrderField } from './project.inputs';

const SORT: SortColumns<ProjectOrderField> = {
  [ProjectOrderField.SLUG]: () => [{ sql: 'p.slug' }],
  [ProjectOrderField.TITLE]: (lang) => [{ sql: `p.${localisedSortColumn('title', lang)}`, nullable: true }],
  [ProjectOrderField.ACRONYM]: () => [{ sql: `p.${plainTextSortColumn('acronym')}`, nullable: true }],
  [ProjectOrderField.START_DATE]: () => [{ sql: 'p.start_date', nullable: true }],
  [ProjectOrderField.END_DATE]: () => [{ sql: 'p.end_date', nullable: true }],
  [ProjectOrderField.TOTAL_BUDGET]: () => [{ sql: 'p.total_budget', nullable: true }],
};

export class ProjectService {
  constructor(private readonly context: RequestContext) {}

  /**
   * The SQL conditions of a filter, on the ids of the records its slugs and codes name (all checked to
   * exist, side by side, before the page is asked for). Conditions
   * on related tables collect the matching project ids first (`p.id = any(array(...))`): the planner
   * cannot estimate a recursive region, and would otherwise walk every project in sort order probing each.
   * A region's territories are collected into an array the same way, so that the planner reads their
   * projects through the territory index (it guessed 350 territories for a region of 18, and scanned
   * every project-territory link: 16 ms against 4 at full size). Partners are found the same way, through
   * the ids of the organisations that match (a join read all 280,000 participations: 21 ms against 18).
   */
  async conditions(filter: ProjectFilter | null | undefined, argument = 'filter'): Promise<Condition[]> {
    if (!filter) return [];
    const name = (field: string) => (argument ? `${argument}.${field}` : field);
    const ids = await knownIds(this.context.loaders, {
      programme: named(filter.programme, Programme, 'slug', name('programme'), 'programme'),
      theme: named(filter.theme, Theme, 'slug', name('theme'), 'theme'),
      territory: named(filter.territory, Territory, 'code', name('territory'), 'territory code'),
      partnerTerritory: named(filter.partnerTerritory, Territory, 'code', name('partnerTerritory'), 'territory code'),
      organisation: named(filter.organisation, Organisation, 'slug', name('organisation'), 'organisation'),
    });
    const conditions: Condition[] = [];
    if (ids.programme) conditions.push({ sql: 'p.programme_id = any(?)', bindings: [ids.programme] });
    if (ids.theme) {
      conditions.push({
        sql: `p.id = any(array(select pt.project_id from project_theme pt where pt.theme_id = any(array(
          with recursive themes(id) as (
            select unnest(?::uuid[])
            union select t.id from theme t join themes on t.parent_id = themes.id)
          select id from themes))))`,
        bindings: [ids.theme],
        byIds: true,
      });
    }
    const includeSubTerritories = filter.includeSubTerritories ?? true;
    if (ids.territory) {
      const reach = territoryReachSql(ids.territory, includeSubTerritories);
      conditions.push({ sql: `p.id = any(array(select x.project_id from project_territory x where x.territory_id = any(${reach.sql})))`, bindings: reach.bindings, byIds: true });
    }
    // The partner conditions: projects with a partner (a participation) whose organisation is among those
    // a condition names; with `role`, a partner in one of those roles, the same partner meeting both
    // ("led by an organisation based in Belgium"). Each condition may be met by another partner.
    const roles = given(filter.role) ? filter.role : undefined;
    const withPartner = (organisations?: Condition): Condition => {
      const parts = [...(organisations ? [organisations.sql] : []), ...(roles ? [inList('pa.role', roles).sql] : [])];
      return {
        sql: `p.id = any(array(select pa.project_id from participation pa where ${parts.join(' and ')}))`,
        bindings: [...(organisations?.bindings ?? []), ...(roles ?? [])],
        byIds: true,
      };
    };
    const partnerConditions: Condition[] = [];
    if (ids.partnerTerritory) {
      const reach = territoryReachSql(ids.partnerTerritory, includeSubTerritories);
      partnerConditions.push(withPartner({ sql: `pa.organisation_id = any(array(select o.id from organisation o where o.location_id = any(${reach.sql})))`, bindings: reach.bindings }));
    }
    if (ids.organisation) partnerConditions.push(withPartner({ sql: 'pa.organisation_id = any(?)', bindings: [ids.organisation] }));
    if (given(filter.country)) {
      const countries = countryCodes(filter.country, name('country'));
      partnerConditions.push(withPartner({ sql: `pa.organisation_id = any(array(select o.id from organisation o where ${inList('o.country', countries).sql}))`, bindings: countries }));
    }
    if (roles && partnerConditions.length === 0) partnerConditions.push(withPartner());
    conditions.push(...partnerConditions);
    if (filter.activeOn != null) {
      const day = checkIsoDate(filter.activeOn, name('activeOn'));
      conditions.push({ sql: 'p.start_date <= ? and p.end_date >= ?', bindings: [day, day] });
    }
    conditions.push(...decimalRangeConditions('p.total_budget', filter.totalBudget, name('totalBudget')));
    if (filter.text?.trim()) conditions.push(textMatchCondition('p.id', 'Project', checkSearchText(filter.text, name('text'))));
    return conditions;
  }

  async list(filter: ProjectFilter | null | undefined, orderBy: ProjectOrder | null | undefined, args: ConnectionArgs, options: PageOptions<Project> = {}): Promise<ConnectionResult<Project>> {
    return paginate(
      this.context,
      Project,
      { table: 'project', alias: 'p', where: await this.conditions(filter), sort: orderKeys(SORT, orderBy, ProjectOrderField.SLUG) },
      args, options,
    );
  }
}

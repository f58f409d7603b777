import type { GraphQLResolveInfo } from 'graphql';
import { Arg, Args, Ctx, Info, FieldResolver, Query, Resolver, Root } from 'type-graphql';
import type { RequestContext } from '../../graphql/context';
import { Connection, ConnectionArgs, ConnectionResult, selectsField } from '../../graphql/connection';
import { foundBy } from '../../graphql/errors';
import { ListSize } from '../../graphql/limits';
import { refId } from '../../graphql/loaders';
import { NAME_FIELDS, NamedRecordResolver } from '../../graphql/record-resolver';
import { Programme } from '../programme/programme.entity';
import { Project, ProjectTheme } from '../project/project.entity';
import { Theme } from './theme.entity';
import { ThemeFilter, ThemeOrder } from './theme.inputs';
import { ThemeService } from './theme.service';

export const ThemeConnection = Connection(Theme, 'Theme');

@Resolver(() => Theme)
export class ThemeResolver extends NamedRecordResolver(Theme, NAME_FIELDS) {
  @Query(() => Theme, { nullable: true, description: 'A theme by its slug ("interreg-v-fwvl-axis-4"); null, with a `NOT_FOUND` error naming the argument, when there is none.' })
  theme(@Arg('slug', { description: 'The theme’s slug.' }) slug: string, @Ctx() context: RequestContext): Promise<Theme | null> {
    return foundBy(context.loaders.byKey(Theme, 'slug').load(slug), 'theme', 'slug', slug);
  }

  @Query(() => ThemeConnection, { description: 'Themes matching a filter, by slug unless `orderBy` says otherwise.' })
  themes(
    @Args() args: ConnectionArgs,
    @Ctx() context: RequestContext,
    @Info() info: GraphQLResolveInfo,
    @Arg('filter', () => ThemeFilter, { nullable: true, description: 'Which themes; all when absent.' }) filter?: ThemeFilter | null,
    @Arg('orderBy', () => ThemeOrder, { nullable: true, description: 'How to sort; by slug when absent.' }) orderBy?: ThemeOrder | null,
  ): Promise<ConnectionResult<Theme>> {
    return new ThemeService(context).list(filter, orderBy, args, { withTotal: selectsField(info, 'totalCount') });
  }


  @FieldResolver(() => Programme, { description: 'The programme the theme belongs to.' })
  async programme(@Root() theme: Theme, @Ctx() context: RequestContext): Promise<Programme> {
    return (await context.loaders.byId(Programme).load(refId(theme.programme)!))!;
  }

  @FieldResolver(() => Theme, { nullable: true, description: 'The axis an objective sits under; null for an axis.' })
  parent(@Root() theme: Theme, @Ctx() context: RequestContext): Promise<Theme | null> | null {
    const id = refId(theme.parent);
    return id ? context.loaders.byId(Theme).load(id) : null;
  }

  @FieldResolver(() => [Theme], { description: 'The objectives under this axis, in the programme’s order.' })
  children(@Root() theme: Theme, @Ctx() context: RequestContext): Promise<Theme[]> {
    return context.loaders.byOwner(Theme, 'parent', { position: 'asc' }).load(theme.id);
  }

  @ListSize(100)
  @FieldResolver(() => [Project], {
    description:
      'The projects filed under this theme and, unless `includeObjectives` is false, under the objectives below it (as ' +
      '`ProjectFilter.theme` selects them), each once, by slug. Counted as 100 records in a query’s cost.',
  })
  projects(
    @Root() theme: Theme,
    @Ctx() context: RequestContext,
    @Arg('includeObjectives', () => Boolean, {
      defaultValue: true,
      description: 'With the projects filed only under an objective below this theme. False: only those filed under the theme itself.',
    })
    includeObjectives: boolean = true,
  ): Promise<Project[]> {
    if (!includeObjectives) return context.loaders.through(ProjectTheme, 'theme', 'project', Project, {}, { slug: 'asc' }).load(theme.id);
    return context.loaders.custom('theme.projectsUnder', (ids) => new ThemeService(context).projectsUnder(ids)).load(theme.id);
  }
}

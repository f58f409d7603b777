import { Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import type { RequestContext } from '../../graphql/context';
import { refId } from '../../graphql/loaders';
import { RecordResolver } from '../../graphql/record-resolver';
import { Money, money } from '../common/money';
import { Funding } from '../funding/funding.entity';
import { Organisation } from '../organisation/organisation.entity';
import { Project } from '../project/project.entity';
import { Participation } from './participation.entity';

@Resolver(() => Participation)
export class ParticipationResolver extends RecordResolver(Participation) {
  @FieldResolver(() => Project, { description: 'The project.' })
  async project(@Root() participation: Participation, @Ctx() context: RequestContext): Promise<Project> {
    return (await context.loaders.byId(Project).load(refId(participation.project)!))!;
  }

  @FieldResolver(() => Organisation, { description: 'The organisation taking part.' })
  async organisation(@Root() participation: Participation, @Ctx() context: RequestContext): Promise<Organisation> {
    return (await context.loaders.byId(Organisation).load(refId(participation.organisation)!))!;
  }

  @FieldResolver(() => Money, {
    nullable: true,
    description: "The partner's own budget when published; never derived from the project's total.",
  })
  budget(@Root() participation: Participation): Money | null {
    return money(participation.budget, 'EUR', participation.budgetApproximate);
  }

  @FieldResolver(() => [Funding], { description: "Every published amount of the partner's share." })
  fundings(@Root() participation: Participation, @Ctx() context: RequestContext): Promise<Funding[]> {
    return context.loaders.byOwner(Funding, 'participation', { basis: 'asc', preferred: 'desc' }).load(participation.id);
  }
}

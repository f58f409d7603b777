import { Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import type { RequestContext } from '../../graphql/context';
import { refId } from '../../graphql/loaders';
import { Node } from '../../graphql/node';
import { RecordResolver } from '../../graphql/record-resolver';
import { Money, money } from '../common/money';
import { Participation } from '../participation/participation.entity';
import { Programme } from '../programme/programme.entity';
import { Project } from '../project/project.entity';
import { Claim } from '../provenance/claim.entity';
import { Funding } from './funding.entity';

@Resolver(() => Funding)
export class FundingResolver extends RecordResolver(Funding) {
  @FieldResolver(() => Money, { description: 'The amount.' })
  money(@Root() funding: Funding): Money {
    return money(funding.amount, funding.currency, funding.approximate)!;
  }

  @FieldResolver(() => Node, { description: 'Who receives the money: a Programme, a Project or a Participation.' })
  async recipient(@Root() funding: Funding, @Ctx() context: RequestContext): Promise<Node> {
    const programme = refId(funding.programme);
    if (programme) return (await context.loaders.byId(Programme).load(programme))! as unknown as Node;
    const project = refId(funding.project);
    if (project) return (await context.loaders.byId(Project).load(project))! as unknown as Node;
    return (await context.loaders.byId(Participation).load(refId(funding.participation)!))! as unknown as Node;
  }

  /** A funding's claims are the money claims that name it (they are about its recipient's field). */
  protected override loadClaims(funding: Funding, context: RequestContext): Promise<Claim[]> {
    return context.loaders.byOwner(Claim, 'funding', { position: 'asc' }).load(funding.id);
  }
}

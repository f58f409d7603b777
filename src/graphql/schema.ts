import 'reflect-metadata';
import { GraphQLSchema, lexicographicSortSchema, printSchema } from 'graphql';
import { buildSchema } from 'type-graphql';
import { FundingResolver } from '../modules/funding/funding.resolver';
import { OrganisationResolver } from '../modules/organisation/organisation.resolver';
import { OutcomeResolver } from '../modules/outcome/outcome.resolver';
import { ParticipationResolver } from '../modules/participation/participation.resolver';
import { ProgrammeResolver } from '../modules/programme/programme.resolver';
import { ProjectResolver } from '../modules/project/project.resolver';
import { ClaimResolver, SourceResolver } from '../modules/provenance/provenance.resolver';
import { TerritoryResolver } from '../modules/territory/territory.resolver';
import { ThemeResolver } from '../modules/theme/theme.resolver';
import { Node } from './node';
import { NodeResolver } from './node.resolver';

let schema: Promise<GraphQLSchema> | undefined;

/** The executable schema, built once from the decorated classes. */
export function getSchema(): Promise<GraphQLSchema> {
  schema ??= buildSchema({
    resolvers: [
      NodeResolver,
      ProgrammeResolver,
      ThemeResolver,
      ProjectResolver,
      ParticipationResolver,
      OrganisationResolver,
      TerritoryResolver,
      FundingResolver,
      OutcomeResolver,
      SourceResolver,
      ClaimResolver,
    ],
    orphanedTypes: [Node],
    // Arguments are checked by the resolvers themselves, with messages that name the argument.
    validate: false,
  });
  return schema;
}

/** The SDL committed as schema/schema.graphql, sorted so that it does not move with declaration order. */
export async function printedSchema(): Promise<string> {
  return `${printSchema(lexicographicSortSchema(await getSchema()))}\n`;
}

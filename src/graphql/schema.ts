import 'reflect-metadata';
import { GraphQLObjectType, GraphQLSchema, lexicographicSortSchema, printSchema } from 'graphql';
import { buildSchema } from 'type-graphql';
import { FundingBreakdownResolver } from '../modules/funding/funding-breakdown';
import { FundingResolver } from '../modules/funding/funding.resolver';
import { OrganisationResolver } from '../modules/organisation/organisation.resolver';
import { OutcomeResolver } from '../modules/outcome/outcome.resolver';
import { ParticipationResolver } from '../modules/participation/participation.resolver';
import { ProgrammeResolver } from '../modules/programme/programme.resolver';
import { ProjectResolver } from '../modules/project/project.resolver';
import { ClaimResolver, SourceResolver } from '../modules/provenance/provenance.resolver';
import { TerritoryResolver } from '../modules/territory/territory.resolver';
import { ThemeResolver } from '../modules/theme/theme.resolver';
import { SearchResolver } from '../modules/search/search.resolver';
import { Node } from './node';
import { NodeResolver } from './node.resolver';

let schema: Promise<GraphQLSchema> | undefined;

/** type-graphql gives the root type no description; every type of this API has one. */
function describeQueryType(built: GraphQLSchema): GraphQLSchema {
  const config = built.toConfig();
  const query = built.getQueryType()!.toConfig();
  const described = new GraphQLObjectType({
    ...query,
    description:
      'The Interreg knowledge base: programmes, themes, projects, partner organisations, territories, funding and ' +
      'outcomes, every fact with its source. Look records up by natural key, list them as Relay connections, or ' +
      'fetch any record by its global id.',
  });
  return new GraphQLSchema({ ...config, query: described, types: config.types.map((type) => (type.name === query.name ? described : type)) });
}

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
      FundingBreakdownResolver,
      OutcomeResolver,
      SourceResolver,
      ClaimResolver,
      SearchResolver,
    ],
    orphanedTypes: [Node],
    // Arguments are checked by the resolvers themselves, with messages that name the argument.
    validate: false,
  }).then(describeQueryType);
  return schema;
}

/** The SDL committed as schema/schema.graphql, sorted so that it does not move with declaration order. */
export async function printedSchema(): Promise<string> {
  return `${printSchema(lexicographicSortSchema(await getSchema()))}\n`;
}

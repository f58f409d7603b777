import type { ApolloServerPlugin } from '@apollo/server';
import {
  DocumentNode,
  getNamedType,
  getOperationAST,
  getVariableValues,
  GraphQLError,
  GraphQLSchema,
  isListType,
  isNonNullType,
  isObjectType,
  Kind,
  OperationDefinitionNode,
  SelectionSetNode,
  GraphQLOutputType,
  validate,
  visit,
} from 'graphql';
import { ComplexityEstimator, createComplexityRule } from 'graphql-query-complexity';
import { LRUCache } from 'lru-cache';
import { Extensions } from 'type-graphql';
import { createHash } from 'node:crypto';
import { defaultPageSize } from './connection';
import type { RequestContext } from './context';
import { expandedFieldCount, fragmentsOf } from './document';
import { findNulCharacter } from './errors';

export interface QueryLimits {
  maxDepth: number;
  maxCost: number;
  maxAliases: number;
  /** The most fields an operation may have, each fragment counted at every spread. */
  maxFields: number;
  /** The page size cap: a connection asked without `first` or `last` is costed at the page it gets. */
  maxPageSize: number;
}

/** How many records a list relation without paging (a project's partners) is assumed to hold. */
export const ASSUMED_LIST_SIZE = 10;

/**
 * A list without paging that can hold many more records than ASSUMED_LIST_SIZE, counted in the query cost
 * as the most it holds: in the keep.eu-sized generated dataset (a country's projects, 2,205; a source's
 * claims, 9,997), or in real programmes where they hold more (Interreg Europe's some 1,200 eligible NUTS 3
 * units, Germany's 454 territories). Counted as 10, they let a query within the cost limit return hundreds
 * of thousands of records: a page of 100 NUTS 1 regions with their projects' partners, about 600,000 at
 * full size, for a cost of 21,100. The field's description says the number (test/schema.test.ts checks).
 */
export function ListSize(records: number): MethodDecorator & PropertyDecorator {
  return Extensions({ listSize: records });
}

/** How many records a list relation is counted as (its ListSize, else ASSUMED_LIST_SIZE). */
function listSizeOf(field: { extensions?: Readonly<Record<string, unknown>> | null }): number {
  const declared = field.extensions?.listSize;
  return typeof declared === 'number' ? declared : ASSUMED_LIST_SIZE;
}

/** Strings reach PostgreSQL, which has no NUL character: say so rather than fail inside the database. */
function rejectNulCharacters(inDocument: boolean, variables: Record<string, unknown>): void {
  const inVariables = findNulCharacter(variables);
  if (inVariables || inDocument) {
    const where = inVariables ? `variable "${inVariables}"` : 'a string in the query';
    throw new GraphQLError(`The ${where} contains the NUL character (U+0000), which is not allowed.`, {
      extensions: { code: 'BAD_USER_INPUT', argumentName: inVariables ?? undefined, http: { status: 400 } },
    });
  }
}

export function limitExceeded(limit: string, maximum: number, measured: number, message: string): GraphQLError {
  return new GraphQLError(message, {
    extensions: { code: 'QUERY_LIMIT_EXCEEDED', limit, maximum, measured, http: { status: 400 } },
  });
}

function unwrap(type: GraphQLOutputType): GraphQLOutputType {
  return isNonNullType(type) ? type.ofType : type;
}

/**
 * The cost model, like GitHub's node limit: the number of records a query can return at most. A
 * connection asked for n records costs n times (1 + the cost of one record's selection); a list relation
 * costs its ListSize (or ASSUMED_LIST_SIZE) times that; an object field costs 1 plus its selection; a scalar costs nothing.
 */
function costEstimator(pageSizeByDefault: number, maxPageSize: number): ComplexityEstimator {
  // A page size or id list above the cap is refused by its resolver, naming the argument (BAD_USER_INPUT):
  // counted as asked, it would be refused here first, as a cost, for what no answer could hold.
  const records = (asked: number) => Math.min(Math.max(0, asked), maxPageSize);
  return ({ type: parent, field, args, childComplexity }) => {
    // Introspection is the schema, not data: it costs nothing (GraphiQL and code generators need it whole).
    if (parent.name.startsWith('__') || field.name.startsWith('__')) return 0;
    const type = unwrap(field.type);
    const named = getNamedType(type);
    // A connection's edges are as many as its page size, counted on the connection field itself.
    if (parent.name.endsWith('Connection') && field.name === 'edges') return childComplexity;
    if (isObjectType(named) && named.name.endsWith('Connection')) {
      return records(Number(args.first ?? args.last ?? pageSizeByDefault)) * Math.max(1, childComplexity);
    }
    if (field.name === 'nodes' && Array.isArray(args.ids)) return records(args.ids.length) * (1 + childComplexity);
    if (isListType(type) && isObjectType(getNamedType(type))) return listSizeOf(field) * (1 + childComplexity);
    if (isObjectType(named) || named.name === 'Node') return 1 + childComplexity;
    return 0;
  };
}

interface Shape {
  depth: number;
  aliases: number;
}

/**
 * Depth (nesting of selections) and number of aliases, through fragments. Introspection's selections do
 * not count towards the depth (GraphiQL's own introspection query is 13 levels deep), but their aliases
 * count like any others: each alias of `__schema` answers with the whole schema again. Walks every field
 * at every spread: only run on an operation within the fields limit.
 */
function shape(document: DocumentNode, operation: OperationDefinitionNode): Shape {
  const fragments = fragmentsOf(document);
  let aliases = 0;
  const walk = (selectionSet: SelectionSetNode | undefined, depth: number, introspection: boolean, visiting: Set<string>): number => {
    if (!selectionSet) return depth;
    let deepest = depth;
    for (const selection of selectionSet.selections) {
      if (selection.kind === Kind.FIELD) {
        if (selection.alias) aliases++;
        const inIntrospection = introspection || selection.name.value.startsWith('__');
        deepest = Math.max(deepest, walk(selection.selectionSet, inIntrospection ? depth : depth + 1, inIntrospection, visiting));
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        deepest = Math.max(deepest, walk(selection.selectionSet, depth, introspection, visiting));
      } else {
        const name = selection.name.value;
        const fragment = fragments.get(name);
        if (!fragment || visiting.has(name)) continue;
        // Aliases inside a fragment count once per spread, as they are resolved once per spread.
        deepest = Math.max(deepest, walk(fragment.selectionSet, depth, introspection, new Set([...visiting, name])));
      }
    }
    return deepest;
  };
  const depth = walk(operation.selectionSet, 0, false, new Set());
  return { depth, aliases };
}

/** What the fields, depth, alias and NUL checks read, for one operation of one document. */
interface Measured extends Shape {
  fields: number;
  nulInDocument: boolean;
}

/** The measures of an operation; its depth and aliases only when its fields are within `maxFields`. */
function measureShape(document: DocumentNode, operation: OperationDefinitionNode, maxFields: number): Measured {
  let nulInDocument = false;
  visit(document, {
    StringValue(node) {
      if (node.value.includes('\u0000')) nulInDocument = true;
    },
  });
  const fields = expandedFieldCount(document, operation);
  // Over the limit, the walk that measures the rest is the work the limit spares.
  const { depth, aliases } = fields > maxFields ? { depth: 0, aliases: 0 } : shape(document, operation);
  return { fields, depth, aliases, nulInDocument };
}

/** The cost walk's bound on the selections it visits (graphql-query-complexity's default). */
const MAX_COST_SELECTIONS = 10_000;

/**
 * Measured only for a query within the depth and alias limits (a deep query's cost walk is the work those
 * limits spare); null when execution refuses the whole operation anyway (variables that do not fit their
 * types, or no such operation), so that its own BAD_USER_INPUT error is not masked here.
 *
 * An argument refused by its type (null where it may not be) fails only its own field at execution: it
 * costs nothing here, and the fields beside it are counted. (graphql-query-complexity's `getComplexity`
 * throws for it once its walk is done, and the query then ran unmeasured, at any cost.) A document with
 * more selections than the walk visits (inline fragments nested in spread fragments) is refused.
 */
function measureCost(
  schema: GraphQLSchema,
  estimator: ComplexityEstimator,
  document: DocumentNode,
  operationName: string | undefined,
  variables: Record<string, unknown>,
): number | null {
  const operation = getOperationAST(document, operationName);
  if (!operation || getVariableValues(schema, operation.variableDefinitions ?? [], variables).errors) return null;
  let cost = 0;
  const rule = createComplexityRule({
    maximumComplexity: Infinity,
    estimators: [estimator],
    variables,
    operationName,
    maxQueryNodes: MAX_COST_SELECTIONS,
    onComplete: (measured: number) => {
      cost += measured;
    },
  });
  try {
    // The errors it reports are those arguments: left to execution.
    validate(schema, document, [rule]);
  } catch (error) {
    if (error instanceof GraphQLError && /maximum allowed number of nodes/.test(error.message)) {
      throw new GraphQLError(`The query has more than ${MAX_COST_SELECTIONS} selections, counting each fragment where it is spread; its cost cannot be measured.`, {
        extensions: { code: 'QUERY_LIMIT_EXCEEDED', limit: 'selections', maximum: MAX_COST_SELECTIONS, http: { status: 400 } },
      });
    }
    throw error;
  }
  return cost;
}

/**
 * Rejects queries beyond the limits (each error names the limit and the measured value) and reports
 * every response's cost in `extensions.cost`.
 *
 * The measures are kept: a frontend sends the same few queries over and over, and walking the document
 * for its cost was a twentieth of a list page's CPU. Depth, aliases and NUL characters depend on the
 * query text and operation alone; the cost also on the variables (page sizes), which enter its key as a
 * hash, so that a client cannot fill the memory with large ones, and so that a new cursor or filter value
 * does not walk the document's shape again.
 */
export function queryLimitsPlugin(schema: GraphQLSchema, limits: QueryLimits): ApolloServerPlugin<RequestContext> {
  const shapes = new LRUCache<string, Measured>({ max: 1000 });
  // A measure, or the refusal of a document the walk cannot measure (kept too: the next request with it
  // would otherwise be walked again, as far as the walk's bound).
  const costs = new LRUCache<string, { cost: number | null } | { refused: GraphQLError }>({ max: 1000 });
  const estimator = costEstimator(defaultPageSize(limits.maxPageSize), limits.maxPageSize);
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ document, operation, request, queryHash, contextValue }) {
          if (!operation) return;
          if (operation.operation !== 'query') {
            throw new GraphQLError(`This API is read-only: it has no ${operation.operation} operations.`, {
              extensions: { code: 'BAD_REQUEST', http: { status: 400 } },
            });
          }
          const operationName = operation.name?.value ?? request.operationName ?? undefined;
          const variables = request.variables ?? {};
          const operationKey = `${queryHash}\u0000${operationName ?? ''}`;
          let measures = shapes.get(operationKey);
          if (!measures) {
            measures = measureShape(document, operation, limits.maxFields);
            shapes.set(operationKey, measures);
          }
          rejectNulCharacters(measures.nulInDocument, variables);
          const { fields, depth, aliases } = measures;
          if (fields > limits.maxFields) {
            throw limitExceeded(
              'fields',
              limits.maxFields,
              fields,
              `The query has ${fields} fields, each fragment counted at every spread; at most ${limits.maxFields} are allowed.`,
            );
          }
          if (depth > limits.maxDepth) {
            throw limitExceeded('depth', limits.maxDepth, depth, `The query is ${depth} levels deep; at most ${limits.maxDepth} are allowed.`);
          }
          if (aliases > limits.maxAliases) {
            throw limitExceeded('aliases', limits.maxAliases, aliases, `The query uses ${aliases} aliases; at most ${limits.maxAliases} are allowed.`);
          }
          const costKey = `${operationKey}\u0000${createHash('sha1').update(JSON.stringify(variables)).digest('base64url')}`;
          let known = costs.get(costKey);
          if (!known) {
            try {
              known = { cost: measureCost(schema, estimator, document, operationName, variables) };
            } catch (error) {
              if (!(error instanceof GraphQLError)) throw error;
              known = { refused: error };
            }
            costs.set(costKey, known);
          }
          if ('refused' in known) throw known.refused;
          const { cost } = known;
          if (cost === null) return;
          contextValue.cost = cost;
          if (cost > limits.maxCost) {
            throw limitExceeded(
              'cost',
              limits.maxCost,
              cost,
              `The query could return up to ${cost} records; at most ${limits.maxCost} are allowed. Ask for smaller pages (first/last) or fewer nested lists.`,
            );
          }
        },
        async willSendResponse({ response, contextValue }) {
          if (response.body.kind !== 'single') return;
          // Object.assign rather than a spread given a new key, which V8 (Node 20) keeps out of minor
          // collections with what it holds (see patches/@apollo+server+5.5.1.patch).
          response.body.singleResult.extensions = Object.assign({}, response.body.singleResult.extensions, {
            cost: { requested: contextValue.cost ?? 0, maximum: limits.maxCost },
          });
        },
      };
    },
  };
}

import type { GatewayExecutor, GatewayInterface, GatewaySchemaLoadOrUpdateCallback } from '@apollo/server-gateway-interface';
import { type DocumentNode, execute, type ExecutionResult, GraphQLError, type GraphQLSchema, type OperationDefinitionNode } from 'graphql';
import { getVariableValues } from 'graphql/execution/values';
import { compileQuery, isCompiledQuery } from 'graphql-jit';
import { LRUCache } from 'lru-cache';
import type { RequestContext } from './context';
import { expandedFieldCount } from './document';
import { asRefusedArgument } from './errors';

/** A compiled operation; `coercedVariables` is this project's patch (patches/graphql-jit+0.8.9.patch). */
interface Compiled {
  query(root: unknown, context: unknown, variables: undefined, coercedVariables: Record<string, unknown>): ExecutionResult | Promise<ExecutionResult>;
}

/** What the executor is handed of a request (Apollo's gateway request context has all of it). */
export interface ExecutionRequest {
  document: DocumentNode;
  /** The operation Apollo resolved from the document and the request's operation name; none when it found none. */
  operation?: OperationDefinitionNode;
  /** Apollo's hash of the query text. */
  queryHash: string;
  /** The operation name the request gave, if any. */
  operationName?: string | null;
  variables?: Record<string, unknown>;
}

/**
 * Executes operations as JavaScript compiled for them by graphql-jit once the same operation of the same
 * query text has been executed `compileAfter` times, and by graphql-js until then. graphql-js walks the
 * query's selections, looks up each field's definition and builds its resolve info for every record of
 * every response; a compiled query does that walk once. In bench runs against graphql-js alone, the API's
 * CPU a request went down by 12 to 15% for the list page and 19 to 27% for the detail page
 * (src/generate/README.md, "What moved the numbers").
 *
 * Apollo Server 4 and 5 take another executor through their gateway interface only (they removed the
 * `executor` option as redundant with it); this is that interface with a fixed schema. Apollo still parses,
 * validates, checks the query limits, and formats errors: only execution changes hands. A request whose
 * operation Apollo could not resolve (a name the document lacks) goes to graphql-js, which refuses it
 * without running anything, as before.
 *
 * Compiling costs about as much as executing once to three times (1.4 ms for the list page, 3.2 ms for the
 * detail page), so an operation is compiled only once it is seen again: a query sent once (an explorer's)
 * never pays for it. Runs are counted by Apollo's hash of the query text and the operation's name.
 * graphql-jit writes what it works out about @skip and @include onto the document's own nodes, and a
 * document's operations may share fragments: each compilation gets a copy of the document.
 *
 * Compiled code is large: measured, about 6 KB for each field (119 KB for the list page's 18 fields, 372
 * KB for the detail page's 60), where Apollo's cache of documents is bounded by the size of their text. So
 * compiled operations are kept in a cache of their own, bounded by their fields counted at every fragment
 * spread (`compiledFields`, 10,000 by default: about 60 MB), the least recently used going first; an
 * operation of more fields than `maxCompiledFields`, or one graphql-jit refuses, stays with graphql-js.
 * Each request's log line says which ran it (`compiled`).
 *
 * Known differences, none of which this schema meets (test/executor.test.ts holds its answers to
 * graphql-js's): an interface or union whose `resolveType` answers with a promise cannot run compiled
 * (graphql-jit reads the type name at once; `Node`'s is synchronous, and type-graphql's wrapper is patched
 * to stay so), and a variable written inside an input object literal and left out comes to the resolver as
 * null where graphql-js applies the input field's default (resolvers read such fields with `??` their
 * default).
 */
export class CompiledExecution implements GatewayInterface {
  /** Each operation's runs by graphql-js so far, or 'never' when it is not to be compiled. */
  private readonly runs = new LRUCache<string, number | 'never'>({ max: 10_000 });
  /** Compiled operations, each sized by its fields. */
  private readonly compiled: LRUCache<string, Compiled>;
  private readonly listeners = new Set<GatewaySchemaLoadOrUpdateCallback>();
  private readonly maxCompiledFields: number;
  private readonly hideSuggestions: boolean;

  /**
   * `compiledFields`: the fields of all compiled operations kept (10,000, about 60 MB: a frontend's tens of
   * queries hold a few thousand); `maxCompiledFields`: the most an operation may have to be compiled (1,000,
   * about 6 MB of code); `hideSuggestions`: leave "Did you mean ...?" out of the errors of variables, which
   * would spell out input fields and enum values (Apollo's own switch only reaches validation's errors).
   */
  constructor(
    private readonly schema: GraphQLSchema,
    private readonly compileAfter: number,
    { compiledFields = 10_000, maxCompiledFields = 1_000, hideSuggestions = false } = {},
  ) {
    this.compiled = new LRUCache({ maxSize: compiledFields });
    this.maxCompiledFields = maxCompiledFields;
    this.hideSuggestions = hideSuggestions;
  }

  onSchemaLoadOrUpdate(callback: GatewaySchemaLoadOrUpdateCallback): () => void {
    this.listeners.add(callback);
    return () => this.listeners.delete(callback);
  }

  async load(): Promise<{ executor: GatewayExecutor }> {
    // The schema never changes while the server runs: Apollo is told of it once, before its first request.
    for (const listener of this.listeners) listener({ apiSchema: this.schema, coreSupergraphSdl: '' });
    return {
      executor: ({ document, operation, queryHash, request, context }) =>
        // Apollo's types say an operation is always there; it is not when the request names one the document lacks.
        this.execute({ document, operation: operation ?? undefined, queryHash, operationName: request.operationName, variables: request.variables }, context as RequestContext),
    };
  }

  async stop(): Promise<void> {}

  /** The fields of the compiled operations kept now. */
  get compiledFields(): number {
    return this.compiled.calculatedSize;
  }

  /** Runs the operation, compiled when it has been seen often enough. */
  async execute(request: ExecutionRequest, context: RequestContext): Promise<ExecutionResult> {
    const { document, operation } = request;
    const compiled = operation ? this.compiledFor(request.queryHash, document, operation) : undefined;
    context.stats.compiled = compiled !== undefined;
    const result = await this.run(request, context, compiled);
    // Tagged here, where both paths' results pass, so that every reader of the error (the log, the
    // statistics, the answer) sees the client's mistake as such.
    return result.errors ? { ...result, errors: result.errors.map(asRefusedArgument) } : result;
  }

  private async run(request: ExecutionRequest, context: RequestContext, compiled: Compiled | undefined): Promise<ExecutionResult> {
    const { document, operation, operationName = null, variables = {} } = request;
    const { hideSuggestions } = this;
    if (!operation || !compiled) return execute({ schema: this.schema, document, operationName, variableValues: variables, contextValue: context, hideSuggestions });
    // Variables are coerced by graphql-js, as `execute` would: same defaults, same errors (see the patch).
    const { coerced, errors } = getVariableValues(this.schema, operation.variableDefinitions ?? [], variables, { maxErrors: 50, hideSuggestions });
    if (errors) return { errors };
    const result = await compiled.query(undefined, context, undefined, coerced);
    return result.errors ? { ...result, errors: result.errors.map(asGraphQLJsError) } : result;
  }

  /** The operation compiled, once it has run `compileAfter` times (counting this run when it has not). */
  private compiledFor(queryHash: string, document: DocumentNode, operation: OperationDefinitionNode): Compiled | undefined {
    const key = `${queryHash}:${operation.name?.value ?? ''}`;
    const found = this.compiled.get(key);
    if (found) return found;
    const count = this.runs.get(key) ?? 0;
    if (count === 'never') return undefined;
    if (count < this.compileAfter) {
      this.runs.set(key, count + 1);
      return undefined;
    }
    // graphql-jit writes a fragment's code out at each of its spreads.
    const fields = expandedFieldCount(document, operation);
    const compiled = fields <= this.maxCompiledFields ? this.compile(document, operation) : undefined;
    if (!compiled) {
      this.runs.set(key, 'never');
      return undefined;
    }
    // The count stays: an operation the cache lets go is compiled again as soon as it comes back.
    this.compiled.set(key, compiled, { size: fields });
    return compiled;
  }

  private compile(document: DocumentNode, operation: OperationDefinitionNode): Compiled | undefined {
    try {
      const compiled = compileQuery(this.schema, structuredClone(document), operation.name?.value, {
        // graphql-jit's newer handling of @skip and @include, which follows the spec for fragment spreads
        // (the older one is kept for its existing users, and will be removed).
        useExperimentalPathBasedSkipInclude: true,
      });
      if (isCompiledQuery(compiled)) return { query: compiled.query as Compiled['query'] };
    } catch {
      // Left to graphql-js, which executes what it validated or says what is wrong with it.
    }
    return undefined;
  }
}

/**
 * graphql-jit's error as graphql-js makes it. graphql-jit's own has no `extensions` object when the error
 * has no extensions (graphql-js always gives one), and Apollo Server reads `extensions.code` of every error:
 * the read threw, and every error of a compiled query (a cancelled statement, an absent database) was
 * reported as an internal error.
 */
function asGraphQLJsError(error: GraphQLError): GraphQLError {
  const converted = new GraphQLError(error.message, { path: error.path, originalError: error.originalError, extensions: error.extensions });
  // graphql-jit locates an error by line and column already; graphql-js would compute the same from the nodes.
  (converted as { locations: GraphQLError['locations'] }).locations = error.locations;
  return converted;
}

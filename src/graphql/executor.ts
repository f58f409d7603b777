import type { GatewayExecutor, GatewayInterface, GatewaySchemaLoadOrUpdateCallback } from '@apollo/server-gateway-interface';
import { type DocumentNode, execute, GraphQLError, type ExecutionResult, getOperationAST, type GraphQLSchema, type OperationDefinitionNode, visit } from 'graphql';
import { getVariableValues } from 'graphql/execution/values';
import { compileQuery, isCompiledQuery } from 'graphql-jit';
import { LRUCache } from 'lru-cache';
import type { RequestContext } from './context';

/** A compiled operation; `coercedVariables` is this project's patch (patches/graphql-jit+0.8.9.patch). */
interface Compiled {
  operation: OperationDefinitionNode;
  query(root: unknown, context: unknown, variables: undefined, coercedVariables: Record<string, unknown>): ExecutionResult | Promise<ExecutionResult>;
}

/** How many of a document's selections are fields (fragments counted once): compiled code grows with it. */
function fieldCount(document: DocumentNode): number {
  let fields = 0;
  visit(document, { Field: () => void fields++ });
  return fields;
}

/**
 * Executes operations as JavaScript compiled for their document by graphql-jit once the same parsed
 * document has been executed `compileAfter` times, and by graphql-js until then. graphql-js walks the
 * query's selections, looks up each field's definition and builds its resolve info for every record of
 * every response; a compiled query does that walk once. In bench runs against graphql-js alone, the API's
 * CPU a request went down by 12 to 15% for the list page and 19 to 27% for the detail page (README,
 * Performance).
 *
 * Apollo Server 4 and 5 take another executor through their gateway interface only (they removed the
 * `executor` option as redundant with it); this is that interface with a fixed schema. Apollo still parses,
 * validates, checks the query limits, and formats errors: only execution changes hands.
 *
 * Compiling a document costs about as much as executing it once to three times (1.4 ms for the list page,
 * 3.2 ms for the detail page), so a document is compiled only once it is seen again: a query sent once (an explorer's) never pays for it. Apollo Server keeps each
 * parsed document in an LRU cache and hands back the same object for the same text, so executions are
 * looked up by that object.
 *
 * Compiled code is large: measured, about 6 KB for each field of the query (119 KB for the list page's 18
 * fields, 372 KB for the detail page's 60), where Apollo's cache of documents is bounded by the size of
 * their text. So compiled queries are kept in a cache of their own, bounded by their fields
 * (about 60 MB), the least recently used going first; a document of more fields than
 * the most allowed, or one graphql-jit refuses, stays with graphql-js. Each request's log line
 * says which ran it (`compiled`).
 */
export class CompiledExecution implements GatewayInterface {
  /** Each operation's runs by graphql-js so far, or 'never' when it is not to be compiled; kept with Apollo's document. */
  private readonly runs = new WeakMap<DocumentNode, Map<string | null, number | 'never'>>();
  /** Compiled operations by document, each document sized by its fields. */
  private readonly compiled: LRUCache<DocumentNode, Map<string | null, Compiled>>;
  private readonly listeners = new Set<GatewaySchemaLoadOrUpdateCallback>();
  private readonly maxCompiledFields: number;

  /**
   * `compiledFields`: the fields of all compiled queries kept (10,000, about 60 MB: a frontend's tens of
   * queries hold a few thousand); `maxCompiledFields`: the most a document may have to be compiled (1,000,
   * about 6 MB of code).
   */
  constructor(
    private readonly schema: GraphQLSchema,
    private readonly compileAfter: number,
    { compiledFields = 10_000, maxCompiledFields = 1_000 } = {},
  ) {
    this.compiled = new LRUCache({ maxSize: compiledFields });
    this.maxCompiledFields = maxCompiledFields;
  }

  onSchemaLoadOrUpdate(callback: GatewaySchemaLoadOrUpdateCallback): () => void {
    this.listeners.add(callback);
    return () => this.listeners.delete(callback);
  }

  async load(): Promise<{ executor: GatewayExecutor }> {
    // The schema never changes while the server runs: Apollo is told of it once, before its first request.
    for (const listener of this.listeners) listener({ apiSchema: this.schema, coreSupergraphSdl: '' });
    return {
      executor: ({ document, operationName, request, context }) => this.execute(document, operationName ?? null, request.variables ?? {}, context as RequestContext),
    };
  }

  async stop(): Promise<void> {}

  /** The fields of the compiled queries kept now. */
  get compiledFields(): number {
    return this.compiled.calculatedSize;
  }

  /** Runs the operation, compiled when its document has been seen often enough. */
  async execute(document: DocumentNode, operationName: string | null, variables: Record<string, unknown>, context: RequestContext): Promise<ExecutionResult> {
    const compiled = this.compiledFor(document, operationName);
    context.stats.compiled = compiled !== undefined;
    if (!compiled) return execute({ schema: this.schema, document, operationName, variableValues: variables, contextValue: context });
    // Variables are coerced by graphql-js, as `execute` would: same defaults, same errors (see the patch).
    const { coerced, errors } = getVariableValues(this.schema, compiled.operation.variableDefinitions ?? [], variables, { maxErrors: 50 });
    if (errors) return { errors };
    const result = await compiled.query(undefined, context, undefined, coerced);
    return result.errors ? { ...result, errors: result.errors.map(asGraphQLJsError) } : result;
  }

  /** The operation compiled, once it has run `compileAfter` times (counting this run when it has not). */
  private compiledFor(document: DocumentNode, operationName: string | null): Compiled | undefined {
    const found = this.compiled.get(document)?.get(operationName);
    if (found) return found;
    let runs = this.runs.get(document);
    if (!runs) this.runs.set(document, (runs = new Map()));
    const count = runs.get(operationName) ?? 0;
    if (count === 'never') return undefined;
    if (count < this.compileAfter) {
      runs.set(operationName, count + 1);
      return undefined;
    }
    const fields = fieldCount(document);
    const compiled = fields <= this.maxCompiledFields ? this.compile(document, operationName) : undefined;
    if (!compiled) {
      runs.set(operationName, 'never');
      return undefined;
    }
    const operations = this.compiled.get(document) ?? new Map<string | null, Compiled>();
    operations.set(operationName, compiled);
    this.compiled.set(document, operations, { size: fields });
    return compiled;
  }

  private compile(document: DocumentNode, operationName: string | null): Compiled | undefined {
    try {
      const operation = getOperationAST(document, operationName);
      const compiled = compileQuery(this.schema, document, operationName ?? undefined, {
        // graphql-jit's newer handling of @skip and @include, which follows the spec for fragment spreads
        // (the older one is kept for its existing users, and will be removed).
        useExperimentalPathBasedSkipInclude: true,
      });
      if (operation && isCompiledQuery(compiled)) return { operation, query: compiled.query as Compiled['query'] };
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

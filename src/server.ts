import { ApolloServer, ApolloServerPlugin } from '@apollo/server';
import { unwrapResolverError } from '@apollo/server/errors';
import { ApolloServerPluginCacheControlDisabled, ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { fastifyApolloHandler } from '@as-integrations/fastify';
import fastifyCors from '@fastify/cors';
import fastifyRateLimit from '@fastify/rate-limit';
import type { MikroORM } from '@mikro-orm/postgresql';
import { LRUCache } from 'lru-cache';
import Negotiator from 'negotiator';
import Fastify, { FastifyBaseLogger, FastifyInstance, FastifyReply, FastifyRequest, LogController } from 'fastify';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import type { Logger } from 'pino';
import type { Config } from './config';
import { DatabaseFailureCode, databaseUnavailable, statementCancelled, unavailableBody } from './db/failures';
import { connectionPools } from './db/orm';
import { createContext, RequestContext, RequestStats } from './graphql/context';
import { EXPECTED_ERROR_CODES, MAX_VARIABLES_DEPTH, nestsDeeperThan } from './graphql/errors';
import { GRAPHIQL_ASSETS, graphiqlPage } from './graphql/graphiql';
import { limitExceeded, queryLimitsPlugin } from './graphql/limits';
import { CompiledExecution } from './graphql/executor';
import { getSchema } from './graphql/schema';
import { dataTag, noneMatchNames, ResponseCache, sentDataJson } from './graphql/response-cache';
import { registerExports } from './modules/export/export.routes';

export const GRAPHQL_PATH = '/graphql';
const GRAPHIQL_ASSETS_PATH = '/graphiql';

declare module 'fastify' {
  interface FastifyRequest {
    graphqlStats?: RequestStats;
    /** Set when the response may be kept in the response cache under this key. */
    cacheKey?: string;
    /** The response cache's generation when this request missed (see ResponseCache.set). */
    cacheGeneration?: number;
  }
}

/**
 * What a client may see of an error: expected ones pass through; a cancelled statement and an absent
 * database are said as such; anything else is masked, with nothing internal (no SQL, host or stack).
 */
function formatError(config: Config) {
  return (formatted: import('graphql').GraphQLFormattedError, error: unknown) => {
    const code = formatted.extensions?.code as string | undefined;
    if (code && EXPECTED_ERROR_CODES.has(code)) return formatted;
    const where = { path: formatted.path, locations: formatted.locations };
    const failure = databaseFailure(unwrapResolverError(error), config);
    if (failure) return { message: failure.message, extensions: { code: failure.code }, ...where };
    return { message: 'Internal server error', extensions: { code: 'INTERNAL_SERVER_ERROR' }, ...where };
  };
}

/** The media types Apollo Server answers a single result in, in its order of preference (its MEDIA_TYPES). */
const ANSWER_TYPES = ['application/json; charset=utf-8', 'application/graphql-response+json; charset=utf-8', 'application/json; callbackSpec=1.0; charset=utf-8'];

/** The content types negotiated so far, by Accept header (see answerContentType); '' where none fits. */
const negotiated = new LRUCache<string, string>({ max: 100 });

/**
 * The content type Apollo Server would answer a request with, for its `accept` header (as its own
 * `chooseContentTypeForSingleResultResponse` chooses, with the same negotiator); undefined where it would
 * not answer with JSON (a 406, or subscription callbacks), which a cache hit then leaves to it. Hits were
 * all sent as application/json, whatever the client asked for.
 */
function answerContentType(accept: string | undefined): string | undefined {
  if (!accept) return ANSWER_TYPES[0];
  // Clients send few distinct headers, and negotiating one takes 1.5 to 3 µs (a hit takes about 35).
  let type = negotiated.get(accept);
  if (type === undefined) {
    const preferred = new Negotiator({ headers: { accept } }).mediaType(ANSWER_TYPES);
    type = preferred === ANSWER_TYPES[0] || preferred === ANSWER_TYPES[1] ? preferred : '';
    negotiated.set(accept, type);
  }
  return type || undefined;
}

/**
 * The content type of a refusal in GraphQL's shape made outside Apollo (a body Fastify could not read,
 * variables nested too deep, a document too large, the rate limit): the one the client accepts, as
 * Apollo's own answers, so that a client asking for application/graphql-response+json gets it.
 */
function refusalContentType(request: FastifyRequest): string {
  return answerContentType(request.headers.accept) ?? ANSWER_TYPES[0];
}

/**
 * A GET request's search parameters as Apollo Server reads them (`new URLSearchParams` of the URL's search,
 * through @as-integrations/fastify). Fastify's own parse differs where an escape is invalid: it keeps such a
 * value raw, escapes and all, where URLSearchParams decodes the valid ones around it. The response cache's
 * key was made from Fastify's parse, so `slug:"%77eldcome"` beside an invalid escape was answered, and kept,
 * as `weldcome` under the text of a request that means the slug `%77eldcome`.
 */
function searchParams(request: FastifyRequest): URLSearchParams {
  return new URLSearchParams(new URL(request.url, 'http://localhost/').search);
}

/**
 * Whether a request's variables nest too deep to be walked (see MAX_VARIABLES_DEPTH): checked before
 * anything reads them. A GET request's are JSON text, read here as Apollo reads them; text that is not
 * JSON is left to Apollo, which refuses it.
 */
function variablesTooDeep(variables: unknown): boolean {
  if (typeof variables === 'string') {
    try {
      variables = JSON.parse(variables);
    } catch {
      return false;
    }
  }
  return nestsDeeperThan(variables, MAX_VARIABLES_DEPTH);
}

/** A cancelled statement or an absent database, said as such (the GraphQL endpoint and the exports alike). */
function databaseFailure(error: unknown, config: Config): { code: DatabaseFailureCode; message: string } | undefined {
  if (statementCancelled(error)) {
    return {
      code: 'QUERY_TIMEOUT',
      message: `The query ran longer than ${config.statementTimeoutMs} ms and was cancelled. Ask for less (smaller pages, fewer nested lists).`,
    };
  }
  if (databaseUnavailable(error)) return { code: 'SERVICE_UNAVAILABLE', message: 'The database is unavailable at the moment; try again shortly.' };
  return undefined;
}

/**
 * Logs unexpected errors in full with the request id, adds the request id to masked errors, reports the
 * SQL statement count, and records what the request's log line needs.
 */
function observabilityPlugin(config: Config): ApolloServerPlugin<RequestContext> {
  return {
    async requestDidStart({ request, contextValue }) {
      if (config.logVariables) contextValue.stats.variables = request.variables;
      return {
        async didResolveOperation({ operationName }) {
          contextValue.stats.operationName = operationName ?? null;
        },
        async didEncounterErrors({ errors }) {
          for (const error of errors) {
            const code = error.extensions?.code as string | undefined;
            if (!code || !EXPECTED_ERROR_CODES.has(code)) {
              // The request's logger already names the request (`reqId`).
              contextValue.log.error({ err: unwrapResolverError(error) }, 'error in a GraphQL request');
            }
          }
        },
        async willSendResponse({ response }) {
          if (response.body.kind !== 'single') return;
          const result = response.body.singleResult;
          result.errors = result.errors?.map((error) =>
            error.extensions?.code === 'INTERNAL_SERVER_ERROR' ? { ...error, extensions: { ...error.extensions, requestId: contextValue.requestId } } : error,
          );
          // Not `{ ...result.extensions, requestId }`: V8 (Node 20) promoted every object made by a spread and
          // then given a key of its own, with what it holds, out of minor collections (patches/@apollo+server).
          const extensions: Record<string, unknown> = Object.assign({}, result.extensions, { requestId: contextValue.requestId });
          if (config.queryStats) extensions.queryStats = { sqlStatements: contextValue.stats.sqlStatements };
          result.extensions = extensions;
          contextValue.stats.cost = contextValue.cost;
          contextValue.stats.errorCodes = result.errors?.map((error) => String(error.extensions?.code ?? 'UNKNOWN'));
          contextValue.stats.response = result as Record<string, unknown>;
        },
      };
    },
  };
}

/** Content types a browser sends cross-site without asking first (a CORS preflight). */
const SIMPLE_CONTENT_TYPES = new Set(['application/x-www-form-urlencoded', 'multipart/form-data', 'text/plain']);

/**
 * Whether a request is one a browser would have preflighted, as Apollo's CSRF prevention decides it: a
 * content type other than the simple ones, or one of Apollo's CSRF headers.
 */
function preflighted(request: FastifyRequest): boolean {
  const contentType = request.headers['content-type'];
  if (contentType !== undefined && !SIMPLE_CONTENT_TYPES.has(mediaTypeEssence(contentType))) return true;
  return ['x-apollo-operation-name', 'apollo-require-preflight'].some((header) => String(request.headers[header] ?? '').length > 0);
}

/** A content type without its parameters, in lower case ("application/json; charset=utf-8" -> "application/json"). */
function mediaTypeEssence(contentType: string): string {
  return contentType.split(';')[0].trim().toLowerCase();
}

/**
 * Whether Apollo Server reads a request's body type: a GET may have no body type, or application/json
 * (Apollo answers any other with 415). A cache hit answered such a GET with 200 once another had been kept.
 */
function readableContentType(request: FastifyRequest): boolean {
  const contentType = request.headers['content-type'];
  return request.method !== 'GET' || contentType === undefined || mediaTypeEssence(contentType) === 'application/json';
}

export interface ServerOptions {
  orm: MikroORM;
  config: Config;
  logger: Logger;
}

/** What /readyz answers: its status and body. */
interface Readiness {
  status: number;
  body: Record<string, unknown>;
}

/** How long one readiness check answers /readyz for (see the route). */
const READINESS_REUSE_MS = 1000;

/** The HTTP server: /graphql (with GraphiQL for browsers), /export/*.csv, /healthz and /readyz. */
export async function createServer({ orm, config, logger }: ServerOptions): Promise<FastifyInstance> {
  const app: FastifyInstance = Fastify({
    loggerInstance: logger as FastifyBaseLogger,
    // One log line per request is written below, with what GraphQL adds; Fastify's two are off.
    logController: new LogController({ disableRequestLogging: true }),
    genReqId: (request) => {
      const given = request.headers['x-request-id'];
      return typeof given === 'string' && /^[\w.-]{1,128}$/.test(given) ? given : randomUUID();
    },
    bodyLimit: Math.max(config.maxDocumentBytes * 4, 64 * 1024),
  });

  // Errors outside GraphQL (CSV exports, malformed bodies): a client error keeps its message; anything
  // else is logged in full and answered without internals.
  app.setErrorHandler((error: Error & { statusCode?: number }, request, reply) => {
    const status = error.statusCode && error.statusCode >= 400 ? error.statusCode : 500;
    // The rate limiter's refusal is already shaped as a GraphQL response.
    if (status < 500 && 'errors' in error) {
      return reply.code(status).type(refusalContentType(request)).send({ errors: (error as { errors: unknown }).errors });
    }
    // A request to the GraphQL endpoint that Fastify refused (malformed JSON, a body too large, a type it
    // does not read) is answered as GraphQL answers, with a code and the request id.
    if (status < 500 && request.url.split('?')[0] === GRAPHQL_PATH) {
      return reply.code(status).type(refusalContentType(request)).send({ errors: [{ message: error.message, extensions: { code: 'BAD_REQUEST' } }] });
    }
    if (status < 500) return reply.code(status).send({ error: error.message, statusCode: status });
    // JSON, whatever type the route had set (an export sets its download headers only once its first
    // line is ready, after which its errors no longer come here).
    reply.type('application/json; charset=utf-8');
    const failure = databaseFailure(error, config);
    if (failure) return reply.code(503).send(unavailableBody(failure.code, failure.message, request.id));
    request.log.error({ err: error }, 'error in a request');
    return reply.code(500).send({ error: 'Internal server error', statusCode: 500, requestId: request.id });
  });

  await app.register(fastifyCors, {
    origin: config.corsOrigins === '*' ? true : config.corsOrigins,
    methods: ['GET', 'POST', 'OPTIONS'],
    // cache-control (and the older pragma) ask for a fresh answer rather than the response cache's.
    allowedHeaders: ['content-type', 'apollo-require-preflight', 'x-apollo-operation-name', 'x-api-key', 'x-request-id', 'authorization', 'if-none-match', 'cache-control', 'pragma'],
    exposedHeaders: ['etag', 'x-request-id', 'ratelimit-limit', 'ratelimit-remaining', 'ratelimit-reset', 'ratelimit-policy', 'retry-after'],
    maxAge: 600,
  });

  if (config.rateLimitMax > 0) {
    await app.register(fastifyRateLimit, {
      max: config.rateLimitMax,
      timeWindow: config.rateLimitWindowMs,
      // A client is its API key when the key is one of API_KEYS, else its address.
      keyGenerator: (request) => {
        const key = request.headers['x-api-key'];
        return typeof key === 'string' && config.apiKeys.has(key) ? `key:${key}` : `ip:${request.ip}`;
      },
      allowList: (request) => request.url === '/healthz' || request.url === '/readyz',
      enableDraftSpec: true,
      errorResponseBuilder: (_request, context) => ({
        statusCode: 429,
        errors: [
          {
            message: `Too many requests: at most ${context.max} per ${Math.round(config.rateLimitWindowMs / 1000)} s. Retry in ${Math.ceil(context.ttl / 1000)} s.`,
            extensions: { code: 'RATE_LIMITED', retryAfterSeconds: Math.ceil(context.ttl / 1000) },
          },
        ],
      }),
    });
  }

  const schema = await getSchema();
  const apollo = new ApolloServer<RequestContext>({
    // The schema, executed compiled once a query is seen again (see CompiledExecution).
    gateway: new CompiledExecution(schema, config.compileQueriesAfter, { hideSuggestions: !config.introspection }),
    introspection: config.introspection,
    // Without introspection, validation's "Did you mean ...?" would still spell the schema out field by field
    // (and the variables' errors would, which the executor leaves them out of).
    hideSchemaDetailsFromClientErrors: !config.introspection,
    csrfPrevention: true,
    includeStacktraceInErrorResponses: false,
    // Shutdown is ours (main.ts): Apollo's own signal handlers would race it.
    stopOnTerminationSignals: false,
    // No drain plugin: Fastify's close() already stops accepting and waits for requests in flight, and the
    // plugin would call close() again from inside it.
    plugins: [
      ApolloServerPluginLandingPageDisabled(),
      // Apollo's cache-control plugin is on by default and wraps every field resolver to collect cache
      // hints that nothing here reads (the response cache is invalidated by data changes, not by hints).
      ApolloServerPluginCacheControlDisabled(),
      observabilityPlugin(config),
      queryLimitsPlugin(schema, config),
    ],
    formatError: formatError(config),
  });
  await apollo.start();

  const cache = config.responseCache
    ? new ResponseCache(config.responseCacheListenUrl ?? String(orm.config.get('clientUrl')), logger, config.responseCacheMaxEntries, undefined, undefined, undefined,
        // Listening elsewhere, its heartbeat is sent where the data is written (DATABASE_URL): heard, it shows
        // that the listening connection hears what is sent there.
        String(orm.config.get('clientUrl')))
    : undefined;
  await cache?.start();

  const graphqlHandler = fastifyApolloHandler(apollo, {
    context: async (request) =>
      createContext(orm, config, request.id, request.graphqlStats ?? { sqlStatements: 0 }, request.log as unknown as Logger),
  });

  // GraphQL executions under way. One goes on when its client has gone (nothing cancels a resolver), and
  // the server's close no longer waits for it then: closing waits for them, so that the pool is not
  // closed under their next statements (which failed with "aborted", logged as errors).
  const executions = new Set<Promise<unknown>>();
  const handle = (request: FastifyRequest, reply: FastifyReply) => {
    const stats: RequestStats = { sqlStatements: 0 };
    // The request's context counts its statements here (see createContext).
    request.graphqlStats = stats;
    const execution = Promise.resolve(graphqlHandler.call(app, request as never, reply as never));
    executions.add(execution);
    const done = () => executions.delete(execution);
    execution.then(done, done);
    return execution;
  };

  app.route({
    method: ['GET', 'POST'],
    url: GRAPHQL_PATH,
    handler: async (request, reply) => {
      // A GET request's parameters as Apollo reads them (see searchParams), not as Fastify parsed them.
      const parameters = request.method === 'GET' ? searchParams(request) : undefined;
      const query = parameters ? (parameters.get('query') ?? undefined) : (request.body as Record<string, unknown> | undefined)?.query;
      // A browser opening the endpoint gets GraphiQL; API clients (which do not ask for HTML) get GraphQL.
      if (request.method === 'GET' && !query && String(request.headers.accept ?? '').includes('text/html')) {
        return reply.type('text/html; charset=utf-8').send(graphiqlPage(GRAPHQL_PATH, GRAPHIQL_ASSETS_PATH));
      }
      // The whole body of a POST (its extensions are written into the cache's key too), a GET's variables.
      if (parameters ? variablesTooDeep(parameters.get('variables')) : nestsDeeperThan(request.body, MAX_VARIABLES_DEPTH + 1)) {
        const message = `The request's variables or extensions nest deeper than ${MAX_VARIABLES_DEPTH} levels of arrays and objects.`;
        return reply.code(400).type(refusalContentType(request)).send({ errors: [{ message, extensions: { code: 'BAD_USER_INPUT' } }] });
      }
      if (typeof query === 'string' && Buffer.byteLength(query) > config.maxDocumentBytes) {
        const size = Buffer.byteLength(query);
        const error = limitExceeded('documentBytes', config.maxDocumentBytes, size, `The query document is ${size} bytes; at most ${config.maxDocumentBytes} are allowed.`);
        return reply.code(400).type(refusalContentType(request)).send({ errors: [{ message: error.message, extensions: { ...error.extensions, http: undefined } }] });
      }
      // A GET's answer may be stored by a browser or a CDN (it carries an ETag, see onSend): stored by the
      // media type asked for, and always checked with the API before use.
      if (request.method === 'GET') {
        const vary = reply.getHeader('vary');
        reply.header('vary', vary ? `${String(vary)}, Accept` : 'Accept').header('cache-control', 'no-cache');
      }
      // Reads are answered from the cache when the same request was answered since the data last changed.
      // `cache-control: no-cache` asks for a fresh answer (the benchmark measures both), unless the request
      // is a revalidation (If-None-Match): fetch adds no-cache to every such request (the Fetch standard's
      // rule), and the cache's answer is as fresh as a computed one, since any change of data empties it.
      // Only a request Apollo would accept may be answered from the cache: one that a cross-site form
      // could send is left to Apollo, which refuses it (CSRF prevention), whatever the cache holds, and so is
      // a GET with a body type Apollo refuses.
      if (cache?.active && query !== undefined && preflighted(request) && readableContentType(request)) {
        const payload = parameters ? [...parameters] : request.body;
        const key = cache.key({ method: request.method, payload });
        const fresh = String(request.headers['cache-control'] ?? '').includes('no-cache') && request.headers['if-none-match'] === undefined;
        // Negotiated only for a request the cache may answer.
        const contentType = fresh ? undefined : answerContentType(request.headers.accept);
        const hit = contentType ? cache.get(key) : undefined;
        if (hit) {
          request.graphqlStats = { sqlStatements: 0, operationName: null, errorCodes: [] };
          // A GET whose client holds this very data is told so, without the data (see onSend).
          if (request.method === 'GET') {
            reply.header('etag', hit.etag);
            if (noneMatchNames(request.headers['if-none-match'], hit.etag)) return reply.header('x-cache', 'hit').code(304).send();
          }
          // Object.assign, not a spread given new keys, which V8 keeps past minor collections
          // (src/generate/README.md, "What moved the numbers").
          const extensions = Object.assign({}, hit.extensions, { requestId: request.id, cache: 'hit' });
          return reply.header('x-cache', 'hit').type(contentType!).send(hit.body(extensions));
        }
        request.cacheKey = key;
        request.cacheGeneration = cache.currentGeneration;
        reply.header('x-cache', 'miss');
      }
      return handle(request, reply);
    },
  });

  // A fresh answer without errors is kept for the next identical request. The plugins have finished with
  // the response object by the time it is sent, so it is kept as it is.
  app.addHook('onSend', async (request, reply, payload) => {
    const response = request.graphqlStats?.response;
    const answered = reply.statusCode === 200 && response && !response.errors && response.data && typeof payload === 'string' ? payload : undefined;
    const kept = cache && request.cacheKey && answered ? cache.set(request.cacheKey, response!, request.cacheGeneration!, answered) : undefined;
    // A GET's answer names its data with an entity tag, and a client that sends the tag back in
    // If-None-Match gets 304 without the data while it is unchanged: a browser's or a CDN's revalidation
    // costs no transfer. Only data without errors is tagged; a POST, which HTTP caches do not revalidate,
    // is not. The tag of an answer just kept is the kept one's (its data already cut out).
    if (request.method === 'GET' && answered && response!.extensions) {
      const dataJson = kept ? undefined : sentDataJson(answered, response!.extensions as Record<string, unknown>);
      const etag = kept?.etag ?? (dataJson === undefined ? undefined : dataTag(dataJson));
      if (etag !== undefined) {
        reply.header('etag', etag);
        if (noneMatchNames(request.headers['if-none-match'], etag)) {
          // No body, and so neither its type nor its length (RFC 9110, 8.6 and 15.4.5): a null payload is
          // sent without them, where an empty string would be sent with a length of 0.
          reply.code(304).removeHeader('content-type');
          if (request.graphqlStats) request.graphqlStats.response = undefined;
          return null;
        }
      }
    }
    // The request's stats outlive the response (the onResponse line reads them), and V8's minor collections
    // found them still reachable well after the request: through them, every answer (its records and its
    // JSON) was copied and promoted to the old generation, to be freed only by a full collection. With the
    // reference dropped here, a list page's minor collections paused 1.7 ms instead of 17
    // (src/generate/README.md, "What moved the numbers").
    if (request.graphqlStats) request.graphqlStats.response = undefined;
    // Every refusal in GraphQL's shape carries the request id, as every answer does: the rate limiter's,
    // Fastify's and the handler's own, and Apollo's (a possible cross-site forgery, an Accept it cannot
    // answer), which are sent without the plugins that add it to the others. Error answers only.
    if (reply.statusCode >= 400 && typeof payload === 'string' && payload.startsWith('{"errors"')) {
      const body = JSON.parse(payload) as { extensions?: Record<string, unknown> };
      if (body.extensions?.requestId === undefined) return JSON.stringify({ ...body, extensions: { ...body.extensions, requestId: request.id } });
    }
    return payload;
  });

  app.get<{ Params: { asset: string } }>(`${GRAPHIQL_ASSETS_PATH}/:asset`, async (request, reply) => {
    // Own names only: `constructor` or `toString` are on every object, and were served as files that are not.
    const asset = Object.hasOwn(GRAPHIQL_ASSETS, request.params.asset) ? GRAPHIQL_ASSETS[request.params.asset] : undefined;
    if (!asset) return reply.code(404).send({ error: 'no such asset' });
    return reply.type(asset.type).header('cache-control', 'public, max-age=86400').send(fs.createReadStream(asset.file));
  });

  registerExports(app, orm, config);

  app.get('/', async (_request, reply) => reply.redirect(GRAPHQL_PATH));

  app.get('/healthz', async () => ({ status: 'ok' }));

  const checkReadiness = async (): Promise<Readiness> => {
    try {
      // Both pools: a session of the prepared statements' pool that cannot open (settings a pooler refuses,
      // say) fails every list page and loader while the first pool answers.
      await Promise.all(connectionPools(orm).map((pool) => pool.raw('select 1')));
      const pending = await orm.getMigrator().getPendingMigrations();
      if (pending.length > 0) return { status: 503, body: { status: 'migrations pending', pending: pending.map((m) => m.name) } };
      return { status: 200, body: { status: 'ready' } };
    } catch (error) {
      app.log.warn({ err: error }, 'readiness check failed');
      return { status: 503, body: { status: 'database unreachable' } };
    }
  };
  // /readyz is never rate limited (probes must get through), and each check takes a connection of each
  // pool the GraphQL requests need: requests that come together share one check, and a "ready" serves for
  // READINESS_REUSE_MS, so that a flood of probes costs the pools one check a second. Any other answer is
  // not reused: the next probe sees the database back as soon as it is.
  let readiness: { answer: Promise<Readiness>; at: number } | undefined;
  app.get('/readyz', async (_request, reply) => {
    if (!readiness || performance.now() - readiness.at > READINESS_REUSE_MS) {
      const checking = { answer: checkReadiness(), at: performance.now() };
      readiness = checking;
      void checking.answer.then(({ status }) => {
        if (status !== 200 && readiness === checking) readiness = undefined;
      });
    }
    const { status, body } = await readiness.answer;
    return reply.code(status).send(body);
  });

  // One structured line per request. Variables only when LOG_VARIABLES is on: they may hold what people typed.
  app.addHook('onResponse', async (request, reply) => {
    const stats = request.graphqlStats;
    // `request.log` writes the request id (`reqId`) on every line of its own.
    request.log.info(
      {
        method: request.method,
        path: request.routeOptions.url ?? request.url.split('?')[0],
        status: reply.statusCode,
        durationMs: Math.round(reply.elapsedTime * 10) / 10,
        ...(stats && {
          operationName: stats.operationName ?? null,
          cost: stats.cost ?? null,
          sqlStatements: stats.sqlStatements,
          compiled: stats.compiled ?? null,
          errorCodes: stats.errorCodes ?? [],
          ...(config.logVariables && { variables: stats.variables ?? null }),
        }),
      },
      'request',
    );
  });

  // On shutdown, responses still in flight ask their client to close the connection, so that a kept-alive
  // socket does not hold the process open for the keep-alive timeout.
  let closing = false;
  app.addHook('preClose', async () => {
    closing = true;
    app.server.closeIdleConnections();
  });
  app.addHook('onSend', async (_request, reply) => {
    if (closing) reply.header('connection', 'close');
  });

  app.addHook('onClose', async () => {
    await Promise.allSettled(executions);
    await apollo.stop();
    await cache?.stop();
  });
  return app;
}

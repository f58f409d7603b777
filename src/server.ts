import { ApolloServer, ApolloServerPlugin } from '@apollo/server';
import { ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { unwrapResolverError } from '@apollo/server/errors';
import { fastifyApolloHandler } from '@as-integrations/fastify';
import type { MikroORM } from '@mikro-orm/postgresql';
import Fastify, { FastifyBaseLogger, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import type { Logger } from 'pino';
import type { Config } from './config';
import { countSqlStatements, createContext, RequestContext, RequestStats, withRequestStats } from './graphql/context';
import { EXPECTED_ERROR_CODES } from './graphql/errors';
import { GRAPHIQL_ASSETS, graphiqlPage } from './graphql/graphiql';
import { getSchema } from './graphql/schema';
import { registerExports } from './modules/export/export.routes';

export const GRAPHQL_PATH = '/graphql';
const GRAPHIQL_ASSETS_PATH = '/graphiql';

declare module 'fastify' {
  interface FastifyRequest {
    graphqlStats?: RequestStats;
  }
}

/** Logs unexpected errors in full with the request id, and reports the SQL statement count. */
function observabilityPlugin(config: Config): ApolloServerPlugin<RequestContext> {
  return {
    async requestDidStart() {
      return {
        async didEncounterErrors({ errors, contextValue }) {
          for (const error of errors) {
            const code = error.extensions?.code as string | undefined;
            if (!code || !EXPECTED_ERROR_CODES.has(code)) {
              contextValue.log.error({ err: unwrapResolverError(error), requestId: contextValue.requestId }, 'unexpected error in a GraphQL request');
            }
          }
        },
        async willSendResponse({ response, contextValue }) {
          if (response.body.kind !== 'single') return;
          const extensions: Record<string, unknown> = { ...response.body.singleResult.extensions, requestId: contextValue.requestId };
          if (config.queryStats) extensions.queryStats = { sqlStatements: contextValue.stats.sqlStatements };
          response.body.singleResult.extensions = extensions;
        },
      };
    },
  };
}

export interface ServerOptions {
  orm: MikroORM;
  config: Config;
  logger: Logger;
}

/** The HTTP server: /graphql (with GraphiQL for browsers), /healthz and /readyz. */
export async function createServer({ orm, config, logger }: ServerOptions): Promise<FastifyInstance> {
  const app: FastifyInstance = Fastify({
    loggerInstance: logger as FastifyBaseLogger,
    genReqId: (request) => {
      const given = request.headers['x-request-id'];
      return typeof given === 'string' && /^[\w.-]{1,128}$/.test(given) ? given : randomUUID();
    },
  });
  countSqlStatements(orm);

  const apollo = new ApolloServer<RequestContext>({
    schema: await getSchema(),
    introspection: true,
    csrfPrevention: true,
    // Shutdown is ours (main.ts): Apollo's own signal handlers would race it.
    stopOnTerminationSignals: false,
    includeStacktraceInErrorResponses: false,
    // No drain plugin: Fastify's close() already stops accepting and waits for requests in flight, and the
    // plugin would call close() again from inside it.
    plugins: [ApolloServerPluginLandingPageDisabled(), observabilityPlugin(config)],
    // Expected errors (bad input, not found, invalid query) pass through; anything else is masked so no
    // SQL, host or stack trace reaches a client. The full error is logged by the plugin above.
    formatError: (formatted) => {
      const code = formatted.extensions?.code as string | undefined;
      if (code && EXPECTED_ERROR_CODES.has(code)) return formatted;
      return { message: 'Internal server error', extensions: { code: 'INTERNAL_SERVER_ERROR' }, path: formatted.path, locations: formatted.locations };
    },
  });
  await apollo.start();

  const graphqlHandler = fastifyApolloHandler(apollo, {
    context: async (request) =>
      createContext(orm, config, request.id, request.graphqlStats ?? { sqlStatements: 0 }, request.log as unknown as Logger),
  });

  const handle = (request: FastifyRequest, reply: FastifyReply) => {
    const stats: RequestStats = { sqlStatements: 0 };
    request.graphqlStats = stats;
    // Every statement sent while this request runs is counted for it.
    return withRequestStats(stats, () => graphqlHandler.call(app, request as never, reply as never));
  };

  app.route({
    method: ['GET', 'POST', 'OPTIONS'],
    url: GRAPHQL_PATH,
    handler: async (request, reply) => {
      // A browser opening the endpoint gets GraphiQL; API clients (which do not ask for HTML) get GraphQL.
      const wantsPage = request.method === 'GET' && String(request.headers.accept ?? '').includes('text/html');
      const query = request.query as Record<string, unknown> | undefined;
      if (wantsPage && !query?.query) {
        return reply.type('text/html; charset=utf-8').send(graphiqlPage(GRAPHQL_PATH, GRAPHIQL_ASSETS_PATH));
      }
      return handle(request, reply);
    },
  });

  app.get<{ Params: { asset: string } }>(`${GRAPHIQL_ASSETS_PATH}/:asset`, async (request, reply) => {
    const asset = GRAPHIQL_ASSETS[request.params.asset];
    if (!asset) return reply.code(404).send({ error: 'no such asset' });
    return reply.type(asset.type).header('cache-control', 'public, max-age=86400').send(fs.createReadStream(asset.file));
  });

  registerExports(app, orm, config);

  app.get('/', async (_request, reply) => reply.redirect(GRAPHQL_PATH));

  app.get('/healthz', async () => ({ status: 'ok' }));

  app.get('/readyz', async (_request, reply) => {
    try {
      await orm.em.getConnection().execute('select 1');
      const pending = await orm.getMigrator().getPendingMigrations();
      if (pending.length > 0) return reply.code(503).send({ status: 'migrations pending', pending: pending.map((m) => m.name) });
      return { status: 'ready' };
    } catch (error) {
      app.log.warn({ err: error }, 'readiness check failed');
      return reply.code(503).send({ status: 'database unreachable' });
    }
  });

  app.addHook('onClose', async () => {
    await apollo.stop();
  });
  return app;
}

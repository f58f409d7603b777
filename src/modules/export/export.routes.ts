import type { MikroORM } from '@mikro-orm/postgresql';
import { stringify } from 'csv-stringify';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { GraphQLError } from 'graphql';
import { once } from 'node:events';
import { pipeline, Readable, Transform } from 'node:stream';
import { Pool } from 'pg';
import QueryStream from 'pg-query-stream';
import type { Knex } from 'knex';
import type { Logger } from 'pino';
import type { Config } from '../../config';
import { statementCancelled, unavailableBody } from '../../db/failures';
import { SESSION_OPTIONS, sessionConfig } from '../../db/orm.config';
import { allOf, Condition } from '../../graphql/connection';
import { createContext, RequestContext } from '../../graphql/context';
import { toGlobalId } from '../../graphql/node';
import { badUserInput, findNulCharacter, quoted, unknownValues } from '../../graphql/errors';
import { inList, knownIds, named } from '../../graphql/filters';
import { normaliseDecimal } from '../common/money';
import { OrganisationFilter } from '../organisation/organisation.inputs';
import { OrganisationService } from '../organisation/organisation.service';
import { OrganisationKind } from '../organisation/organisation.entity';
import { ParticipationRole } from '../participation/participation.entity';
import { ProjectFilter } from '../project/project.inputs';
import { ProjectService } from '../project/project.service';
import { claimRecordTypes } from '../provenance/claim.entity';
import { Source } from '../provenance/source.entity';

type Query = Record<string, string | string[] | undefined>;

/** A list parameter: repeated (`?country=BE&country=FR`) or comma-separated (`?country=BE,FR`). */
function list(query: Query, name: string): string[] | undefined {
  const raw = query[name];
  if (raw === undefined) return undefined;
  const values = (Array.isArray(raw) ? raw : [raw]).flatMap((value) => value.split(',')).map((value) => value.trim()).filter(Boolean);
  return values.length ? values : undefined;
}

function single(query: Query, name: string): string | undefined {
  const raw = query[name];
  return Array.isArray(raw) ? raw[raw.length - 1] : raw;
}

/** A text parameter; a blank one (`?text=`) is no condition, as an empty list is. */
function text(query: Query, name: string): string | undefined {
  return single(query, name)?.trim() || undefined;
}

/** `true` or `false`; anything else is refused rather than read as one of them. */
function flag(query: Query, name: string): boolean | undefined {
  const value = single(query, name);
  if (value === undefined) return undefined;
  if (value === 'true' || value === 'false') return value === 'true';
  throw badUserInput(name, `"${name}" must be true or false; got ${quoted(value)}.`);
}

function enumList<E extends string>(query: Query, name: string, allowed: Record<string, E>): E[] | undefined {
  const values = list(query, name);
  const known = new Set<string>(Object.values(allowed));
  const unknown = values?.filter((value) => !known.has(value));
  if (unknown?.length) {
    throw unknownValues(name, name, unknown, known);
  }
  return values as E[] | undefined;
}

/** The ProjectFilter of the GraphQL `projects` list, from query parameters of the same names. */
export function projectFilterFrom(query: Query): ProjectFilter {
  const min = single(query, 'totalBudgetMin');
  const max = single(query, 'totalBudgetMax');
  return {
    programme: list(query, 'programme'),
    theme: list(query, 'theme'),
    territory: list(query, 'territory'),
    includeSubTerritories: flag(query, 'includeSubTerritories') ?? true,
    partnerTerritory: list(query, 'partnerTerritory'),
    organisation: list(query, 'organisation'),
    role: enumList(query, 'role', ParticipationRole),
    country: list(query, 'country'),
    activeOn: single(query, 'activeOn'),
    totalBudget: min || max ? { min, max } : undefined,
    text: text(query, 'text'),
  };
}

function organisationFilterFrom(query: Query): OrganisationFilter {
  return {
    kind: enumList(query, 'kind', OrganisationKind),
    country: list(query, 'country'),
    territory: list(query, 'territory'),
    includeSubTerritories: flag(query, 'includeSubTerritories') ?? true,
    programme: list(query, 'programme'),
    text: text(query, 'text'),
  };
}

/**
 * The query parameters a filter reader looks at, found once by running it on an empty query that records
 * the names asked for: the list an export accepts cannot drift from what its filter reads.
 */
function parametersReadBy(read: (query: Query) => unknown): string[] {
  const names = new Set<string>();
  read(new Proxy({} as Query, { get: (_query, name) => (names.add(String(name)), undefined) }));
  return [...names];
}

/** The project filter's parameters: the GraphQL ProjectFilter's fields, the budget range flattened. */
const PROJECT_PARAMETERS = parametersReadBy(projectFilterFrom);

/** A `where` clause (empty without conditions) and its bindings. */
function whereOf(conditions: Condition[]): { sql: string; bindings: unknown[] } {
  const { sql, bindings } = allOf(conditions);
  return { sql: sql ? `where ${sql}` : '', bindings: bindings! };
}

interface Export {
  columns: string[];
  /** The query parameters it takes; any other is refused (a misspelt filter would silently export everything). */
  parameters: string[];
  /** The SQL (and its bindings) whose rows become the CSV lines, after `format`. */
  query(context: RequestContext, query: Query): Promise<{ sql: string; bindings: unknown[] }>;
  format?(row: Record<string, unknown>): Record<string, unknown>;
}

const decimal = (value: unknown) => (value == null ? null : normaliseDecimal(String(value)));

const EXPORTS: Record<string, Export> = {
  projects: {
    columns: ['id', 'slug', 'acronym', 'title_fr', 'title_nl', 'title_en', 'programme', 'start_date', 'end_date', 'total_budget', 'eu_funding', 'currency',
      'lead_partner', 'partners', 'themes', 'territories', 'website', 'total_budget_approximate', 'eu_funding_approximate'],
    parameters: PROJECT_PARAMETERS,
    async query(context, query) {
      const conditions = await new ProjectService(context).conditions(projectFilterFrom(query), '');
      const where = whereOf(conditions);
      return {
        sql: `select p.id, p.slug, p.acronym, p.titles->>'fr' as title_fr, p.titles->>'nl' as title_nl, p.titles->>'en' as title_en,
                g.slug as programme, p.start_date, p.end_date, p.total_budget, p.eu_funding, 'EUR' as currency,
                (select string_agg(o.slug, '; ' order by o.slug) from participation pa join organisation o on o.id = pa.organisation_id
                  where pa.project_id = p.id and pa.role = 'LEAD_PARTNER') as lead_partner,
                (select string_agg(o.slug, '; ' order by o.slug) from participation pa join organisation o on o.id = pa.organisation_id
                  where pa.project_id = p.id) as partners,
                (select string_agg(h.slug, '; ' order by h.slug) from project_theme pt join theme h on h.id = pt.theme_id where pt.project_id = p.id) as themes,
                (select string_agg(t.code, '; ' order by t.code) from project_territory x join territory t on t.id = x.territory_id where x.project_id = p.id) as territories,
                p.website, p.total_budget_approximate, p.eu_funding_approximate
              from project p join programme g on g.id = p.programme_id ${where.sql} order by p.slug`,
        bindings: where.bindings,
      };
    },
    format: (row) => ({ ...row, id: toGlobalId('Project', row.id as string), total_budget: decimal(row.total_budget), eu_funding: decimal(row.eu_funding) }),
  },
  organisations: {
    columns: ['id', 'slug', 'name_fr', 'name_nl', 'name_en', 'acronym', 'aliases', 'kind', 'sector', 'country', 'location', 'address', 'website'],
    parameters: parametersReadBy(organisationFilterFrom),
    async query(context, query) {
      const conditions = await new OrganisationService(context).conditions(organisationFilterFrom(query), '');
      const where = whereOf(conditions);
      return {
        sql: `select o.id, o.slug, o.names->>'fr' as name_fr, o.names->>'nl' as name_nl, o.names->>'en' as name_en, o.acronym,
                (select string_agg(alias, '; ') from jsonb_array_elements_text(o.aliases) as alias) as aliases,
                o.kind, o.sector, o.country, t.code as location, o.address, o.website
              from organisation o left join territory t on t.id = o.location_id ${where.sql} order by o.slug`,
        bindings: where.bindings,
      };
    },
    format: (row) => ({ ...row, id: toGlobalId('Organisation', row.id as string) }),
  },
  participations: {
    columns: ['id', 'project', 'organisation', 'role', 'budget', 'currency', 'budget_approximate'],
    parameters: PROJECT_PARAMETERS,
    async query(context, query) {
      const conditions = await new ProjectService(context).conditions(projectFilterFrom(query), '');
      const where = whereOf(conditions);
      return {
        sql: `select pa.id, p.slug as project, o.slug as organisation, pa.role, pa.budget, 'EUR' as currency, pa.budget_approximate
              from participation pa join project p on p.id = pa.project_id join organisation o on o.id = pa.organisation_id
              ${where.sql} order by p.slug, pa.role, o.slug`,
        bindings: where.bindings,
      };
    },
    format: (row) => ({ ...row, id: toGlobalId('Participation', row.id as string), budget: decimal(row.budget) }),
  },
  funding: {
    columns: ['id', 'recipient_type', 'recipient', 'fund', 'basis', 'stage', 'technical_assistance', 'amount', 'currency', 'approximate', 'preferred', 'sources'],
    parameters: PROJECT_PARAMETERS,
    async query(context, query) {
      const filter = projectFilterFrom(query);
      const conditions = await new ProjectService(context).conditions(filter, 'filter');
      // A programme's own amounts come with a programme filter or none; a filter on projects selects project money only.
      const projectCriteria = Object.entries(filter).some(
        ([key, value]) => !['programme', 'includeSubTerritories'].includes(key) && value != null && !(Array.isArray(value) && value.length === 0),
      );
      const programmes = filter.programme ?? [];
      const programmeWhere = projectCriteria ? 'false' : programmes.length ? `g.slug in (${programmes.map(() => '?').join(', ')})` : 'true';
      const where = whereOf(conditions);
      return {
        sql: `with selected as (select p.id from project p ${where.sql}),
              recipients as (
                select g.id as programme_id, null::uuid as project_id, null::uuid as participation_id, 'Programme' as recipient_type, g.slug as recipient
                from programme g where ${programmeWhere}
                union all
                select null, p.id, null, 'Project', p.slug from project p where p.id in (select id from selected)
                union all
                select null, null, pa.id, 'Participation', p.slug || '/' || o.slug from participation pa
                  join project p on p.id = pa.project_id join organisation o on o.id = pa.organisation_id where p.id in (select id from selected))
              select f.id, r.recipient_type, r.recipient, f.fund, f.basis, f.stage, f.technical_assistance, f.amount, f.currency, f.approximate, f.preferred,
                (select string_agg(distinct s.key, '; ') from claim c join source s on s.id = c.source_id where c.funding_id = f.id) as sources
              from funding f join recipients r on f.programme_id = r.programme_id or f.project_id = r.project_id or f.participation_id = r.participation_id
              order by r.recipient_type, r.recipient, f.basis, f.preferred desc, f.id`,
        bindings: [...where.bindings, ...(projectCriteria ? [] : programmes)],
      };
    },
    format: (row) => ({ ...row, id: toGlobalId('Funding', row.id as string), amount: decimal(row.amount) }),
  },
  claims: {
    // `outcome_kind` (TARGET or ACHIEVED) on an outcome's claims: a target must not be quoted as a result.
    columns: ['id', 'record_type', 'record', 'outcome_kind', 'field', 'value_kind', 'value', 'language', 'unit', 'basis', 'approximate', 'as_of', 'preferred', 'locator',
      'source_key', 'source_title', 'source_publisher', 'source_url', 'source_published_at'],
    parameters: ['recordType', 'field', 'source', 'preferred'],
    async query(context, query) {
      const conditions: Condition[] = [];
      // Checked without the database first.
      const recordTypes = list(query, 'recordType');
      if (recordTypes) claimRecordTypes(recordTypes, 'recordType');
      const sourceKeys = list(query, 'source');
      // A misspelt type or an unknown source is refused, naming it, as an unknown slug is in the project
      // exports: an empty file would read as "no such claims".
      const { sources } = await knownIds(context.loaders, { sources: named(sourceKeys, Source, 'key', 'source', 'source') });
      const fields = list(query, 'field');
      if (fields) await checkClaimFields(context, [...new Set(fields)]);
      for (const [column, values] of [
        ['c.subject_type', recordTypes],
        ['c.field', fields],
        ['c.source_id', sources],
      ] as const) {
        if (values) conditions.push(inList(column, values));
      }
      const preferred = flag(query, 'preferred');
      if (preferred !== undefined) conditions.push({ sql: 'c.preferred = ?', bindings: [preferred] });
      const where = whereOf(conditions);
      return {
        sql: `select c.id, c.subject_type as record_type,
                coalesce(p.slug, o.slug, g.slug, t.code, h.slug, pp.slug || '/' || po.slug, coalesce(op.slug, og.slug) || '#' || oc.indicator) as record,
                oc.kind as outcome_kind, c.field, c.value_kind, c.value, c.language, c.unit, c.basis, c.approximate, c.as_of, c.preferred, c.locator,
                s.key as source_key, s.title as source_title, s.publisher as source_publisher, s.url as source_url, s.published_at as source_published_at
              from claim c join source s on s.id = c.source_id
              left join project p on p.id = c.subject_id left join organisation o on o.id = c.subject_id
              left join programme g on g.id = c.subject_id left join territory t on t.id = c.subject_id left join theme h on h.id = c.subject_id
              left join participation pa on pa.id = c.subject_id left join project pp on pp.id = pa.project_id left join organisation po on po.id = pa.organisation_id
              left join outcome oc on oc.id = c.subject_id left join project op on op.id = oc.project_id left join programme og on og.id = oc.programme_id
              ${where.sql} order by c.subject_type, record, c.field, c.position, c.preferred desc, s.key`,
        bindings: where.bindings,
      };
    },
    format: (row) => ({ ...row, id: toGlobalId('Claim', row.id as string) }),
  },
};

/**
 * Refuses, naming them, the fields that no claim is about ("eufunding" for "euFunding"), as unknown record
 * types and sources are: an empty file would read as "no such claims". Fields are data (a seed file may
 * claim any), so the claims are asked: one probe of the claim_field index a field.
 */
async function checkClaimFields(context: RequestContext, fields: string[]): Promise<void> {
  const { rows }: { rows: Array<{ field: string }> } = await context.sql.raw(
    'select asked.field from unnest(?::text[]) with ordinality as asked(field, at) where not exists (select from claim c where c.field = asked.field) order by at',
    [fields],
  );
  if (rows.length > 0) throw unknownValues('field', 'claim field', rows.map((row) => row.field));
}

/**
 * A cell that a spreadsheet would run as a formula (starting with =, +, -, @, a tab or a carriage return)
 * is written after a quote, as OWASP advises for CSV: titles, names, addresses and quotes come from
 * imported documents, and a journalist opens the file in a spreadsheet. A plain number ("-1250.50") is
 * left as it is, so that amounts stay numbers. (csv-stringify's `escape_formulas` quotes those too.)
 */
export function inertCell(value: string): string {
  return /^[=+\-@\t\r\uFF1D\uFF0B\uFF0D\uFF20]/.test(value) && !/^-?\d+(\.\d+)?$/.test(value) ? `'${value}` : value;
}

/** The connections CSV downloads stream through (see exportPool). */
export const EXPORT_POOL_SIZE = 3;

/** How long a download waits for one of them before it is answered 503. */
export const EXPORT_WAIT_MS = 5000;

/** The name export sessions give PostgreSQL (`application_name`), to tell them apart in pg_stat_activity. */
export const EXPORT_APPLICATION_NAME = 'interreg-kb-export';

/**
 * A pool of its own for the downloads, of EXPORT_POOL_SIZE sessions whose statements may run for
 * EXPORT_TIMEOUT_MS. A download's statement lasts as long as the client takes to read it (the server
 * reads rows as the client does, and its statement timer runs meanwhile): on the API's pool, with its
 * timeout of seconds, a large or slow download was cut off after its 200 had been sent, and ten slow ones
 * held every connection the GraphQL queries needed.
 */
function exportPool(orm: MikroORM, config: Config): Pool {
  const pool = new Pool({
    ...sessionConfig(String(orm.config.get('clientUrl')), SESSION_OPTIONS),
    application_name: EXPORT_APPLICATION_NAME,
    statement_timeout: config.exportTimeoutMs,
    max: EXPORT_POOL_SIZE,
    connectionTimeoutMillis: EXPORT_WAIT_MS,
  });
  // A session the server ends while idle fails the next download that takes it, not the process.
  pool.on('error', () => undefined);
  return pool;
}

/**
 * The statement's rows as a stream, read on a session of `pool` that goes back to it when the stream ends,
 * fails or is destroyed (a client that hangs up): after the cursor is closed, as pg-query-stream closes it
 * before it reports the stream closed; one that failed is discarded.
 */
async function streamRows(pool: Pool, knex: Knex, statement: { sql: string; bindings: unknown[] }): Promise<Readable> {
  // knex's `?` placeholders as PostgreSQL's `$1`.
  const native = knex.raw(statement.sql, statement.bindings as never).toSQL().toNative();
  const session = await pool.connect();
  const rows = session.query(new QueryStream(native.sql, native.bindings as unknown[]));
  let released = false;
  const release = (error?: Error) => {
    if (released) return;
    released = true;
    session.release(error);
  };
  rows.once('error', release);
  rows.once('close', () => release());
  return rows;
}

/**
 * CSV downloads of the lists, taking the same filters as the GraphQL lists as query parameters. UTF-8
 * with a byte-order mark (so spreadsheets show accents), RFC 4180 quoting, and streamed from the
 * database row by row, so a large export never sits in memory.
 */
export function registerExports(app: FastifyInstance, orm: MikroORM, config: Config): void {
  const downloads = exportPool(orm, config);
  // The statements are built for knex (`?` placeholders); its client writes them as PostgreSQL reads them.
  const knex = orm.em.getKnex();
  app.addHook('onClose', () => downloads.end());
  for (const [name, definition] of Object.entries(EXPORTS)) {
    const disposition = `attachment; filename="${name}.csv"`;
    // HEAD says what a download is without running its query (Fastify's own HEAD route ran the GET's
    // handler, statement and all, and threw the rows away).
    // Parameters a download does not take, or that PostgreSQL could not read.
    const refused = (query: Query): { error: string; parameter: string } | undefined => {
      const nul = findNulCharacter(query);
      if (nul) return { error: `The parameter "${nul}" contains the NUL character (U+0000), which is not allowed.`, parameter: nul };
      const unknown = Object.keys(query).filter((parameter) => !definition.parameters.includes(parameter));
      if (unknown.length > 0) return { error: `Unknown parameter "${unknown[0]}"; /export/${name}.csv takes ${definition.parameters.join(', ')}.`, parameter: unknown[0] };
      return undefined;
    };
    /**
     * The download's statement, or the 400 that refuses its parameters: names it does not take, values
     * PostgreSQL could not read, unknown slugs, keys or fields. HEAD asks it too, so that HEAD and GET give
     * the same answer to the same request; only GET then runs the statement.
     */
    const statementOf = async (request: FastifyRequest): Promise<{ statement: { sql: string; bindings: unknown[] } } | { refusal: { error: string; parameter: string } }> => {
      const refusal = refused(request.query as Query);
      if (refusal) return { refusal };
      const context = createContext(orm, config, request.id, { sqlStatements: 0 }, request.log as unknown as Logger);
      try {
        return { statement: await definition.query(context, request.query as Query) };
      } catch (error) {
        if (error instanceof GraphQLError && error.extensions.code === 'BAD_USER_INPUT') {
          const argument = String(error.extensions.argumentName ?? '');
          const parameter = argument.replace(/^filter\./, '').replace(/\.(min|max)$/, (_m, end: string) => (end === 'min' ? 'Min' : 'Max'));
          // The message names the GraphQL argument ("filter.totalBudget.min"): here it is a parameter.
          return { refusal: { error: argument ? error.message.split(`"${argument}"`).join(`"${parameter}"`) : error.message, parameter } };
        }
        throw error;
      }
    };
    app.head(`/export/${name}.csv`, async (request, reply) => {
      const prepared = await statementOf(request);
      if ('refusal' in prepared) return reply.code(400).send(prepared.refusal);
      return reply.type('text/csv; charset=utf-8').header('content-disposition', disposition).send();
    });
    app.get(`/export/${name}.csv`, { exposeHeadRoute: false }, async (request: FastifyRequest, reply: FastifyReply) => {
      const prepared = await statementOf(request);
      if ('refusal' in prepared) return reply.code(400).send(prepared.refusal);
      const { statement } = prepared;
      let rows: Readable;
      try {
        rows = await streamRows(downloads, knex, statement);
      } catch (error) {
        // Every download session busy for EXPORT_WAIT_MS: said so, rather than queue for ever.
        if (error instanceof Error && /timeout exceeded when trying to connect/.test(error.message)) {
          reply.header('retry-after', String(Math.ceil(EXPORT_WAIT_MS / 1000)));
          return reply.code(503).send(unavailableBody('SERVICE_UNAVAILABLE', `All ${EXPORT_POOL_SIZE} download connections are busy; try again in a few seconds.`, request.id));
        }
        throw error;
      }
      // A client that hangs up before the first line (while the statement runs) lets its session go at once.
      reply.raw.once('close', () => rows.destroy());
      const format = new Transform({
        objectMode: true,
        transform(row: Record<string, unknown>, _encoding, done) {
          done(null, definition.format ? definition.format(row) : row);
        },
      });
      const csv = stringify({ header: true, columns: definition.columns, bom: true, cast: { boolean: (value) => String(value), string: inertCell } });
      // pipeline, not pipe: a download the client abandons destroys the whole chain, down to the database
      // stream, which gives its connection back to the pool (pipe left it checked out for good).
      pipeline(rows, format, csv, () => undefined);
      // The download starts with its first line: a query that fails before it (the database away, a
      // statement cancelled) is answered as an error, not as a CSV that breaks off.
      const failure = await once(csv, 'readable').then(
        () => undefined,
        // The pool rejects with a plain object ({ code: 'ECONNREFUSED' }) when the server is away.
        (error: unknown) => (error instanceof Error ? error : Object.assign(new Error('the export query failed'), error)),
      );
      if (failure && statementCancelled(failure)) {
        // Its own timeout, not the API's (which the error handler would name).
        return reply.code(503).send(unavailableBody('QUERY_TIMEOUT', `The download's query ran longer than ${config.exportTimeoutMs} ms (EXPORT_TIMEOUT_MS) and was cancelled.`, request.id));
      }
      // A client that left before the first line (the statement still running) broke the chain on purpose:
      // nothing went wrong, and no one is there to answer (logged as an error, it was a false alarm).
      if (failure && reply.raw.destroyed) {
        request.log.info({ download: name }, 'the client left before the download began');
        return reply.code(499).send();
      }
      if (failure) throw failure;
      return reply
        .type('text/csv; charset=utf-8')
        .header('content-disposition', disposition)
        .send(csv);
    });
  }
}

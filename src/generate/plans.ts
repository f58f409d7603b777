import type { MikroORM } from '@mikro-orm/postgresql';
import type { FastifyInstance } from 'fastify';
import type { Knex } from 'knex';
import fs from 'node:fs';
import path from 'node:path';
import { Client, escapeLiteral } from 'pg';
import pino from 'pino';
import { type Config, loadConfig, projectRoot } from '../config';
import { databaseUrl, withDatabase } from '../db/database';
import { connectionPools } from '../db/orm';
import { PREPARED_SESSION_OPTIONS, SESSION_OPTIONS, sessionConfig } from '../db/orm.config';
import { createServer } from '../server';
import { BENCH_DATABASE } from './synthetic';

/**
 * Tables that grow with the data: a plan must not read them whole. Territories among them: 1,621 in the
 * generated data, and NUTS alone has about 1,500 (local units would add tens of thousands); a project's
 * ancestors were once read through a hash of all of them (TerritoryService.walk).
 */
export const LARGE_TABLES = new Set([
  'project',
  'organisation',
  'participation',
  'claim',
  'project_territory',
  'project_theme',
  'funding',
  'outcome',
  'search_document',
  'territory',
  'territory_edge',
  'territory_reach',
]);

/** A GraphQL operation of the benchmark. */
export interface Operation {
  name: string;
  query: string;
}

/** An operation of the benchmark, with the short name that `npm run bench:instructions` takes. */
export interface BenchOperation extends Operation {
  key: string;
}

/** The key of the bench's list page, the operation issue 6's rate targets are set for. */
export const LIST_PAGE_KEY = 'list';

/**
 * The key of the list page's projects alone, without their relations: not a page a frontend would show,
 * but what the list page costs before its lead partners, themes and territories (its page statement,
 * rows and fields), measured beside it for reference.
 */
export const LIST_PROJECTS_ALONE_KEY = 'list-projects';

/** The list page's selection of each project, but for its relations. */
const LIST_PAGE_PROJECTS = `totalCount pageInfo { hasNextPage endCursor } edges { node { id slug acronym title(lang: FR)`;

/**
 * The benchmark's operations (`npm run bench`): a frontend list page (and, for reference, its projects
 * alone), a project detail page, a search, a region question and an organisation's collaborators. The plan
 * checks run them too.
 */
export function benchOperations(sample: { project: string; organisation: string; region: string }): BenchOperation[] {
  return [
    {
      key: LIST_PAGE_KEY,
      name: 'list page (20 projects with lead partner, themes, territories)',
      query: `{ projects(first: 20, orderBy: { field: TITLE, lang: FR }) { ${LIST_PAGE_PROJECTS}
        leadPartner { name } themes { name(lang: FR) } territories { code name(lang: FR) } } } } }`,
    },
    {
      key: LIST_PROJECTS_ALONE_KEY,
      name: 'list page, its projects alone (no relations; for reference)',
      query: `{ projects(first: 20, orderBy: { field: TITLE, lang: FR }) { ${LIST_PAGE_PROJECTS} } } } }`,
    },
    {
      key: 'detail',
      name: 'project detail (every relation and its claims)',
      query: `{ project(slug: "${sample.project}") { id slug acronym title summary startDate endDate website totalBudget { amount currency } euFunding { amount }
        programme { name period } themes { name } territories { code name ancestors { code } }
        participations { role budget { amount } organisation { name kind country location { name } } }
        outcomes { label value unit asOf claims { value source { title url } } }
        fundings { basis money { amount } claims { locator source { title } } }
        claims { field value preferred source { title publisher url } } } }`,
    },
    { key: 'search', name: 'search', query: `{ search(query: "welding training", first: 10) { totalCount edges { rank node { id __typename } } } }` },
    {
      key: 'region',
      name: 'region question (NUTS 1 with sub-territories)',
      query: `{ projects(first: 20, filter: { territory: ["${sample.region}"] }) { totalCount edges { node { slug title } } } }`,
    },
    {
      key: 'collaborators',
      name: "an organisation's collaborators",
      query: `{ organisation(slug: "${sample.organisation}") { name collaborators { count organisation { name } projects { slug } } } }`,
    },
  ];
}

/** The records of the generated dataset that the benchmark's operations and plan checks name, and its size. */
export interface BenchSample {
  project: string;
  organisation: string;
  region: string;
  nuts3: string;
  programme: string;
  theme: string;
  projects: number;
  organisations: number;
  participations: number;
}

/** A connection to the generated dataset, or an error that says to generate it. */
export async function connectToBench(url: string): Promise<Client> {
  const client = new Client({ connectionString: url });
  await client.connect().catch((error: { code?: string }) => {
    // 3D000: the database does not exist. Any other failure says what it is.
    throw error.code === '3D000' ? new Error(`No ${new URL(url).pathname.slice(1)} database: run "npm run generate" first.`) : error;
  });
  return client;
}

export async function benchSample(client: Client): Promise<BenchSample> {
  const { rows } = await client.query<BenchSample>(`select
    (select slug from project where slug like 'g-project-%' order by slug offset 100 limit 1) as project,
    (select slug from organisation where slug like 'g-org-%' order by slug offset 30 limit 1) as organisation,
    -- The NUTS 1 region with the most projects under it, so that the region question has work to do.
    (select n1.code from project_territory x
      join territory_edge up3 on up3.from_id = x.territory_id and up3.relation = 'PART_OF'
      join territory_edge up2 on up2.from_id = up3.to_id and up2.relation = 'PART_OF'
      join territory n1 on n1.id = up2.to_id and n1.level = 'NUTS1' and n1.code like 'X%'
      group by n1.code order by count(*) desc, n1.code limit 1) as region,
    (select t.code from project_territory x join territory t on t.id = x.territory_id where t.level = 'NUTS3'
      group by t.code order by count(*) desc, t.code limit 1) as nuts3,
    (select slug from programme where slug like 'g-programme-%' order by slug limit 1) as programme,
    (select slug from theme where slug like 'g-programme-%' order by slug limit 1) as theme,
    (select count(*) from project)::int as projects, (select count(*) from organisation)::int as organisations,
    (select count(*) from participation)::int as participations`);
  return rows[0];
}

/** What every rate of the benchmark is read against: the cheapest request the API answers. */
export const FLOOR_OPERATION: BenchOperation = { key: 'floor', name: 'floor: { __typename }', query: '{ __typename }' };

/**
 * Sends `query` to a server in this process `count` times, `inFlight` at a time. The first answer is
 * checked whole; the others by their status only, since parsing each answer back would be measured as
 * the API's work.
 */
export async function injectRepeatedly(server: FastifyInstance, query: string, count: number, inFlight = 1): Promise<void> {
  const payload = { query };
  const first = await server.inject({ method: 'POST', url: '/graphql', payload });
  if (first.statusCode !== 200 || first.json().errors) throw new Error(`the operation fails: ${first.body}`);
  let left = count - 1;
  await Promise.all(
    Array.from({ length: inFlight }, async () => {
      while (left-- > 0) {
        const response = await server.inject({ method: 'POST', url: '/graphql', payload });
        if (response.statusCode !== 200) throw new Error(`a request failed: ${response.body}`);
      }
    }),
  );
}

/** Writes one of the benchmark commands' result files in .data/bench; returns its path from the project root. */
export function writeBenchFile(name: string, content: string): string {
  const directory = path.join(projectRoot, '.data', 'bench');
  fs.mkdirSync(directory, { recursive: true });
  fs.writeFileSync(path.join(directory, name), content);
  return path.join('.data', 'bench', name);
}

export interface PlanReport {
  name: string;
  statements: number;
  /** Each large table read whole (see `wholeReads`) in the plan of any of the operation's statements. */
  sequentialScans: string[];
}

/** What the plan checks ask for: records of the dataset the filters and lookups name. */
export type PlanSample = Pick<BenchSample, 'project' | 'organisation' | 'programme' | 'theme' | 'region' | 'nuts3'> & { country: string };

/**
 * GraphQL operations whose SQL must be served by indexes: a list filtered by each ProjectFilter condition
 * (with its count), and the benchmark's operations.
 */
export function planChecks(sample: PlanSample): Operation[] {
  const list = (filter: string) => `{ projects(first: 20, filter: ${filter}) { totalCount edges { node { slug } } } }`;
  return [
    { name: 'filter: programme', query: list(`{ programme: ["${sample.programme}"] }`) },
    { name: 'filter: theme', query: list(`{ theme: ["${sample.theme}"] }`) },
    { name: 'filter: territory with sub-territories', query: list(`{ territory: ["${sample.region}"] }`) },
    { name: 'filter: territory alone', query: list(`{ territory: ["${sample.nuts3}"], includeSubTerritories: false }`) },
    { name: 'filter: partnerTerritory', query: list(`{ partnerTerritory: ["${sample.region}"] }`) },
    { name: 'filter: organisation and role', query: list(`{ organisation: ["${sample.organisation}"], role: [LEAD_PARTNER] }`) },
    { name: 'filter: country', query: list(`{ country: ["${sample.country}"] }`) },
    { name: 'filter: activeOn', query: list(`{ activeOn: "2016-06-30" }`) },
    { name: 'filter: totalBudget', query: list(`{ totalBudget: { min: "1000000", max: "2000000" } }`) },
    { name: 'filter: text', query: list(`{ text: "welding" }`) },
    // Descending, and backward from the end: orders whose nulls come last, which one index range cannot give.
    { name: 'order: title descending', query: `{ projects(first: 20, orderBy: { field: TITLE, lang: NL, direction: DESC }) { totalCount edges { node { slug } } } }` },
    { name: 'order: start date descending', query: `{ projects(first: 20, orderBy: { field: START_DATE, direction: DESC }) { edges { node { slug } } } }` },
    { name: 'order: budget, last page', query: `{ projects(last: 20, orderBy: { field: TOTAL_BUDGET }) { edges { node { slug } } } }` },
    { name: 'order: organisations by name descending', query: `{ organisations(first: 20, orderBy: { field: NAME, lang: FR, direction: DESC }) { edges { node { slug } } } }` },
    // The other large list: organisations by kind (sorted by name), in a region, by text.
    ...[
      ['kind, by name descending', `filter: { kind: [ENTERPRISE] }, orderBy: { field: NAME, lang: FR, direction: DESC }`],
      ['territory', `filter: { territory: ["${sample.region}"] }`],
      ['text', `filter: { text: "welding" }`],
    ].map(([name, args]) => ({ name: `organisations: ${name}`, query: `{ organisations(first: 20, ${args}) { totalCount edges { node { slug } } } }` })),
    // Territories, a large table too: by name, and a country's at a level.
    { name: 'territories by name', query: `{ territories(first: 20, orderBy: { field: NAME, lang: NL }) { totalCount edges { node { code } } } }` },
    { name: "territories: a country's at a level", query: `{ territories(first: 20, filter: { country: ["${sample.country}"], level: [NUTS2] }) { totalCount edges { node { code } } } }` },
    ...benchOperations(sample),
    // A territory's claims, those that other territories' overlaps state about it among them.
    { name: "a territory's claims", query: `{ territory(code: "${sample.nuts3}") { claims { field value } sources { key } } }` },
    {
      // A named statement whatever its filters: its generic plan must hold with them too.
      name: "an organisation's collaborators in a programme and period",
      query: `{ organisation(slug: "${sample.organisation}") { collaborators(filter: { programme: ["${sample.programme}"], period: { from: 2014, to: 2020 } }) { count organisation { name } } } }`,
    },
  ];
}

/** Starts `server` on a free local port; returns its base URL (`http://127.0.0.1:port`). */
export async function listenLocally(server: FastifyInstance): Promise<string> {
  await server.listen({ port: 0, host: '127.0.0.1' });
  const address = server.server.address();
  return `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
}

/** The API in this process, for measuring: no response cache, no rate limit, no log. */
export function measuredServer(orm: MikroORM, config: Config) {
  return createServer({ orm, config: { ...config, responseCache: false, rateLimitMax: 0 }, logger: pino({ level: 'silent' }) });
}

/** The query cost the measuring servers allow: no benchmark operation or plan check may be refused for it. */
export const BENCH_MAX_COST = '10000000';

/** The configuration the benchmark commands serve the generated dataset at `url` with. */
export function benchConfig(url: string): Config {
  return loadConfig({ DATABASE_URL: url, MAX_COST: BENCH_MAX_COST });
}

/**
 * The generated dataset's URL and the records its operations name, for `work` (the embedded PostgreSQL
 * started when DATABASE_URL is unset, and stopped after).
 */
export function withBench<T>(work: (url: string, sample: BenchSample, stopped: AbortSignal) => Promise<T>): Promise<T> {
  return withDatabase({}, async (serverUrl, stopped) => {
    const url = databaseUrl(serverUrl, BENCH_DATABASE);
    const client = await connectToBench(url);
    const sample = await benchSample(client).finally(() => client.end());
    return work(url, sample, stopped);
  });
}

/** The operations a command's `--operations` names (`list,floor`), in that order; an unknown name is an error. */
export function operationsNamed(sample: BenchSample, names: string): BenchOperation[] {
  const operations = new Map([...benchOperations(sample), FLOOR_OPERATION].map((operation) => [operation.key, operation]));
  const keys = names.split(',').map((key) => key.trim());
  const unknown = keys.filter((key) => !operations.has(key));
  if (unknown.length > 0) throw new Error(`unknown operation ${unknown.join(', ')}: choose from ${[...operations.keys()].join(', ')}`);
  return keys.map((key) => operations.get(key)!);
}

/** A statement as the API sent it: its text with placeholders numbered the way PostgreSQL reads them. */
export interface RecordedStatement {
  sql: string;
  bindings: unknown[];
  /** The name it was prepared under (a named statement, planned once, generically: PREPARED_SESSION_OPTIONS). */
  name?: string;
  /** `array` where the API took its rows as arrays in select-list order (`rowMode`), not as objects. */
  rowMode?: 'array';
  /**
   * The statement's wave, counted from 0: statements sent one after another with no answer in between
   * (a DataLoader's batches, dispatched together) share one; the next statement sent after an answer came
   * starts the next.
   */
  wave: number;
}

/**
 * Opens as many connections as the pool holds at most, and leaves them open in it (until they have been
 * idle for the pool's idle timeout, 30 s). Those opened are given back even when another fails to open.
 */
async function openEveryConnection(knex: Knex): Promise<void> {
  const { client } = knex;
  const acquired = await Promise.allSettled(Array.from({ length: client.pool.max }, () => client.acquireConnection()));
  for (const connection of acquired) if (connection.status === 'fulfilled') client.releaseConnection(connection.value);
  const failed = acquired.find((connection) => connection.status === 'rejected');
  if (failed) throw failed.reason;
}

/**
 * Runs each operation through the real server (started in this process, without the response cache) and
 * returns the SQL statements each one sent, in the order they were sent, with their waves. Each is run
 * twice and recorded the second time, as the API runs it warmed up: compiled, and with every connection
 * of its pools open, as a loaded API has them. A statement waiting for a connection to open is sent after
 * answers to the others of its batch, and would read as a wave of its own (a warm-up run alone did not
 * ensure it: the connections it asked for could still be opening when the recorded run began). An
 * operation that fails is an error.
 */
export async function recordStatements(orm: MikroORM, config: Config, operations: Operation[]): Promise<RecordedStatement[][]> {
  const server = await measuredServer(orm, config);
  const pools = connectionPools(orm);
  let recorded: RecordedStatement[] | undefined;
  let wave = 0;
  let answeredSinceLastSent = false;
  // knex reports a statement with its placeholders already numbered the way PostgreSQL reads them.
  const record = (query: { sql: string; bindings?: unknown[]; options?: { name?: string; rowMode?: 'array' } }) => {
    if (!recorded) return;
    if (answeredSinceLastSent && recorded.length > 0) wave++;
    answeredSinceLastSent = false;
    recorded.push({ sql: query.sql, bindings: query.bindings ?? [], name: query.options?.name, rowMode: query.options?.rowMode, wave });
  };
  const answered = () => {
    answeredSinceLastSent = true;
  };
  const all: RecordedStatement[][] = [];
  try {
    for (const knex of pools) knex.on('query', record).on('query-response', answered).on('query-error', answered);
    const endpoint = `${await listenLocally(server)}/graphql`;
    const send = (operation: Operation) =>
      fetch(endpoint, { method: 'POST', body: JSON.stringify({ query: operation.query }), headers: { 'content-type': 'application/json' } });
    for (const operation of operations) {
      await (await send(operation)).arrayBuffer();
      await Promise.all(pools.map(openEveryConnection));
      [recorded, wave, answeredSinceLastSent] = [[], 0, false];
      const response = await send(operation);
      const body = (await response.json()) as { errors?: unknown[] };
      all.push(recorded);
      recorded = undefined;
      if (body.errors) throw new Error(`${operation.name} fails: ${JSON.stringify(body.errors)}`);
    }
  } finally {
    for (const knex of pools) knex.removeListener('query', record).removeListener('query-response', answered).removeListener('query-error', answered);
    await server.close();
  }
  return all;
}

/**
 * Runs each operation through the real server (started in this process), records the SQL
 * statements it sends, and asks PostgreSQL for the plan of each. With `forceIndexes`, sequential scans are
 * disabled: a remaining one means that no index can serve the statement (what a small test dataset can
 * prove); without it, the plans are the planner's own choice (what the full dataset shows).
 */
export async function explainOperations(orm: MikroORM, config: Config, checks: Operation[], options: { forceIndexes: boolean }): Promise<PlanReport[]> {
  const recorded = await recordStatements(orm, config, checks);
  // Connections of their own, so that disabling sequential scans touches nothing else; planning as the
  // API's sessions do: statements whose text varies for their values, named ones generically.
  const [varying, named] = [SESSION_OPTIONS, PREPARED_SESSION_OPTIONS].map((sessionOptions) => new Client(sessionConfig(String(orm.config.get('clientUrl')), sessionOptions)));
  try {
    for (const client of [varying, named]) {
      await client.connect();
      if (options.forceIndexes) await client.query('set enable_seqscan = off');
    }
    const known = await indexes(varying);
    const reports: PlanReport[] = [];
    for (const [index, check] of checks.entries()) {
      const statements = recorded[index];
      const sequentialScans: string[] = [];
      for (const statement of statements) {
        if (!/^\s*(select|with)\b/i.test(statement.sql)) continue;
        const plan = statement.name === undefined ? await explainFor(varying, statement) : await explainGeneric(named, statement);
        sequentialScans.push(...wholeReads(plan, known));
      }
      reports.push({ name: check.name, statements: statements.length, sequentialScans });
    }
    return reports;
  } finally {
    // Each is let go even when another fails to (or never connected).
    await Promise.allSettled([varying.end(), named.end()]);
  }
}

type ExplainRows = { 'QUERY PLAN': Array<{ Plan: PlanNode }> };

/** The plan PostgreSQL makes for a statement and these values of its parameters. */
async function explainFor(client: Client, statement: RecordedStatement): Promise<PlanNode> {
  const { rows } = await client.query<ExplainRows>(`explain (format json) ${statement.sql}`, statement.bindings);
  return rows[0]['QUERY PLAN'][0].Plan;
}

/**
 * The generic plan of a named statement, the one its connections run whatever the values: `explain` with
 * parameters plans for their values, so the statement is prepared and explained as executed, on a
 * session that forces generic plans. The values are written as literals of no type, which PostgreSQL
 * reads as the types it inferred for the parameters (EXECUTE cannot take the outer statement's own).
 */
export async function explainGeneric(client: Client, statement: { sql: string; bindings: unknown[] }, options: { analyze?: boolean } = {}): Promise<PlanNode> {
  await client.query(`prepare kb_explained as ${statement.sql}`);
  try {
    const values = statement.bindings.map(untypedLiteral);
    const { rows } = await client.query<ExplainRows>(
      `explain (format json${options.analyze ? ', analyze' : ''}) execute kb_explained${values.length ? `(${values.join(', ')})` : ''}`,
    );
    return rows[0]['QUERY PLAN'][0].Plan;
  } finally {
    await client.query('deallocate kb_explained');
  }
}

/**
 * A statement's parameter value as SQL text. The API's named statements bind strings, numbers and flat
 * arrays of them; anything else (a date, a buffer, an object) would need node-postgres's own conversion,
 * and is refused rather than explained with a value the statement never receives.
 */
function untypedLiteral(value: unknown): string {
  const scalar = (item: unknown): item is string | number | boolean => ['string', 'number', 'boolean'].includes(typeof item);
  if (value === null || value === undefined) return 'null';
  if (scalar(value)) return escapeLiteral(String(value));
  if (Array.isArray(value) && value.every((item) => item === null || scalar(item))) {
    return escapeLiteral(`{${value.map((item) => (item === null ? 'NULL' : `"${String(item).replace(/["\\]/g, '\\$&')}"`)).join(',')}}`);
  }
  throw new Error(`The plan check cannot write this parameter of a named statement as SQL: ${JSON.stringify(value)}`);
}

interface IndexInfo {
  table: string;
  /** Its first column; null when it starts with an expression. */
  leading: string | null;
}

/** Every index of the schema, read once: a Bitmap Index Scan names only its index. */
async function indexes(client: Client): Promise<Map<string, IndexInfo>> {
  const { rows } = await client.query<{ name: string; table: string; leading: string | null }>(
    `select c.relname as name, t.relname as table, a.attname as leading
     from pg_index i join pg_class c on c.oid = i.indexrelid join pg_class t on t.oid = i.indrelid
       left join pg_attribute a on a.attrelid = i.indrelid and a.attnum = i.indkey[0]
     where c.relnamespace = 'public'::regnamespace`,
  );
  return new Map(rows.map((row) => [row.name, { table: row.table, leading: row.leading }]));
}

/** Nodes that read all of their input before they return a row: a LIMIT above them stops nothing below them. */
const READS_ALL_INPUT = new Set(['Sort', 'Hash', 'Aggregate', 'WindowAgg', 'SetOp']);

/**
 * Whether a node reads all of its input before it returns a row. An incremental sort reads one group of
 * its presorted keys at a time: when those are only `is null` tests there are two groups, which hold every
 * row (a descending page of projects by title once sorted every titled project under its LIMIT).
 */
function readsAllInput(node: PlanNode): boolean {
  if (node['Node Type'] === 'Incremental Sort') return (node['Presorted Key'] ?? []).every((key) => /IS NULL\)*$/i.test(key));
  return READS_ALL_INPUT.has(node['Node Type']);
}

/**
 * The large tables a plan reads whole: a sequential scan, or an index walked without a condition on its
 * leading column (a condition on a later column is checked on every entry) where no LIMIT stops the
 * walk early.
 */
function wholeReads(node: PlanNode, known: Map<string, IndexInfo>, limited = false): string[] {
  const index = node['Index Name'] ? known.get(node['Index Name']) : undefined;
  const table = node['Relation Name'] ?? index?.table ?? '';
  let walkedWhole = node['Node Type'] === 'Seq Scan';
  if (index && !limited) {
    walkedWhole = !node['Index Cond'] || (index.leading !== null && !new RegExp(`\\b${index.leading}\\b`).test(node['Index Cond']));
  }
  const found = walkedWhole && LARGE_TABLES.has(table) ? [`${table} (${node['Node Type']}${node['Index Name'] ? ` ${node['Index Name']}` : ''})`] : [];
  for (const child of node.Plans ?? []) {
    // An InitPlan or SubPlan runs whole whatever limits the plan above it.
    const own = child['Parent Relationship'] === 'InitPlan' || child['Parent Relationship'] === 'SubPlan';
    found.push(...wholeReads(child, known, !own && !readsAllInput(node) && (limited || node['Node Type'] === 'Limit')));
  }
  return found;
}

export interface PlanNode {
  'Node Type': string;
  /** With `analyze`: rows returned per loop, loops, and rows a filter dropped per loop. */
  'Actual Rows'?: number;
  'Actual Loops'?: number;
  'Rows Removed by Filter'?: number;
  'Relation Name'?: string;
  'Index Name'?: string;
  'Index Cond'?: string;
  'Parent Relationship'?: string;
  'Presorted Key'?: string[];
  Plans?: PlanNode[];
}

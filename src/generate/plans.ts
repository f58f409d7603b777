import type { MikroORM } from '@mikro-orm/postgresql';
import { Client } from 'pg';
import pino from 'pino';
import type { Config } from '../config';
import { createServer } from '../server';

/** Tables that grow with the data: a plan must not read them whole. */
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
  'territory_edge',
  'territory_reach',
]);

export interface PlanCheck {
  name: string;
  query: string;
}

export interface PlanReport {
  name: string;
  statements: number;
  /** Each large table read whole (see `sequentialScansOf`) in the plan of any of the operation's statements. */
  sequentialScans: string[];
}

/** What the plan checks ask for: records of the dataset the filters and lookups name. */
export interface PlanSample {
  project: string;
  organisation: string;
  programme: string;
  theme: string;
  region: string;
  nuts3: string;
  country: string;
}

/**
 * GraphQL operations whose SQL must be served by indexes: a list filtered by each ProjectFilter condition
 * (with its count), and the benchmark's operations.
 */
export function planChecks(sample: PlanSample, benchOperations: PlanCheck[] = []): PlanCheck[] {
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
    ...benchOperations,
  ];
}

/**
 * Runs each operation through the real server (started in this process), records the SQL
 * statements it sends, and asks PostgreSQL for the plan of each. With `forceIndexes`, sequential scans are
 * disabled: a remaining one means that no index can serve the statement (what a small test dataset can
 * prove); without it, the plans are the planner's own choice (what the full dataset shows).
 */
export async function explainOperations(orm: MikroORM, config: Config, checks: PlanCheck[], options: { forceIndexes: boolean }): Promise<PlanReport[]> {
  const server = await createServer({ orm, config: { ...config, responseCache: false, rateLimitMax: 0 }, logger: pino({ level: 'silent' }) });
  const knex = orm.em.getConnection().getKnex();
  let recorded: Array<{ sql: string; bindings: unknown[] }> | undefined;
  // Recorded as sent: placeholders numbered the way PostgreSQL reads them.
  const record = (query: { sql: string; bindings?: unknown[] }) =>
    recorded?.push({ sql: (knex.client as { positionBindings(sql: string): string }).positionBindings(query.sql), bindings: query.bindings ?? [] });
  const client = new Client({ connectionString: String(orm.config.get('clientUrl')) });
  await client.connect();
  knex.on('query', record);
  const reports: PlanReport[] = [];
  await server.listen({ port: 0, host: '127.0.0.1' });
  const address = server.server.address();
  const endpoint = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/graphql`;
  try {
    for (const check of checks) {
      recorded = [];
      const response = await fetch(endpoint, { method: 'POST', body: JSON.stringify({ query: check.query }), headers: { 'content-type': 'application/json' } });
      const body = (await response.json()) as { errors?: unknown[] };
      const statements = recorded;
      recorded = undefined;
      if (body.errors) throw new Error(`${check.name} fails: ${JSON.stringify(body.errors)}`);
      const sequentialScans: string[] = [];
      for (const statement of statements) {
        if (/^\s*(select|with)\b/i.test(statement.sql)) sequentialScans.push(...(await sequentialScansOf(client, statement.sql, statement.bindings, options.forceIndexes)));
      }
      reports.push({ name: check.name, statements: statements.length, sequentialScans });
    }
  } finally {
    knex.removeListener('query', record);
    await client.end();
    await server.close();
  }
  return reports;
}

async function sequentialScansOf(client: Client, sql: string, bindings: unknown[], forceIndexes: boolean): Promise<string[]> {
  await client.query('begin');
  try {
    // Local to this transaction: the setting ends with it.
    if (forceIndexes) await client.query('set local enable_seqscan = off');
    const result = await client.query<{ 'QUERY PLAN': Array<{ Plan: PlanNode }> }>(`explain (format json) ${sql}`, bindings);
    const scans: string[] = [];
    // A large table read whole: a sequential scan, or an index walked without a condition on its leading
    // column (a condition on a later column is checked on every entry) where no LIMIT stops the walk early.
    const walk = async (node: PlanNode, limited: boolean) => {
      const table = node['Relation Name'] ?? '';
      let walkedWhole = node['Node Type'] === 'Seq Scan';
      if (/Index/.test(node['Node Type']) && node['Index Name'] && !limited) {
        const leading = await leadingColumn(client, node['Index Name']);
        walkedWhole = !node['Index Cond'] || (leading !== null && !new RegExp(`\\b${leading}\\b`).test(node['Index Cond']));
      }
      const owner = table || (await tableOfIndex(client, node['Index Name']));
      if (walkedWhole && LARGE_TABLES.has(owner)) scans.push(`${owner} (${node['Node Type']}${node['Index Name'] ? ` ${node['Index Name']}` : ''})`);
      for (const child of node.Plans ?? []) {
        // An InitPlan or SubPlan runs whole whatever limits the plan above it.
        const own = child['Parent Relationship'] === 'InitPlan' || child['Parent Relationship'] === 'SubPlan';
        await walk(child, !own && (limited || node['Node Type'] === 'Limit'));
      }
    };
    await walk(result.rows[0]['QUERY PLAN'][0].Plan, false);
    return scans;
  } finally {
    await client.query('rollback');
  }
}

/** The first column of an index, or null when it starts with an expression. */
async function leadingColumn(client: Client, index: string): Promise<string | null> {
  const { rows } = await client.query<{ name: string | null }>(
    `select a.attname as name from pg_index i join pg_class c on c.oid = i.indexrelid
       left join pg_attribute a on a.attrelid = i.indrelid and a.attnum = i.indkey[0]
     where c.relname = $1 and c.relnamespace = 'public'::regnamespace`,
    [index],
  );
  return rows[0]?.name ?? null;
}

/** The table of an index (a Bitmap Index Scan names only its index). */
async function tableOfIndex(client: Client, index: string | undefined): Promise<string> {
  if (!index) return '';
  const { rows } = await client.query<{ name: string }>(
    `select t.relname as name from pg_index i join pg_class c on c.oid = i.indexrelid join pg_class t on t.oid = i.indrelid
     where c.relname = $1 and c.relnamespace = 'public'::regnamespace`,
    [index],
  );
  return rows[0]?.name ?? '';
}

interface PlanNode {
  'Node Type': string;
  'Relation Name'?: string;
  'Index Name'?: string;
  'Index Cond'?: string;
  'Parent Relationship'?: string;
  Plans?: PlanNode[];
}

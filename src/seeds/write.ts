import type { EntityName } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import path from 'node:path';
import { projectRoot } from '../config';
import { refreshDerivedViews } from '../db/derived';
import { DATA_CHANGED_CHANNEL } from '../graphql/response-cache';
import { Funding } from '../modules/funding/funding.entity';
import { Organisation } from '../modules/organisation/organisation.entity';
import { Outcome, OutcomeOrganisation } from '../modules/outcome/outcome.entity';
import { Participation } from '../modules/participation/participation.entity';
import { Programme, ProgrammeRegion, ProgrammeTerritory } from '../modules/programme/programme.entity';
import { Project, ProjectTerritory, ProjectTheme } from '../modules/project/project.entity';
import { Claim, CLAIM_RECORD_TABLES } from '../modules/provenance/claim.entity';
import { Source } from '../modules/provenance/source.entity';
import { Territory, TerritoryEdge } from '../modules/territory/territory.entity';
import { Theme } from '../modules/theme/theme.entity';
import { listSeedFiles, ParsedSeedFile, parseSeedFile, SeedError } from './load';
import { Row, SeedPlan, SeedPlanner } from './plan';

export const DEFAULT_SEED_DIRECTORY = path.join(projectRoot, 'seeds');

/** Parses and checks every seed file; throws a SeedError naming every problem with file and line. */
export function planSeeds(directory = DEFAULT_SEED_DIRECTORY): SeedPlan {
  const problems: string[] = [];
  const files = listSeedFiles(directory)
    .map((file) => parseSeedFile(file, problems))
    .filter((file): file is ParsedSeedFile => file !== undefined);
  if (problems.length > 0) throw new SeedError(problems);
  return new SeedPlanner().build(files);
}

/**
 * The tables in the order their foreign keys need. Records (sources, territories, organisations,
 * programmes, projects) are only ever inserted or updated: data loaded by other means stays. What hangs
 * off a seeded record (its claims, edges, themes, partners, funding, outcomes) is replaced, so a fact
 * removed from a seed file is removed from the database.
 */
const TABLES: Array<{
  key: keyof SeedPlan;
  entity: EntityName<object>;
  ownedBy?: { column: string; owner: keyof SeedPlan }[];
  /** A reference to a row of the same table whose deletion cascades to this one (a theme's parent). */
  parentColumn?: string;
}> = [
  { key: 'sources', entity: Source },
  { key: 'territories', entity: Territory },
  { key: 'territoryEdges', entity: TerritoryEdge, ownedBy: [{ column: 'from_id', owner: 'territories' }] },
  { key: 'organisations', entity: Organisation },
  { key: 'programmes', entity: Programme },
  { key: 'programmeTerritories', entity: ProgrammeTerritory, ownedBy: [{ column: 'programme_id', owner: 'programmes' }] },
  { key: 'programmeRegions', entity: ProgrammeRegion, ownedBy: [{ column: 'programme_id', owner: 'programmes' }] },
  { key: 'themes', entity: Theme, ownedBy: [{ column: 'programme_id', owner: 'programmes' }], parentColumn: 'parent_id' },
  { key: 'projects', entity: Project },
  { key: 'projectThemes', entity: ProjectTheme, ownedBy: [{ column: 'project_id', owner: 'projects' }] },
  { key: 'projectTerritories', entity: ProjectTerritory, ownedBy: [{ column: 'project_id', owner: 'projects' }] },
  { key: 'participations', entity: Participation, ownedBy: [{ column: 'project_id', owner: 'projects' }] },
  {
    key: 'fundings',
    entity: Funding,
    ownedBy: [
      { column: 'programme_id', owner: 'programmes' },
      { column: 'project_id', owner: 'projects' },
      { column: 'participation_id', owner: 'participations' },
    ],
  },
  {
    key: 'outcomes',
    entity: Outcome,
    ownedBy: [
      { column: 'programme_id', owner: 'programmes' },
      { column: 'project_id', owner: 'projects' },
    ],
  },
  { key: 'outcomeOrganisations', entity: OutcomeOrganisation, ownedBy: [{ column: 'outcome_id', owner: 'outcomes' }] },
  { key: 'claims', entity: Claim },
];


export interface SeedResult {
  counts: Record<keyof SeedPlan, number>;
  removed: number;
}

/** A PostgreSQL array literal: the query builder would otherwise expand a JS array into a value list. */
const uuidArray = (values: Iterable<string>) => `{${[...values].join(',')}}`;
const ids = (rows: Row[]) => uuidArray(rows.map((row) => row.id));

/** Writes a plan in one transaction: either all of it lands, or the database stays as it was. */
export async function writeSeedPlan(em: EntityManager, plan: SeedPlan): Promise<SeedResult> {
  return em.transactional(async (tx) => {
    const connection = tx.getConnection();
    // Raw statements must name the transaction explicitly, or they run on another pooled connection.
    const inTransaction = tx.getTransactionContext();
    let removed = 0;
    for (const table of TABLES) {
      const rows = plan[table.key];
      const tableName = tx.getMetadata().find(table.entity)!.tableName;
      if (table.parentColumn && rows.length > 0) {
        // A kept row whose parent goes (a theme moved up out of a removed one) is detached from it first:
        // the parent's deletion would cascade to it, and from it to its links, which this write keeps.
        // The upsert below sets every kept row's parent again.
        await connection.execute(
          `update "${tableName}" set "${table.parentColumn}" = null where id = any(?::uuid[]) and not ("${table.parentColumn}" = any(?::uuid[]))`,
          [ids(rows), ids(rows)],
          'run',
          inTransaction,
        );
      }
      // Delete what a seeded owner no longer has before upserting, so unique keys cannot collide.
      for (const { column, owner } of table.ownedBy ?? []) {
        const ownerIds = ids(plan[owner]);
        if (plan[owner].length === 0) continue;
        const result = await connection.execute(
          `delete from "${tableName}" where "${column}" = any(?::uuid[]) and not (id = any(?::uuid[]))`,
          [ownerIds, ids(rows)],
          'run',
          inTransaction,
        );
        removed += (result as { affectedRows?: number }).affectedRows ?? 0;
      }
      if (rows.length > 0) await tx.upsertMany(table.entity, rows as never[], { onConflictFields: ['id'] as never, batchSize: 500 });
    }
    // Claims about seeded records that the seed no longer states (also when it states none about a record
    // any more), and claims whose record is gone.
    const subjectIds = new Set(TABLES.filter((table) => table.key !== 'claims').flatMap((table) => plan[table.key].map((row) => row.id as string)));
    const result = await connection.execute(
      `delete from claim where subject_id = any(?::uuid[]) and not (id = any(?::uuid[]))`,
      [uuidArray(subjectIds), ids(plan.claims)],
      'run',
      inTransaction,
    );
    removed += (result as { affectedRows?: number }).affectedRows ?? 0;
    for (const [subjectType, tableName] of Object.entries(CLAIM_RECORD_TABLES)) {
      const orphans = await connection.execute(
        `delete from claim c where c.subject_type = ? and not exists (select 1 from "${tableName}" t where t.id = c.subject_id)`,
        [subjectType],
        'run',
        inTransaction,
      );
      removed += (orphans as { affectedRows?: number }).affectedRows ?? 0;
    }
    for (const { sql } of refreshDerivedViews()) await connection.execute(sql, [], 'run', inTransaction);
    // Delivered when the transaction commits: running servers empty their response caches then.
    await connection.execute(`notify ${DATA_CHANGED_CHANNEL}`, [], 'run', inTransaction);
    const counts = Object.fromEntries(TABLES.map((table) => [table.key, plan[table.key].length])) as Record<keyof SeedPlan, number>;
    return { counts, removed };
  });
}

export async function seed(em: EntityManager, directory = DEFAULT_SEED_DIRECTORY): Promise<SeedResult> {
  return writeSeedPlan(em, planSeeds(directory));
}

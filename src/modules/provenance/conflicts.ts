import { Field, InputType, Int, ObjectType } from 'type-graphql';
import type { RequestContext } from '../../graphql/context';
import { given, inList, knownIds, named } from '../../graphql/filters';
import { Node } from '../../graphql/node';
import { Language } from '../common/localised';
import { normaliseDecimal } from '../common/money';
import { Programme } from '../programme/programme.entity';
import { Claim, claimRecordTypes, ClaimValueKind } from './claim.entity';

@InputType({ description: 'Which conflicts to list.' })
export class ConflictFilter {
  @Field(() => [String], {
    nullable: true,
    description: 'Programme slugs: conflicts about these programmes and about their themes, projects, participations, outcomes and funding.',
  })
  programme?: string[] | null;

  @Field(() => [String], { nullable: true, description: 'Record types: "Programme", "Project", "Participation", "Outcome", ...' })
  recordType?: string[] | null;
}

@ObjectType({ description: 'A field of a record about which sources disagree, with every version and the one preferred.' })
export class Conflict {
  @Field({ description: 'The type of the record ("Project").' })
  recordType!: string;

  @Field(() => Node, { description: 'The record.' })
  record!: Node;

  @Field({ description: 'The field, as named in the API ("leadPartner").' })
  field!: string;

  @Field(() => Language, { nullable: true, description: 'The language of the text the sources disagree on; null for a value that has none.' })
  language!: Language | null;

  @Field(() => Int, { description: 'Which item of a list-valued field (its claims’ `position`); 0 for a single value.' })
  position!: number;

  @Field(() => Int, { description: 'How many different values the sources give.' })
  valueCount!: number;

  @Field({
    description:
      'True when sources give different values on the same basis, so that they cannot all be right. False when the values ' +
      'differ only from one basis to another (EU funding with and without technical assistance): each may be right on its ' +
      'own, and a figure should be quoted with its basis.',
  })
  contradictory!: boolean;

  @Field(() => Claim, { nullable: true, description: 'The claim the API shows; null when the question is left open.' })
  preferred!: Claim | null;

  @Field(() => [Claim], { description: 'Every claim about the field, the preferred one first.' })
  claims!: Claim[];
}

export interface ConflictGroup {
  recordType: string;
  recordId: string;
  field: string;
  language: Language | null;
  position: number;
  claimIds: string[];
  valueCount: number;
}

/**
 * Fields where claims disagree: claims about the same record, field, language and list position with
 * more than one value (a list is not a conflict: its items are told apart by position), as found when the
 * data was written (the claim_conflict view, refreshed with every write).
 */
export async function findConflicts(context: RequestContext, filter: ConflictFilter | null | undefined): Promise<ConflictGroup[]> {
  const conditions: string[] = [];
  const bindings: unknown[] = [];
  if (given(filter?.recordType)) {
    const recordTypes = inList('c.subject_type', claimRecordTypes(filter.recordType, 'filter.recordType'));
    conditions.push(recordTypes.sql);
    bindings.push(...recordTypes.bindings!);
  }
  const { programme } = await knownIds(context.loaders, { programme: named(filter?.programme, Programme, 'slug', 'filter.programme', 'programme') });
  if (programme) {
    // Every record that belongs to the programmes: themselves, their themes, projects, partners, outcomes, funding.
    conditions.push(`c.subject_id in (
      with g as (select unnest(?::uuid[]) as id),
           p as (select id from project where programme_id in (select id from g))
      select id from g
      union all select id from theme where programme_id in (select id from g)
      union all select id from p
      union all select id from participation where project_id in (select id from p)
      union all select id from outcome where programme_id in (select id from g) or project_id in (select id from p)
      union all select id from funding where programme_id in (select id from g) or project_id in (select id from p))`);
    bindings.push(programme);
  }
  const result: { rows: Array<{ subject_type: string; subject_id: string; field: string; language: Language | null; position: number; claim_ids: string[]; value_count: number }> } =
    await context.sql.raw(
      `select c.subject_type, c.subject_id, c.field, c.language, c.position, c.claim_ids, c.value_count
       from claim_conflict c
       ${conditions.length ? `where ${conditions.join(' and ')}` : ''}
       order by c.subject_type, c.field, c.subject_id, c.language, c.position`,
      bindings,
    );
  return result.rows.map((row) => ({
    recordType: row.subject_type,
    recordId: row.subject_id,
    field: row.field,
    language: row.language,
    position: row.position,
    claimIds: row.claim_ids,
    valueCount: row.value_count,
  }));
}

/**
 * Whether two of `claims` on the same basis (a claim without one counts as one basis) give different
 * values, compared as the claim_conflict view compares them: numbers as numbers, the rest as written.
 */
export function contradictory(claims: readonly Claim[]): boolean {
  const valuesByBasis = new Map<string, Set<string>>();
  for (const claim of claims) {
    const numeric = claim.valueKind === ClaimValueKind.MONEY || claim.valueKind === ClaimValueKind.NUMBER;
    const values = valuesByBasis.get(claim.basis ?? '') ?? new Set<string>();
    values.add(numeric ? normaliseDecimal(claim.value) : claim.value);
    valuesByBasis.set(claim.basis ?? '', values);
  }
  return [...valuesByBasis.values()].some((values) => values.size > 1);
}

import { Migration } from '@mikro-orm/migrations';

/** A claim's value as compared: numbers as numbers (170000000 and 170000000.00 are one amount), the rest as written. */
const COMPARED_VALUE = `case when c.value_kind in ('MONEY', 'NUMBER') then trim_scale(c.value::numeric)::text else c.value end`;

/**
 * The fields about which sources disagree, found when data is written rather than for every `conflicts`
 * query: finding them groups every claim (472,912 at keep.eu's size), which took PostgreSQL 2.3 s a query
 * on a slow machine, for a list a client may ask for as often as any other. Claims about the same record,
 * field, language and list position with more than one value, the preferred claim first.
 */
export class Migration20261128000000 extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create materialized view claim_conflict as
      select c.subject_type, c.subject_id, c.field, c.language, c.position,
        array_agg(c.id order by c.preferred desc, c.id) as claim_ids,
        count(distinct ${COMPARED_VALUE})::int as value_count
      from claim c
      group by c.subject_type, c.subject_id, c.field, c.language, c.position
      having count(distinct ${COMPARED_VALUE}) > 1;`);
    this.addSql(`create index claim_conflict_subject on claim_conflict (subject_id);`);
    this.addSql(`comment on materialized view claim_conflict is 'Fields about which sources disagree: claims about one record, field, language and position with more than one value.';`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop materialized view claim_conflict;`);
  }
}

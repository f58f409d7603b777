import type { MikroORM } from '@mikro-orm/postgresql';
import { refreshDerivedViews } from '../../src/db/derived';

/**
 * Adds `n` generated records of every type, each linked through every relation the API follows
 * (partner, theme, territory, funding, outcome, claim, edges, predecessor, ...), so that a query can
 * walk every relation of every type over many parent rows. Plain SQL: fast, and independent of the code
 * under test. Generated territories and organisations are in the country "ZZ", so that a filter on it
 * selects generated records only, all of the same shape.
 */
export async function addSyntheticRecords(orm: MikroORM, n: number): Promise<void> {
  const connection = orm.em.getConnection();
  // Numbers are zero-padded so that slug order is number order, and every link stays inside a block of
  // ten records: the first page of 10 is then a closed block, as a page of 1,000 is a closed set of
  // blocks, and both meet the DataLoader caches in the same way.
  const pad = (expression: string) => `lpad((${expression})::text, 4, '0')`;
  const next = (number: string) => `((((${number}) - 1) / 10) * 10 + ((${number}) % 10) + 1)`;
  const statements = [
    `insert into source (id, key, title, publisher, kind)
       select gen_random_uuid(), 'gen-source-' || ${pad('i')}, 'Generated source ' || i, 'Generator', 'AGGREGATOR' from generate_series(1, ${n}) i`,
    `insert into territory (id, code, level, names, aliases, country)
       select gen_random_uuid(), 'gen-territory-' || ${pad('i')}, 'AREA', jsonb_build_object('en', 'Generated territory ' || i), jsonb_build_array('Gen ' || i), 'ZZ'
       from generate_series(1, ${n}) i`,
    `insert into territory_edge (id, from_id, to_id, relation)
       select gen_random_uuid(), t.id, (select id from territory where code = 'BE25'), 'PART_OF' from territory t where t.code like 'gen-territory-%'`,
    `insert into territory_edge (id, from_id, to_id, relation)
       select gen_random_uuid(), a.id, b.id, 'OVERLAPS' from territory a
       join territory b on b.code = 'gen-territory-' || ${pad(next('substring(a.code from 15)::int'))}
       where a.code like 'gen-territory-%'`,
    `insert into organisation (id, slug, names, aliases, kind, country, location_id)
       select gen_random_uuid(), 'gen-organisation-' || ${pad('i')}, jsonb_build_object('en', 'Generated organisation ' || i), '[]', 'ENTERPRISE', 'ZZ',
              (select id from territory where code = 'gen-territory-' || ${pad('i')})
       from generate_series(1, ${n}) i`,
    `insert into programme (id, slug, names, start_year, end_year, kind, funds, managing_authority_id)
       select gen_random_uuid(), 'gen-programme-' || ${pad('i')}, jsonb_build_object('en', 'Generated programme ' || i), 2014, 2020, 'CROSS_BORDER', '["ERDF"]',
              (select id from organisation where slug = 'gen-organisation-' || ${pad('i')})
       from generate_series(1, ${n}) i`,
    `update programme p set predecessor_id = q.id from programme q
       where p.slug like 'gen-programme-%' and q.slug = 'gen-programme-' || ${pad(next('substring(p.slug from 15)::int'))}`,
    `insert into programme_territory (id, programme_id, territory_id)
       select gen_random_uuid(), p.id, t.id from programme p join territory t on t.code = 'gen-territory-' || substring(p.slug from 15)
       where p.slug like 'gen-programme-%'`,
    `insert into programme_region (id, programme_id, territory_id)
       select gen_random_uuid(), p.id, t.id from programme p join territory t on t.code = 'gen-territory-' || substring(p.slug from 15)
       where p.slug like 'gen-programme-%'`,
    `insert into theme (id, slug, names, position, programme_id)
       select gen_random_uuid(), 'gen-theme-' || substring(p.slug from 15), jsonb_build_object('en', 'Generated theme'), 1, p.id
       from programme p where p.slug like 'gen-programme-%'`,
    `insert into theme (id, slug, names, position, programme_id, parent_id)
       select gen_random_uuid(), h.slug || '-objective', jsonb_build_object('en', 'Generated objective'), 1, h.programme_id, h.id
       from theme h where h.slug like 'gen-theme-%'`,
    `insert into project (id, slug, titles, summaries, programme_id, start_date, end_date, total_budget, objectives, activities, target_groups, obstacles)
       select gen_random_uuid(), 'gen-project-' || substring(p.slug from 15), jsonb_build_object('en', 'Generated project'),
              jsonb_build_object('fr', 'Projet généré'), p.id, '2016-01-01', '2019-12-31', 1000000,
              '[{"en": "An objective"}]', '[{"en": "An activity", "fr": "Une activité"}]', '[{"en": "A group"}]', '[{"en": "An obstacle"}]'
       from programme p where p.slug like 'gen-programme-%'`,
    `insert into project_theme (id, project_id, theme_id)
       select gen_random_uuid(), p.id, h.id from project p join theme h on h.slug = 'gen-theme-' || substring(p.slug from 13) || '-objective'
       where p.slug like 'gen-project-%'`,
    `insert into project_territory (id, project_id, territory_id)
       select gen_random_uuid(), p.id, t.id from project p join territory t on t.code = 'gen-territory-' || substring(p.slug from 13)
       where p.slug like 'gen-project-%'`,
    `insert into participation (id, project_id, organisation_id, role)
       select gen_random_uuid(), p.id, o.id, case when o.slug = 'gen-organisation-' || substring(p.slug from 13) then 'LEAD_PARTNER' else 'PARTNER' end
       from project p join organisation o on o.slug in (
         'gen-organisation-' || substring(p.slug from 13), 'gen-organisation-' || ${pad(next('substring(p.slug from 13)::int'))})
       where p.slug like 'gen-project-%'`,
    `insert into funding (id, programme_id, fund, basis, amount, preferred)
       select gen_random_uuid(), id, 'ERDF', 'EU_FUNDING', 5000000, true from programme where slug like 'gen-programme-%'`,
    `insert into funding (id, project_id, fund, basis, amount, preferred)
       select gen_random_uuid(), id, 'ALL', 'TOTAL_BUDGET', 1000000, true from project where slug like 'gen-project-%'`,
    `insert into funding (id, participation_id, fund, basis, amount, preferred)
       select gen_random_uuid(), pa.id, 'ERDF', 'PARTNER_SHARE', 250000, true from participation pa join project p on p.id = pa.project_id
       where p.slug like 'gen-project-%'`,
    `insert into outcome (id, project_id, indicator, labels, kind, value, unit, breakdown, notes)
       select gen_random_uuid(), id, 'trainees', '{"en": "Trainees"}', 'ACHIEVED', 10, 'person',
              '[{"dimension": "nationality", "key": "BE", "labels": {"en": "Belgian"}, "value": "10"}]', '[{"en": "Trained in welding"}]'
       from project where slug like 'gen-project-%'`,
    `insert into outcome (id, programme_id, indicator, labels, kind, value, unit, breakdown, notes)
       select gen_random_uuid(), id, 'jobs', '{"en": "Jobs"}', 'TARGET', 100, 'job', '[]', '[]' from programme where slug like 'gen-programme-%'`,
    `insert into outcome_organisation (id, outcome_id, organisation_id, relation)
       select gen_random_uuid(), oc.id, pa.organisation_id, 'employer' from outcome oc
       join participation pa on pa.project_id = oc.project_id and pa.role = 'LEAD_PARTNER'
       join project p on p.id = oc.project_id where p.slug like 'gen-project-%'`,
    // One claim per generated record of each type, each from its own source; money claims name their funding.
    ...[
      ['Project', `select p.id, 'leadPartner', 'REFERENCE', o.slug, 'Organisation', o.id, null::uuid, substring(p.slug from 13) as n
        from project p join participation pa on pa.project_id = p.id and pa.role = 'LEAD_PARTNER' join organisation o on o.id = pa.organisation_id
        where p.slug like 'gen-project-%'`],
      ['Programme', `select g.id, 'euFunding', 'MONEY', '5000000', null, null, f.id, substring(g.slug from 15)
        from programme g join funding f on f.programme_id = g.id where g.slug like 'gen-programme-%'`],
      ['Organisation', `select id, 'name', 'TEXT', names->>'en', null, null, null, substring(slug from 18) from organisation where slug like 'gen-organisation-%'`],
      ['Territory', `select id, 'partOf', 'REFERENCE', 'BE25', 'Territory', (select id from territory where code = 'BE25'), null, substring(code from 15)
        from territory where code like 'gen-territory-%'`],
      ['Theme', `select id, 'name', 'TEXT', names->>'en', null, null, null, split_part(slug, '-', 3) from theme where slug like 'gen-theme-%'`],
      ['Participation', `select pa.id, 'role', 'TEXT', pa.role, null, null, null, substring(p.slug from 13) from participation pa
        join project p on p.id = pa.project_id where p.slug like 'gen-project-%'`],
      ['Outcome', `select oc.id, 'value', 'NUMBER', '10', null, null, null, substring(p.slug from 13) from outcome oc
        join project p on p.id = oc.project_id where p.slug like 'gen-project-%'`],
    ].map(
      ([subjectType, rows]) => `insert into claim (id, subject_type, subject_id, field, value_kind, value, reference_type, reference_id, funding_id, preferred, source_id)
        select gen_random_uuid(), '${subjectType}', r.id, r.field, r.kind, r.value, r.reference_type::text, r.reference_id::text::uuid, r.funding_id::text::uuid, true,
               (select id from source where key = 'gen-source-' || r.n)
        from (${rows}) as r(id, field, kind, value, reference_type, reference_id, funding_id, n)`,
    ),
    ...refreshDerivedViews().map((refresh) => refresh.sql),
  ];
  for (const statement of statements) await connection.execute(statement);
}

import type { EntityManager } from '@mikro-orm/postgresql';
import { refreshDerivedViews } from '../db/derived';
import { DATA_CHANGED_CHANNEL } from '../graphql/response-cache';

/**
 * A deterministic synthetic dataset at keep.eu's scale (about 33,000 projects, 93,000 organisations and
 * 390 programmes at scale 1), generated inside PostgreSQL with multi-row `insert ... select` statements:
 * nothing travels between the generator and the database but the statements themselves.
 *
 * Every choice comes from an integer hash of the row number and the seed, and every id from an md5 of
 * the seed and the row's natural key, so the same seed and scale always give the same data and ids.
 * Generated records have slugs and codes starting with "g-" or "X"/"Y", apart from the curated seeds.
 */
/** The database `npm run generate` fills and `npm run bench` reads. */
export const BENCH_DATABASE = 'interreg_kb_bench';

export interface GenerateOptions {
  scale: number;
  seed: number;
}

export interface GenerateStep {
  name: string;
  sql: string;
}

const COUNTRIES = 30;
const REGIONS_PER_COUNTRY = 3;
const PROVINCES_PER_REGION = 3;
const DISTRICTS_PER_PROVINCE = 4;
const DISTRICTS_PER_COUNTRY = REGIONS_PER_COUNTRY * PROVINCES_PER_REGION * DISTRICTS_PER_PROVINCE;
const AREAS = 100;
const SOURCES = 50;

export function generationSteps({ scale, seed }: GenerateOptions): GenerateStep[] {
  const programmes = Math.max(3, Math.round(390 * scale));
  const projects = Math.max(10, Math.round(33_000 * scale));
  const organisations = Math.max(COUNTRIES * 2, Math.round(93_000 * scale));
  const orgsPerCountry = Math.floor(organisations / COUNTRIES);
  // A deterministic pseudo-random integer in [0, 2^31) from an expression and a salt.
  const h = (expression: string, salt: number) => `(((${expression})::bigint * 2654435761 + ${seed * 7919 + salt * 104729}) % 2147483647)`;
  const id = (kind: string, key: string) => `md5('${seed}:${kind}:' || ${key})::uuid`;
  const country = (index: string) => `(chr(88 + (${index}) / 26) || chr(65 + (${index}) % 26))`;
  const words = (list: string[], expression: string) => `(array[${list.map((word) => `'${word.replace(/'/g, "''")}'`).join(',')}])[1 + (${expression}) % ${list.length}]`;
  const topics = ['Employment', 'Innovation', 'Health', 'Heritage', 'Climate', 'Mobility', 'Training', 'Tourism', 'Energy', 'Water', 'Welding', 'Care'];
  const topicsFr = ['Emploi', 'Innovation', 'Santé', 'Patrimoine', 'Climat', 'Mobilité', 'Formation', 'Tourisme', 'Énergie', 'Eau', 'Soudage', 'Soins'];
  const kinds = ['PUBLIC_AUTHORITY', 'PUBLIC_EMPLOYMENT_SERVICE', 'HIGHER_EDUCATION', 'TRAINING_PROVIDER', 'ENTERPRISE', 'BUSINESS_SUPPORT', 'RESEARCH', 'NON_PROFIT'];
  const districtCode = (countryIndex: string, district: string) =>
    `${country(countryIndex)} || (1 + (${district}) / 12)::text || (1 + (${district}) / 4 % 3)::text || (1 + (${district}) % 4)::text`;

  return [
    {
      name: 'sources',
      sql: `insert into source (id, key, title, publisher, url, published_at, language, kind)
        select ${id('source', 'i')}, 'g-source-' || i, 'Generated source ' || i, 'Generator', 'https://example.org/sources/' || i,
               (2008 + i % 15)::text, 'en', ${words(['OFFICIAL_PROGRAMME_SITE', 'OFFICIAL_EU', 'AGGREGATOR', 'PROJECT_SITE', 'PRESS'], 'i')}
        from generate_series(1, ${SOURCES}) i`,
    },
    {
      name: 'territories',
      sql: `insert into territory (id, code, nuts_version, level, names, aliases, country)
        select ${id('territory', 'code')}, code, level_version, level, jsonb_build_object('en', 'Region ' || code, 'fr', 'Région ' || code), '[]', left(code, 2)
        from (
          select ${country('c')} as code, 2021 as level_version, 'NUTS0' as level from generate_series(0, ${COUNTRIES - 1}) c
          union all select ${country('c')} || r, 2021, 'NUTS1' from generate_series(0, ${COUNTRIES - 1}) c, generate_series(1, ${REGIONS_PER_COUNTRY}) r
          union all select ${country('c')} || r || p, 2021, 'NUTS2' from generate_series(0, ${COUNTRIES - 1}) c, generate_series(1, ${REGIONS_PER_COUNTRY}) r,
            generate_series(1, ${PROVINCES_PER_REGION}) p
          union all select ${country('c')} || r || p || d, 2021, 'NUTS3' from generate_series(0, ${COUNTRIES - 1}) c, generate_series(1, ${REGIONS_PER_COUNTRY}) r,
            generate_series(1, ${PROVINCES_PER_REGION}) p, generate_series(1, ${DISTRICTS_PER_PROVINCE}) d
        ) units;
        insert into territory_edge (id, from_id, to_id, relation)
        select ${id('edge', 't.code')}, t.id, parent.id, 'PART_OF' from territory t
        join territory parent on parent.code = left(t.code, length(t.code) - 1)
        where t.code ~ '^[XY][A-Z][0-9]+$';
        insert into territory (id, code, level, names, aliases)
        select ${id('territory', "'g-area-' || a")}, 'g-area-' || a, 'AREA', jsonb_build_object('en', 'Cross-border area ' || a, 'fr', 'Espace transfrontalier ' || a), '[]'
        from generate_series(1, ${AREAS}) a;
        insert into territory_edge (id, from_id, to_id, relation)
        select ${id('edge', "'g-area-' || a || '-' || side")}, area.id, district.id, 'OVERLAPS'
        from generate_series(1, ${AREAS}) a cross join generate_series(0, 1) side
        join territory area on area.code = 'g-area-' || a
        join territory district on district.code = ${districtCode(`(a + side) % ${COUNTRIES}`, `${h('a', 1)} % ${DISTRICTS_PER_COUNTRY}`)}`,
    },
    {
      name: 'organisations',
      sql: `insert into organisation (id, slug, names, acronym, aliases, kind, sector, country, location_id)
        select ${id('organisation', 'i')}, 'g-org-' || i,
               jsonb_build_object('en', ${words(topics, h('i', 2))} || ' ' || ${words(['Agency', 'Institute', 'University', 'Chamber', 'Foundation', 'Company', 'Office', 'Network'], 'i % 8')} || ' ' || i,
                                  'fr', ${words(topicsFr, h('i', 2))} || ' ' || i),
               'ORG' || i, '[]', ${words(kinds, 'i % 8')}, case when i % 8 in (4, 5, 7) then 'PRIVATE' else 'PUBLIC' end,
               ${country(`i % ${COUNTRIES}`)},
               (select t.id from territory t where t.code = ${districtCode(`i % ${COUNTRIES}`, `(i / ${COUNTRIES}) % ${DISTRICTS_PER_COUNTRY}`)})
        from generate_series(0, ${orgsPerCountry * COUNTRIES - 1}) i`,
    },
    {
      name: 'programmes',
      sql: `insert into programme (id, slug, cci_code, names, start_year, end_year, kind, funds, managing_authority_id)
        select ${id('programme', 'i')}, 'g-programme-' || i, null,
               jsonb_build_object('en', 'Interreg ' || (array['IV','V','VI'])[1 + i % 3] || ' ' || ${country(`i % ${COUNTRIES}`)} || '-' || ${country(`(i + 1) % ${COUNTRIES}`)} || ' ' || i),
               (array[2007, 2014, 2021])[1 + i % 3], (array[2013, 2020, 2027])[1 + i % 3],
               case when i % 10 < 8 then 'CROSS_BORDER' when i % 10 = 8 then 'TRANSNATIONAL' else 'INTERREGIONAL' end, '["ERDF"]',
               ${id('organisation', `(i % ${COUNTRIES})::text`)}
        from generate_series(0, ${programmes - 1}) i;
        insert into programme_territory (id, programme_id, territory_id)
        select ${id('eligible', "g.slug || t.code")}, g.id, t.id from programme g
        join territory t on t.level = 'NUTS3' and left(t.code, 2) in (${country(`substring(g.slug from 13)::int % ${COUNTRIES}`)}, ${country(`(substring(g.slug from 13)::int + 1) % ${COUNTRIES}`)})
        where g.slug like 'g-programme-%';
        insert into theme (id, slug, code, names, position, programme_id)
        select ${id('theme', "g.slug || '-' || axis")}, g.slug || '-axis-' || axis, axis::text,
               jsonb_build_object('en', ${words(topics, 'axis * 3')} || ' and cooperation', 'fr', ${words(topicsFr, 'axis * 3')} || ' et coopération'), axis, g.id
        from programme g cross join generate_series(1, 4) axis where g.slug like 'g-programme-%';
        insert into theme (id, slug, code, names, position, programme_id, parent_id)
        select ${id('theme', "h.slug || '-objective'")}, h.slug || '-objective', h.code || '.1', jsonb_build_object('en', 'Specific objective of ' || h.slug), 1, h.programme_id, h.id
        from theme h where h.slug like 'g-programme-%-axis-1'`,
    },
    {
      name: 'projects',
      sql: `insert into project (id, slug, acronym, titles, summaries, programme_id, start_date, end_date, duration_months, total_budget, eu_funding,
                                 website, objectives, activities, target_groups, obstacles)
        select ${id('project', 'i')}, 'g-project-' || i, 'GP' || i,
               jsonb_build_object('en', ${words(topics, h('i', 3))} || ' across borders ' || i, 'fr', ${words(topicsFr, h('i', 3))} || ' sans frontières ' || i),
               jsonb_build_object('en', 'A generated project about ' || lower(${words(topics, h('i', 3))}) || ' and ' || lower(${words(topics, h('i', 4))}) || '.'),
               g.id,
               (g.start_year + ${h('i', 5)} % 4)::text || '-01-01', (g.start_year + 3 + ${h('i', 5)} % 4)::text || '-12-31', 48,
               (100000 + ${h('i', 6)} % 4900000)::numeric, round((100000 + ${h('i', 6)} % 4900000) * 0.6, 2),
               'https://example.org/projects/' || i,
               jsonb_build_array(jsonb_build_object('en', 'Improve ' || lower(${words(topics, h('i', 4))}))),
               jsonb_build_array(jsonb_build_object('en', 'Cross-border workshops'), jsonb_build_object('en', 'Joint training')),
               jsonb_build_array(jsonb_build_object('en', 'Job seekers')), '[]'
        from generate_series(0, ${projects - 1}) i
        join programme g on g.slug = 'g-programme-' || (${h('i', 7)} % ${programmes});
        insert into project_theme (id, project_id, theme_id)
        select ${id('project-theme', 'p.slug')}, p.id, h.id from project p
        join theme h on h.slug = (select g.slug from programme g where g.id = p.programme_id) || '-axis-' || (1 + ${h('substring(p.slug from 11)::int', 8)} % 4)
        where p.slug like 'g-project-%';
        insert into project_territory (id, project_id, territory_id)
        select distinct on (p.id, t.id) ${id('project-territory', "p.slug || t.code")}, p.id, t.id
        from project p cross join generate_series(0, 2) k
        join programme g on g.id = p.programme_id
        join territory t on t.code = ${districtCode(`(substring(g.slug from 13)::int + k % 2) % ${COUNTRIES}`, `${h('substring(p.slug from 11)::int * 3 + k', 9)} % ${DISTRICTS_PER_COUNTRY}`)}
        where p.slug like 'g-project-%' and k < 1 + ${h('substring(p.slug from 11)::int', 10)} % 3`,
    },
    {
      name: 'participations',
      sql: `insert into participation (id, project_id, organisation_id, role, budget)
        select ${id('participation', "p.slug || '/' || k")}, p.id, ${id('organisation', `((substring(g.slug from 13)::int + k % 2) % ${COUNTRIES} + ${COUNTRIES} * (${h('substring(p.slug from 11)::int * 16 + k', 11)} % ${orgsPerCountry}))::text`)},
               case when k = 0 then 'LEAD_PARTNER' when k % 7 = 6 then 'ASSOCIATED_PARTNER' else 'PARTNER' end,
               case when k % 3 = 0 then round(p.total_budget / (2 + ${h('substring(p.slug from 11)::int', 12)} % 14), 2) end
        from project p join programme g on g.id = p.programme_id cross join generate_series(0, 14) k
        where p.slug like 'g-project-%' and k < 2 + ${h('substring(p.slug from 11)::int', 12)} % 14
        on conflict (project_id, organisation_id) do nothing`,
    },
    {
      name: 'funding and outcomes',
      sql: `insert into funding (id, programme_id, fund, basis, amount, preferred)
        select ${id('funding', "g.slug || '-erdf'")}, g.id, 'ERDF', 'EU_FUNDING', (50000000 + ${h('substring(g.slug from 13)::int', 13)} % 250000000)::numeric, true
        from programme g where g.slug like 'g-programme-%';
        insert into funding (id, project_id, fund, basis, amount, preferred)
        select ${id('funding', "p.slug || '-total'")}, p.id, 'ALL', 'TOTAL_BUDGET', p.total_budget, true from project p where p.slug like 'g-project-%'
        union all
        select ${id('funding', "p.slug || '-erdf'")}, p.id, 'ERDF', 'EU_FUNDING', p.eu_funding, true from project p where p.slug like 'g-project-%';
        insert into outcome (id, project_id, indicator, labels, kind, value, unit, as_of, breakdown, notes)
        select ${id('outcome', 'p.slug')}, p.id, 'trainees', '{"en": "People trained", "fr": "Personnes formées"}', 'ACHIEVED',
               10 + ${h('substring(p.slug from 11)::int', 14)} % 200, 'person', p.end_date, '[]', '[]'
        from project p where p.slug like 'g-project-%'`,
    },
    {
      name: 'claims',
      sql: `insert into claim (id, subject_type, subject_id, field, value_kind, value, language, unit, preferred, source_id, funding_id, reference_type, reference_id)
        select ${id('claim', "p.slug || '-title'")}, 'Project', p.id, 'title', 'TEXT', p.titles->>'en', 'en', null, true,
               ${id('source', `(1 + ${h('substring(p.slug from 11)::int', 15)} % ${SOURCES})::text`)}, null::uuid, null, null::uuid
        from project p where p.slug like 'g-project-%'
        union all
        select ${id('claim', "p.slug || '-budget'")}, 'Project', p.id, 'totalBudget', 'MONEY', p.total_budget::text, null, 'EUR', true,
               ${id('source', `(1 + ${h('substring(p.slug from 11)::int', 16)} % ${SOURCES})::text`)}, f.id, null, null
        from project p join funding f on f.project_id = p.id and f.basis = 'TOTAL_BUDGET' where p.slug like 'g-project-%'
        union all
        select ${id('claim', "p.slug || '-lead'")}, 'Project', p.id, 'leadPartner', 'REFERENCE', o.slug, null, null, true,
               ${id('source', `(1 + ${h('substring(p.slug from 11)::int', 17)} % ${SOURCES})::text`)}, null, 'Organisation', o.id
        from project p join participation pa on pa.project_id = p.id and pa.role = 'LEAD_PARTNER' join organisation o on o.id = pa.organisation_id
        where p.slug like 'g-project-%'
        union all
        select ${id('claim', "o.slug || '-name'")}, 'Organisation', o.id, 'name', 'TEXT', o.names->>'en', 'en', null, true,
               ${id('source', `(1 + ${h('substring(o.slug from 7)::int', 18)} % ${SOURCES})::text`)}, null, null, null
        from organisation o where o.slug like 'g-org-%'
        union all
        select ${id('claim', "pa.id::text || '-role'")}, 'Participation', pa.id, 'role', 'TEXT', pa.role, null, null, true,
               ${id('source', `(1 + ${h('substring(p.slug from 11)::int', 19)} % ${SOURCES})::text`)}, null, null, null
        from participation pa join project p on p.id = pa.project_id where p.slug like 'g-project-%'`,
    },
    ...refreshDerivedViews(),
    { name: 'notify running servers', sql: `notify ${DATA_CHANGED_CHANNEL}` },
  ];
}

/**
 * Settles the data as a database that has run a while would have it: every row's hint bits set and every
 * page marked all-visible (index-only scans read no row), statistics taken, nothing left for autovacuum.
 * Left to autovacuum, it vacuumed fourteen tables in the first minute of the bench that followed, and its
 * CPU was counted as the list page's (PostgreSQL 1.40 ms a page in that run, 0.85 and 0.71 in the next
 * two); and it could change the plans in the middle of the plan checks' suite. Outside the transaction:
 * VACUUM cannot run inside one.
 */
export const VACUUM_STEP: GenerateStep = { name: 'vacuum', sql: 'vacuum (analyze)' };

/**
 * Runs the steps in one transaction (a failure leaves the database as it was), then VACUUM_STEP, reporting
 * progress.
 */
export async function generate(em: EntityManager, options: GenerateOptions, onStep: (step: GenerateStep, index: number, total: number) => void): Promise<void> {
  const steps = generationSteps(options);
  const total = steps.length + 1;
  await em.transactional(async (tx) => {
    const connection = tx.getConnection();
    const context = tx.getTransactionContext();
    for (const [index, step] of steps.entries()) {
      onStep(step, index, total);
      for (const statement of step.sql.split(/;\s*\n/).map((sql) => sql.trim()).filter(Boolean)) {
        await connection.execute(statement, [], 'run', context);
      }
    }
  });
  onStep(VACUUM_STEP, steps.length, total);
  await em.getConnection().execute(VACUUM_STEP.sql);
}

import { Migration } from '@mikro-orm/migrations';

/**
 * Search and text folding, written by hand (the schema generator does not know text search):
 * - `kb_fold(text)`: lower case without accents, for sorting and fuzzy matching ("Eurométropole" = "eurometropole");
 * - text search configurations that drop accents before French, Dutch and English stemming, and a
 *   `kb_simple` one for names (no stemming);
 * - `search_document`: one row per searchable record (projects, organisations, programmes, territories,
 *   themes) with a weighted multilingual tsvector and the folded names for typo-tolerant matching,
 *   indexed with GIN. It is a materialized view, refreshed when seeds or imports change the data.
 * Function bodies name their objects with the schema: PostgreSQL 17 runs materialized view refreshes
 * and index builds with a search_path of pg_catalog only.
 */
export class Migration20261126141000 extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create extension if not exists unaccent;`);
    this.addSql(`create extension if not exists pg_trgm;`);

    // unaccent() is only STABLE (its dictionary could change); naming the dictionary makes the wrapper safe to mark IMMUTABLE, so it can be indexed.
    this.addSql(`create or replace function kb_fold(value text) returns text language sql immutable parallel safe strict
      as $$ select lower(public.unaccent('public.unaccent'::regdictionary, value)) $$;`);

    for (const [name, copy, stem] of [
      ['kb_french', 'pg_catalog.french', 'french_stem'],
      ['kb_dutch', 'pg_catalog.dutch', 'dutch_stem'],
      ['kb_english', 'pg_catalog.english', 'english_stem'],
      ['kb_simple', 'pg_catalog.simple', 'simple'],
    ]) {
      this.addSql(`create text search configuration ${name} (copy = ${copy});`);
      this.addSql(`alter text search configuration ${name} alter mapping for hword, hword_part, word with unaccent, ${stem};`);
    }

    // Apostrophes joined elided articles to words ("l’emploi" was one token): they become spaces.
    this.addSql(`create or replace function kb_clean(value text) returns text language sql immutable parallel safe
      as $$ select translate(coalesce(value, ''), '’''ʼ', '   ') $$;`);
    // Every language's stemming, plus the unstemmed words, for a {fr, nl, en} JSON object of texts. French
    // is stemmed both with its accents (which the French stemmer uses: "transfrontalière" and
    // "transfrontalier" meet) and without (so that a query typed without accents still meets its words).
    this.addSql(`create or replace function kb_localised_vector(texts jsonb, weight "char") returns tsvector
      language sql immutable parallel safe as $$
        select setweight(
          to_tsvector('pg_catalog.french', public.kb_clean(texts->>'fr')) ||
          to_tsvector('public.kb_french', public.kb_clean(texts->>'fr')) ||
          to_tsvector('public.kb_dutch', public.kb_clean(texts->>'nl')) ||
          to_tsvector('public.kb_english', public.kb_clean(texts->>'en')) ||
          to_tsvector('public.kb_simple', public.kb_clean(concat_ws(' ', texts->>'fr', texts->>'nl', texts->>'en'))),
          weight)
      $$;`);
    // The same for a JSON array of such objects (a project's activities, objectives, ...).
    this.addSql(`create or replace function kb_list_vector(items jsonb, weight "char") returns tsvector
      language sql immutable parallel safe as $$
        select setweight(
          to_tsvector('pg_catalog.french', public.kb_clean(string_agg(item->>'fr', ' '))) ||
          to_tsvector('public.kb_french', public.kb_clean(string_agg(item->>'fr', ' '))) ||
          to_tsvector('public.kb_dutch', public.kb_clean(string_agg(item->>'nl', ' '))) ||
          to_tsvector('public.kb_english', public.kb_clean(string_agg(item->>'en', ' '))) ||
          to_tsvector('public.kb_simple', public.kb_clean(string_agg(concat_ws(' ', item->>'fr', item->>'nl', item->>'en'), ' '))),
          weight)
        from jsonb_array_elements(coalesce(items, '[]'::jsonb)) as item
      $$;`);
    this.addSql(`create or replace function kb_names(texts jsonb, aliases jsonb) returns text
      language sql immutable parallel safe as $$
        select public.kb_fold(concat_ws(' ', texts->>'fr', texts->>'nl', texts->>'en',
          (select string_agg(alias, ' ') from jsonb_array_elements_text(coalesce(aliases, '[]'::jsonb)) as alias)))
      $$;`);

    this.addSql(`create materialized view search_document as
      select 'Project'::text as record_type, p.id as record_id,
        setweight(to_tsvector('kb_simple', coalesce(p.acronym, '')), 'A') ||
        kb_localised_vector(p.titles, 'A') ||
        kb_localised_vector(p.summaries, 'B') ||
        kb_list_vector(p.objectives, 'C') || kb_list_vector(p.activities, 'C') ||
        kb_list_vector(p.target_groups, 'D') || kb_list_vector(p.obstacles, 'D') as document,
        kb_fold(concat_ws(' ', p.acronym, p.titles->>'fr', p.titles->>'nl', p.titles->>'en')) as names
      from project p
      union all
      select 'Organisation', o.id,
        setweight(to_tsvector('kb_simple', concat_ws(' ', o.acronym,
          (select string_agg(alias, ' ') from jsonb_array_elements_text(o.aliases) as alias))), 'A') ||
        kb_localised_vector(o.names, 'A'),
        kb_fold(concat_ws(' ', o.acronym, kb_names(o.names, o.aliases)))
      from organisation o
      union all
      select 'Programme', g.id,
        setweight(to_tsvector('kb_simple', coalesce(g.cci_code, '')), 'A') || kb_localised_vector(g.names, 'A'),
        kb_names(g.names, null)
      from programme g
      union all
      select 'Territory', t.id,
        setweight(to_tsvector('kb_simple', concat_ws(' ', t.code,
          (select string_agg(alias, ' ') from jsonb_array_elements_text(t.aliases) as alias))), 'A') ||
        kb_localised_vector(t.names, 'A'),
        kb_names(t.names, t.aliases)
      from territory t
      union all
      select 'Theme', h.id, kb_localised_vector(h.names, 'A'), kb_names(h.names, null)
      from theme h;`);
    this.addSql(`create unique index search_document_record on search_document (record_type, record_id);`);
    this.addSql(`create index search_document_document on search_document using gin (document);`);
    this.addSql(`create index search_document_names on search_document using gin (names gin_trgm_ops);`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop materialized view if exists search_document;`);
    this.addSql(`drop function if exists kb_names(jsonb, jsonb), kb_list_vector(jsonb, "char"), kb_localised_vector(jsonb, "char"), kb_clean(text), kb_fold(text);`);
    for (const name of ['kb_french', 'kb_dutch', 'kb_english', 'kb_simple']) this.addSql(`drop text search configuration if exists ${name};`);
  }
}

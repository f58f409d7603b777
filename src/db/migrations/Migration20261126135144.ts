import { Migration } from '@mikro-orm/migrations';

export class Migration20261126135144 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table "source" ("id" uuid not null, "key" text not null, "title" text not null, "publisher" text not null, "url" text null, "published_at" text null, "retrieved_at" text null, "language" text null, "kind" text check ("kind" in ('OFFICIAL_PROGRAMME_SITE', 'OFFICIAL_EU', 'OFFICIAL_REPORT', 'OFFICIAL_STATISTICS', 'AGGREGATOR', 'PROJECT_SITE', 'PRESS', 'ACADEMIC', 'EDITORIAL')) not null, "licence" text null, "note" text null, constraint "source_pkey" primary key ("id"));`);
    this.addSql(`alter table "source" add constraint "source_key_unique" unique ("key");`);

    this.addSql(`create table "territory" ("id" uuid not null, "code" text not null, "nuts_version" int null, "level" text check ("level" in ('NUTS0', 'NUTS1', 'NUTS2', 'NUTS3', 'LOCALITY', 'AREA')) not null, "names" jsonb not null, "aliases" jsonb not null, "country" text null, "external_ids" jsonb null, constraint "territory_pkey" primary key ("id"));`);
    this.addSql(`alter table "territory" add constraint "territory_code_unique" unique ("code");`);

    this.addSql(`create table "organisation" ("id" uuid not null, "slug" text not null, "names" jsonb not null, "acronym" text null, "aliases" jsonb not null, "kind" text check ("kind" in ('PUBLIC_AUTHORITY', 'PUBLIC_EMPLOYMENT_SERVICE', 'HIGHER_EDUCATION', 'TRAINING_PROVIDER', 'ENTERPRISE', 'BUSINESS_SUPPORT', 'RESEARCH', 'NON_PROFIT', 'OTHER')) not null, "sector" text check ("sector" in ('PUBLIC', 'PRIVATE')) null, "country" text null, "location_id" uuid null, "address" text null, "website" text null, "external_ids" jsonb null, constraint "organisation_pkey" primary key ("id"));`);
    this.addSql(`alter table "organisation" add constraint "organisation_slug_unique" unique ("slug");`);
    this.addSql(`create index "organisation_location_id_index" on "organisation" ("location_id");`);

    this.addSql(`create table "programme" ("id" uuid not null, "slug" text not null, "cci_code" text null, "names" jsonb not null, "start_year" int not null, "end_year" int not null, "kind" text check ("kind" in ('CROSS_BORDER', 'TRANSNATIONAL', 'INTERREGIONAL')) not null, "funds" jsonb not null, "managing_authority_id" uuid null, "predecessor_id" uuid null, "population" int null, "area_km2" int null, "border_region_count" int null, "closed_on" text null, "reported_project_count" int null, constraint "programme_pkey" primary key ("id"));`);
    this.addSql(`alter table "programme" add constraint "programme_slug_unique" unique ("slug");`);
    this.addSql(`create index "programme_managing_authority_id_index" on "programme" ("managing_authority_id");`);
    this.addSql(`create index "programme_predecessor_id_index" on "programme" ("predecessor_id");`);

    this.addSql(`create table "project" ("id" uuid not null, "slug" text not null, "acronym" text null, "titles" jsonb not null, "summaries" jsonb null, "programme_id" uuid not null, "start_date" text null, "end_date" text null, "duration_months" int null, "total_budget" numeric(18,2) null, "eu_funding" numeric(18,2) null, "cofinancing_rate" numeric(5,4) null, "website" text null, "objectives" jsonb not null, "activities" jsonb not null, "target_groups" jsonb not null, "obstacles" jsonb not null, "partnership" jsonb null, "lineage" text null, constraint "project_pkey" primary key ("id"));`);
    this.addSql(`alter table "project" add constraint "project_slug_unique" unique ("slug");`);
    this.addSql(`create index "project_programme_id_index" on "project" ("programme_id");`);

    this.addSql(`create table "project_territory" ("id" uuid not null, "project_id" uuid not null, "territory_id" uuid not null, constraint "project_territory_pkey" primary key ("id"));`);
    this.addSql(`create index "project_territory_project_id_index" on "project_territory" ("project_id");`);
    this.addSql(`create index "project_territory_territory_id_index" on "project_territory" ("territory_id");`);
    this.addSql(`alter table "project_territory" add constraint "project_territory_project_id_territory_id_unique" unique ("project_id", "territory_id");`);

    this.addSql(`create table "programme_territory" ("id" uuid not null, "programme_id" uuid not null, "territory_id" uuid not null, constraint "programme_territory_pkey" primary key ("id"));`);
    this.addSql(`create index "programme_territory_programme_id_index" on "programme_territory" ("programme_id");`);
    this.addSql(`create index "programme_territory_territory_id_index" on "programme_territory" ("territory_id");`);
    this.addSql(`alter table "programme_territory" add constraint "programme_territory_programme_id_territory_id_unique" unique ("programme_id", "territory_id");`);

    this.addSql(`create table "outcome" ("id" uuid not null, "project_id" uuid null, "programme_id" uuid null, "indicator" text not null, "labels" jsonb not null, "kind" text check ("kind" in ('ACHIEVED', 'TARGET')) not null, "value" numeric(18,4) not null, "unit" text not null, "approximate" boolean not null default false, "as_of" text null, "breakdown" jsonb not null, constraint "outcome_pkey" primary key ("id"), constraint outcome_one_owner check ((programme_id is not null)::int + (project_id is not null)::int = 1));`);
    this.addSql(`create index "outcome_project_id_index" on "outcome" ("project_id");`);
    this.addSql(`create index "outcome_programme_id_index" on "outcome" ("programme_id");`);

    this.addSql(`create table "participation" ("id" uuid not null, "project_id" uuid not null, "organisation_id" uuid not null, "role" text check ("role" in ('LEAD_PARTNER', 'PARTNER', 'ASSOCIATED_PARTNER')) null, "budget" numeric(18,2) null, constraint "participation_pkey" primary key ("id"));`);
    this.addSql(`create index "participation_project_id_index" on "participation" ("project_id");`);
    this.addSql(`create index "participation_organisation_id_index" on "participation" ("organisation_id");`);
    this.addSql(`alter table "participation" add constraint "participation_project_id_organisation_id_unique" unique ("project_id", "organisation_id");`);

    this.addSql(`create table "funding" ("id" uuid not null, "programme_id" uuid null, "project_id" uuid null, "participation_id" uuid null, "fund" text check ("fund" in ('ERDF', 'ESF', 'NATIONAL', 'REGIONAL', 'PRIVATE', 'ALL')) not null, "basis" text check ("basis" in ('TOTAL_BUDGET', 'EU_FUNDING', 'PARTNER_SHARE')) not null, "stage" text check ("stage" in ('PLANNED', 'PAID')) not null default 'PLANNED', "technical_assistance" text check ("technical_assistance" in ('INCLUDED', 'EXCLUDED', 'UNSPECIFIED')) not null default 'UNSPECIFIED', "amount" numeric(18,2) not null, "currency" text not null default 'EUR', "approximate" boolean not null default false, "preferred" boolean not null default false, constraint "funding_pkey" primary key ("id"), constraint funding_one_recipient check ((programme_id is not null)::int + (project_id is not null)::int + (participation_id is not null)::int = 1));`);
    this.addSql(`create index "funding_programme_id_index" on "funding" ("programme_id");`);
    this.addSql(`create index "funding_project_id_index" on "funding" ("project_id");`);
    this.addSql(`create index "funding_participation_id_index" on "funding" ("participation_id");`);

    this.addSql(`create table "claim" ("id" uuid not null, "subject_type" text not null, "subject_id" uuid not null, "field" text not null, "value_kind" text check ("value_kind" in ('MONEY', 'NUMBER', 'DATE', 'TEXT', 'REFERENCE')) not null, "value" text not null, "language" text check ("language" in ('fr', 'nl', 'en')) null, "unit" text null, "basis" text null, "approximate" boolean not null default false, "as_of" text null, "preferred" boolean not null, "locator" text null, "position" int not null default 0, "reference_type" text null, "reference_id" uuid null, "source_id" uuid not null, "funding_id" uuid null, constraint "claim_pkey" primary key ("id"));`);
    this.addSql(`create index "claim_source_id_index" on "claim" ("source_id");`);
    this.addSql(`create index "claim_funding_id_index" on "claim" ("funding_id");`);
    this.addSql(`create index "claim_subject_id_field_index" on "claim" ("subject_id", "field");`);

    this.addSql(`create table "outcome_organisation" ("id" uuid not null, "outcome_id" uuid not null, "organisation_id" uuid not null, "relation" text not null, constraint "outcome_organisation_pkey" primary key ("id"));`);
    this.addSql(`create index "outcome_organisation_outcome_id_index" on "outcome_organisation" ("outcome_id");`);
    this.addSql(`create index "outcome_organisation_organisation_id_index" on "outcome_organisation" ("organisation_id");`);
    this.addSql(`alter table "outcome_organisation" add constraint "outcome_organisation_outcome_id_organisation_id_unique" unique ("outcome_id", "organisation_id");`);

    this.addSql(`create table "territory_edge" ("id" uuid not null, "from_id" uuid not null, "to_id" uuid not null, "relation" text check ("relation" in ('PART_OF', 'OVERLAPS')) not null, constraint "territory_edge_pkey" primary key ("id"));`);
    this.addSql(`create index "territory_edge_from_id_index" on "territory_edge" ("from_id");`);
    this.addSql(`create index "territory_edge_to_id_index" on "territory_edge" ("to_id");`);
    this.addSql(`alter table "territory_edge" add constraint "territory_edge_from_id_to_id_relation_unique" unique ("from_id", "to_id", "relation");`);

    this.addSql(`create table "theme" ("id" uuid not null, "slug" text not null, "code" text null, "names" jsonb not null, "position" int not null default 0, "programme_id" uuid not null, "parent_id" uuid null, constraint "theme_pkey" primary key ("id"));`);
    this.addSql(`alter table "theme" add constraint "theme_slug_unique" unique ("slug");`);
    this.addSql(`create index "theme_programme_id_index" on "theme" ("programme_id");`);
    this.addSql(`create index "theme_parent_id_index" on "theme" ("parent_id");`);

    this.addSql(`create table "project_theme" ("id" uuid not null, "project_id" uuid not null, "theme_id" uuid not null, constraint "project_theme_pkey" primary key ("id"));`);
    this.addSql(`create index "project_theme_project_id_index" on "project_theme" ("project_id");`);
    this.addSql(`create index "project_theme_theme_id_index" on "project_theme" ("theme_id");`);
    this.addSql(`alter table "project_theme" add constraint "project_theme_project_id_theme_id_unique" unique ("project_id", "theme_id");`);

    this.addSql(`alter table "organisation" add constraint "organisation_location_id_foreign" foreign key ("location_id") references "territory" ("id") on update cascade on delete set null;`);

    this.addSql(`alter table "programme" add constraint "programme_managing_authority_id_foreign" foreign key ("managing_authority_id") references "organisation" ("id") on update cascade on delete set null;`);
    this.addSql(`alter table "programme" add constraint "programme_predecessor_id_foreign" foreign key ("predecessor_id") references "programme" ("id") on update cascade on delete set null;`);

    this.addSql(`alter table "project" add constraint "project_programme_id_foreign" foreign key ("programme_id") references "programme" ("id") on update cascade on delete cascade;`);

    this.addSql(`alter table "project_territory" add constraint "project_territory_project_id_foreign" foreign key ("project_id") references "project" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "project_territory" add constraint "project_territory_territory_id_foreign" foreign key ("territory_id") references "territory" ("id") on update cascade on delete cascade;`);

    this.addSql(`alter table "programme_territory" add constraint "programme_territory_programme_id_foreign" foreign key ("programme_id") references "programme" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "programme_territory" add constraint "programme_territory_territory_id_foreign" foreign key ("territory_id") references "territory" ("id") on update cascade on delete cascade;`);

    this.addSql(`alter table "outcome" add constraint "outcome_project_id_foreign" foreign key ("project_id") references "project" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "outcome" add constraint "outcome_programme_id_foreign" foreign key ("programme_id") references "programme" ("id") on update cascade on delete cascade;`);

    this.addSql(`alter table "participation" add constraint "participation_project_id_foreign" foreign key ("project_id") references "project" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "participation" add constraint "participation_organisation_id_foreign" foreign key ("organisation_id") references "organisation" ("id") on update cascade on delete cascade;`);

    this.addSql(`alter table "funding" add constraint "funding_programme_id_foreign" foreign key ("programme_id") references "programme" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "funding" add constraint "funding_project_id_foreign" foreign key ("project_id") references "project" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "funding" add constraint "funding_participation_id_foreign" foreign key ("participation_id") references "participation" ("id") on update cascade on delete cascade;`);

    this.addSql(`alter table "claim" add constraint "claim_source_id_foreign" foreign key ("source_id") references "source" ("id") on update cascade on delete restrict;`);
    this.addSql(`alter table "claim" add constraint "claim_funding_id_foreign" foreign key ("funding_id") references "funding" ("id") on update cascade on delete cascade;`);

    this.addSql(`alter table "outcome_organisation" add constraint "outcome_organisation_outcome_id_foreign" foreign key ("outcome_id") references "outcome" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "outcome_organisation" add constraint "outcome_organisation_organisation_id_foreign" foreign key ("organisation_id") references "organisation" ("id") on update cascade on delete cascade;`);

    this.addSql(`alter table "territory_edge" add constraint "territory_edge_from_id_foreign" foreign key ("from_id") references "territory" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "territory_edge" add constraint "territory_edge_to_id_foreign" foreign key ("to_id") references "territory" ("id") on update cascade on delete cascade;`);

    this.addSql(`alter table "theme" add constraint "theme_programme_id_foreign" foreign key ("programme_id") references "programme" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "theme" add constraint "theme_parent_id_foreign" foreign key ("parent_id") references "theme" ("id") on update cascade on delete cascade;`);

    this.addSql(`alter table "project_theme" add constraint "project_theme_project_id_foreign" foreign key ("project_id") references "project" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "project_theme" add constraint "project_theme_theme_id_foreign" foreign key ("theme_id") references "theme" ("id") on update cascade on delete cascade;`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table "claim" drop constraint "claim_source_id_foreign";`);

    this.addSql(`alter table "organisation" drop constraint "organisation_location_id_foreign";`);

    this.addSql(`alter table "project_territory" drop constraint "project_territory_territory_id_foreign";`);

    this.addSql(`alter table "programme_territory" drop constraint "programme_territory_territory_id_foreign";`);

    this.addSql(`alter table "territory_edge" drop constraint "territory_edge_from_id_foreign";`);

    this.addSql(`alter table "territory_edge" drop constraint "territory_edge_to_id_foreign";`);

    this.addSql(`alter table "programme" drop constraint "programme_managing_authority_id_foreign";`);

    this.addSql(`alter table "participation" drop constraint "participation_organisation_id_foreign";`);

    this.addSql(`alter table "outcome_organisation" drop constraint "outcome_organisation_organisation_id_foreign";`);

    this.addSql(`alter table "programme" drop constraint "programme_predecessor_id_foreign";`);

    this.addSql(`alter table "project" drop constraint "project_programme_id_foreign";`);

    this.addSql(`alter table "programme_territory" drop constraint "programme_territory_programme_id_foreign";`);

    this.addSql(`alter table "outcome" drop constraint "outcome_programme_id_foreign";`);

    this.addSql(`alter table "funding" drop constraint "funding_programme_id_foreign";`);

    this.addSql(`alter table "theme" drop constraint "theme_programme_id_foreign";`);

    this.addSql(`alter table "project_territory" drop constraint "project_territory_project_id_foreign";`);

    this.addSql(`alter table "outcome" drop constraint "outcome_project_id_foreign";`);

    this.addSql(`alter table "participation" drop constraint "participation_project_id_foreign";`);

    this.addSql(`alter table "funding" drop constraint "funding_project_id_foreign";`);

    this.addSql(`alter table "project_theme" drop constraint "project_theme_project_id_foreign";`);

    this.addSql(`alter table "outcome_organisation" drop constraint "outcome_organisation_outcome_id_foreign";`);

    this.addSql(`alter table "funding" drop constraint "funding_participation_id_foreign";`);

    this.addSql(`alter table "claim" drop constraint "claim_funding_id_foreign";`);

    this.addSql(`alter table "theme" drop constraint "theme_parent_id_foreign";`);

    this.addSql(`alter table "project_theme" drop constraint "project_theme_theme_id_foreign";`);

    this.addSql(`drop table if exists "source" cascade;`);

    this.addSql(`drop table if exists "territory" cascade;`);

    this.addSql(`drop table if exists "organisation" cascade;`);

    this.addSql(`drop table if exists "programme" cascade;`);

    this.addSql(`drop table if exists "project" cascade;`);

    this.addSql(`drop table if exists "project_territory" cascade;`);

    this.addSql(`drop table if exists "programme_territory" cascade;`);

    this.addSql(`drop table if exists "outcome" cascade;`);

    this.addSql(`drop table if exists "participation" cascade;`);

    this.addSql(`drop table if exists "funding" cascade;`);

    this.addSql(`drop table if exists "claim" cascade;`);

    this.addSql(`drop table if exists "outcome_organisation" cascade;`);

    this.addSql(`drop table if exists "territory_edge" cascade;`);

    this.addSql(`drop table if exists "theme" cascade;`);

    this.addSql(`drop table if exists "project_theme" cascade;`);
  }

}

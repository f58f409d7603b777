import { Migration } from '@mikro-orm/migrations';

/** The regions a programme's documents say it covers (ProgrammeRegion), beside its eligible territories. */
export class Migration20261128110000 extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create table "programme_region" ("id" uuid not null, "programme_id" uuid not null, "territory_id" uuid not null, constraint "programme_region_pkey" primary key ("id"));`);
    this.addSql(`create index "programme_region_programme_id_index" on "programme_region" ("programme_id");`);
    this.addSql(`create index "programme_region_territory_id_index" on "programme_region" ("territory_id");`);
    this.addSql(`alter table "programme_region" add constraint "programme_region_programme_id_territory_id_unique" unique ("programme_id", "territory_id");`);
    this.addSql(`alter table "programme_region" add constraint "programme_region_programme_id_foreign" foreign key ("programme_id") references "programme" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "programme_region" add constraint "programme_region_territory_id_foreign" foreign key ("territory_id") references "territory" ("id") on update cascade on delete cascade;`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "programme_region" cascade;`);
  }
}

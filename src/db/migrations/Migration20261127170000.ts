import { Migration } from '@mikro-orm/migrations';

/**
 * The lists' text sort keys stored as columns that PostgreSQL computes when a row is written (stored
 * generated columns), and the sort indexes of the large tables on them instead of on the expressions.
 * Ordered by the expression, a page had PostgreSQL fold the text of every row it returned, twice (the
 * order and the cursor's copy): about 80 of the 170 µs of PostgreSQL CPU of a page of 21 projects by
 * title. Each index keeps its shape, `(key is null), key, id`, and each list its order; a cursor given
 * out before for a list sorted by a text is refused once (it names the key it was made for), and the page
 * asked afresh gives cursors that work. Territories count as a large table (NUTS alone has about 1,500):
 * their names' keys are indexed too.
 */
export class Migration20261127170000 extends Migration {
  override async up(): Promise<void> {
    const fallback: Record<string, string[]> = { en: ['en', 'fr', 'nl'], fr: ['fr', 'nl', 'en'], nl: ['nl', 'fr', 'en'] };
    const localised = (jsonColumn: string, lang: string) => `kb_fold(coalesce(${fallback[lang].map((l) => `${jsonColumn}->>'${l}'`).join(', ')}))`;
    const keys: Array<[table: string, column: string, expression: string, indexed: boolean]> = [];
    for (const lang of Object.keys(fallback)) {
      keys.push(['project', `title_sort_${lang}`, localised('titles', lang), true]);
      keys.push(['organisation', `name_sort_${lang}`, localised('names', lang), true]);
      keys.push(['territory', `name_sort_${lang}`, localised('names', lang), true]);
      for (const table of ['programme', 'theme']) keys.push([table, `name_sort_${lang}`, localised('names', lang), false]);
    }
    keys.push(['project', 'acronym_sort', 'kb_fold(acronym)', true], ['source', 'title_sort', 'kb_fold(title)', false]);
    // One statement a table: each rewrites the table once, whatever the number of its columns.
    for (const table of new Set(keys.map(([table]) => table))) {
      const columns = keys.filter((key) => key[0] === table).map(([, column, expression]) => `add column ${column} text generated always as (${expression}) stored`);
      this.addSql(`alter table ${table} ${columns.join(', ')};`);
    }
    for (const lang of Object.keys(fallback)) {
      this.addSql(`drop index project_title_${lang}_sort;`);
      this.addSql(`drop index organisation_name_${lang}_sort;`);
    }
    this.addSql(`drop index project_acronym_sort;`);
    for (const [table, column, , indexed] of keys) {
      if (indexed) this.addSql(`create index ${table}_${column} on ${table} ((${column} is null), ${column}, id);`);
    }
  }

  override async down(): Promise<void> {
    // The columns first: dropping one drops its index, and the acronym's new index has the old one's name.
    const fallback: Record<string, string[]> = { en: ['en', 'fr', 'nl'], fr: ['fr', 'nl', 'en'], nl: ['nl', 'fr', 'en'] };
    for (const lang of Object.keys(fallback)) {
      this.addSql(`alter table project drop column title_sort_${lang};`);
      for (const table of ['organisation', 'programme', 'theme', 'territory']) this.addSql(`alter table ${table} drop column name_sort_${lang};`);
    }
    this.addSql(`alter table project drop column acronym_sort;`);
    this.addSql(`alter table source drop column title_sort;`);
    for (const [lang, order] of Object.entries(fallback)) {
      const title = `kb_fold(coalesce(${order.map((l) => `titles->>'${l}'`).join(', ')}))`;
      this.addSql(`create index project_title_${lang}_sort on project ((${title} is null), ${title}, id);`);
      const name = `kb_fold(coalesce(${order.map((l) => `names->>'${l}'`).join(', ')}))`;
      this.addSql(`create index organisation_name_${lang}_sort on organisation ((${name} is null), ${name}, id);`);
    }
    this.addSql(`create index project_acronym_sort on project ((kb_fold(acronym) is null), kb_fold(acronym), id);`);
  }
}

import type { Knex } from 'knex';
import { prepared } from './prepared';

/**
 * How node-postgres hands over a statement's rows: as objects keyed by column name, or as arrays in
 * select-list order. The row mappers (rows.ts) read arrays: node-postgres builds them without a keyed
 * store per value, which was most of its row parsing in a list page's CPU profile.
 */
export type RowShape = 'objects' | 'arrays';

/** Where a request's statements are counted. */
export interface StatementCounter {
  sqlStatements: number;
}

/**
 * A request's way to the database: every statement the request sends is built here and counted for it
 * when it runs (knex emits `query` on the statement it runs). The CSV exports stream their statements on a
 * pool of their own (modules/export), outside any request's count.
 *
 * Counting where statements are built replaces an AsyncLocalStorage that attributed knex's global `query`
 * events to the request whose async context sent them: with one in use, Node runs a hook on every
 * promise, which cost about 5% of a list page's instructions. The tests hold the two ways of counting to each
 * other (test/support/app.ts), so that a statement sent around this class cannot go uncounted.
 */
export class Statements {
  private readonly count = () => {
    this.counter.sqlStatements++;
  };

  /**
   * @param knex where statements whose text varies are sent, planned for their values
   * @param preparedKnex where the named prepared statements are sent, planned once (PREPARED_SESSION_OPTIONS)
   */
  constructor(
    private readonly knex: Knex,
    private readonly preparedKnex: Knex,
    private readonly counter: StatementCounter,
  ) {}

  /** A statement whose text may vary from request to request. */
  raw(sql: string, bindings: readonly unknown[] = [], rows: RowShape = 'objects'): Knex.Raw {
    return this.counted(this.knex.raw(sql, bindings as never), rows);
  }

  /** A statement from a fixed set of texts, sent as a named prepared statement (see `prepared`). */
  prepared(sql: string, bindings: readonly unknown[], rows: RowShape = 'objects'): Knex.Raw {
    return this.counted(prepared(this.preparedKnex, sql, bindings), rows);
  }

  private counted(statement: Knex.Raw, rows: RowShape): Knex.Raw {
    // knex merges the options of successive calls: a prepared statement keeps its name.
    if (rows === 'arrays') statement.options({ rowMode: 'array' });
    statement.on('query', this.count);
    return statement;
  }
}

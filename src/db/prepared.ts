import type { Knex } from 'knex';
import { createHash } from 'node:crypto';

/**
 * Named prepared statements for the read path. node-postgres sends a statement with a `name` as a
 * prepared statement: each pooled connection parses it once, and plans it once, generically, on the
 * connections that run these statements (`PREPARED_SESSION_OPTIONS` in orm.config.ts; left to itself,
 * PostgreSQL planned most of them anew on every execution). For the API's short statements planning was
 * most of the database's work (0.2 to 3 ms of planning against 0.05 to 0.5 ms of execution, measured with
 * `log_min_duration_statement`).
 *
 * Only statements whose text comes from a fixed set may be named: every prepared statement stays on its
 * connection for the connection's life, so texts that vary with the request (values written into the
 * SQL, or one text per combination of filters) would grow the server's memory without bound. Loaders
 * pass id lists as one array parameter (`= any(?)`) for that reason.
 */
const names = new Map<string, string>();

function statementName(sql: string): string {
  let name = names.get(sql);
  if (!name) {
    name = `kb_${createHash('sha1').update(sql).digest('hex').slice(0, 24)}`;
    names.set(sql, name);
  }
  return name;
}

/**
 * `sql` as a named prepared statement (see above: only for texts from a fixed set). Named from its text,
 * which knex then compiles once to run it (naming a built query compiled it a second time).
 */
export function prepared(knex: Knex, sql: string, bindings: readonly unknown[]): Knex.Raw {
  return knex.raw(sql, bindings as never).options({ name: statementName(sql) });
}

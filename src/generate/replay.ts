import { Pool } from 'pg';
import { PREPARED_SESSION_OPTIONS, SESSION_OPTIONS, sessionConfig } from '../db/orm.config';
import type { RecordedStatement } from './plans';

/** How many times a replay sent its statements, and in how many seconds. */
export interface ReplayCount {
  requests: number;
  seconds: number;
}

/**
 * Sends one request's recorded statements (`recordStatements`) to PostgreSQL again and again, through
 * node-postgres alone: no GraphQL, no HTTP, no rows turned into records or answers. The statements go as
 * the API sends them: named ones prepared under their names on sessions that plan them generically, the
 * others on sessions set like the API's, rows read as arrays where the API reads them so. `connections`
 * loops, each sending a request's statements one after another, for `seconds`. What this process and
 * PostgreSQL spend meanwhile is the least that any Node API sending these statements would spend.
 */
export async function replayStatements(url: string, statements: RecordedStatement[], options: { seconds: number; connections: number }): Promise<ReplayCount> {
  if (statements.length === 0) throw new Error('there are no statements to replay');
  const pool = (sessionOptions: string) => new Pool({ ...sessionConfig(url, sessionOptions), max: options.connections });
  const [varying, named] = [pool(SESSION_OPTIONS), pool(PREPARED_SESSION_OPTIONS)];
  const queries = statements.map(({ sql, bindings, name, rowMode }) => ({ pool: name === undefined ? varying : named, query: { text: sql, values: bindings, name, rowMode } }));
  let requests = 0;
  let failed = false;
  const started = performance.now();
  const deadline = started + 1000 * options.seconds;
  try {
    const loops = await Promise.allSettled(
      Array.from({ length: options.connections }, async () => {
        try {
          while (!failed && performance.now() < deadline) {
            for (const { pool, query } of queries) await pool.query(query);
            requests++;
          }
        } catch (error) {
          // The other loops stop at their next request; the pools are closed once all have.
          failed = true;
          throw error;
        }
      }),
    );
    const failure = loops.find((loop) => loop.status === 'rejected');
    if (failure) throw failure.reason;
    return { requests, seconds: (performance.now() - started) / 1000 };
  } finally {
    await Promise.allSettled([varying.end(), named.end()]);
  }
}

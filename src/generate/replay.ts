import { Pool, QueryConfig } from 'pg';
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
 * others on sessions set like the API's, rows read as arrays where the API reads them so. What this
 * process and PostgreSQL spend meanwhile is the least that any Node API sending these statements would.
 *
 * Its connections stay open from one `run` to the next, until `close`: a warm-up run prepares the
 * statements on the sessions that the measured run then uses, and no session starts or ends during a
 * measure (PostgreSQL's CPU is read from its processes).
 */
export class StatementReplay {
  private readonly varying: Pool;
  private readonly named: Pool;
  private readonly queries: Array<{ pool: Pool; query: QueryConfig }>;

  constructor(
    url: string,
    statements: RecordedStatement[],
    private readonly connections: number,
  ) {
    if (statements.length === 0) throw new Error('there are no statements to replay');
    const pool = (sessionOptions: string) => new Pool({ ...sessionConfig(url, sessionOptions), max: connections });
    [this.varying, this.named] = [pool(SESSION_OPTIONS), pool(PREPARED_SESSION_OPTIONS)];
    this.queries = statements.map(({ sql, bindings, name, rowMode }) => ({
      pool: name === undefined ? this.varying : this.named,
      query: { text: sql, values: bindings, name, rowMode } as QueryConfig,
    }));
  }

  /** `connections` loops, each sending a request's statements one after another, for `seconds`. */
  async run(seconds: number): Promise<ReplayCount> {
    let requests = 0;
    let failed = false;
    const started = performance.now();
    const deadline = started + 1000 * seconds;
    const loops = await Promise.allSettled(
      Array.from({ length: this.connections }, async () => {
        try {
          while (!failed && performance.now() < deadline) {
            for (const { pool, query } of this.queries) await pool.query(query);
            requests++;
          }
        } catch (error) {
          // The other loops stop at their next request.
          failed = true;
          throw error;
        }
      }),
    );
    const failure = loops.find((loop) => loop.status === 'rejected');
    if (failure) throw failure.reason;
    return { requests, seconds: (performance.now() - started) / 1000 };
  }

  async close(): Promise<void> {
    // Each pool is let go even when the other fails to.
    await Promise.allSettled([this.varying.end(), this.named.end()]);
  }
}

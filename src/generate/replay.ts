import { Pool, QueryConfig } from 'pg';
import { POOL_SIZE, PREPARED_SESSION_OPTIONS, SESSION_OPTIONS, sessionConfig } from '../db/orm.config';
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
 * others on sessions set like the API's, rows read as arrays where the API reads them so, each wave of
 * statements sent together once the wave before has been answered, as the API sent them. What this
 * process and PostgreSQL spend meanwhile is the least that any Node API sending these statements would.
 *
 * Each pool has as many sessions as the API's (POOL_SIZE). `openSessions` opens all of them and
 * prepares each statement on each, and they stay open, however long idle, until `close`: no session starts
 * or ends during a measure (PostgreSQL's CPU is read from its processes), and no statement is prepared in it.
 */
export class StatementReplay {
  private readonly varying: Pool;
  private readonly named: Pool;
  /** The statements by wave, in order, each with the pool it is sent on. */
  private readonly waves: Array<Array<{ pool: Pool; query: QueryConfig }>>;

  constructor(
    url: string,
    statements: RecordedStatement[],
    private readonly connections: number,
  ) {
    if (statements.length === 0) throw new Error('there are no statements to replay');
    const pool = (sessionOptions: string) => {
      const opened = new Pool({ ...sessionConfig(url, sessionOptions), max: POOL_SIZE, idleTimeoutMillis: 0 });
      // A session the server ends while it is idle fails the next statement sent on it, not the process.
      opened.on('error', () => undefined);
      return opened;
    };
    [this.varying, this.named] = [pool(SESSION_OPTIONS), pool(PREPARED_SESSION_OPTIONS)];
    const byWave: typeof this.waves = [];
    for (const { sql, bindings, name, rowMode, wave } of statements) {
      (byWave[wave] ??= []).push({ pool: name === undefined ? this.varying : this.named, query: { text: sql, values: bindings, name, rowMode } as QueryConfig });
    }
    // In the waves' order, a number no statement has left out.
    this.waves = Object.values(byWave);
  }

  /** Opens every session of each pool that has statements, and sends each of its statements once on each. */
  async openSessions(): Promise<void> {
    for (const pool of [this.varying, this.named]) {
      const queries = this.waves.flat().filter((statement) => statement.pool === pool).map(({ query }) => query);
      if (queries.length === 0) continue;
      // Every session checked out at once (so that each is a different one), and each given back whatever
      // failed: a session never given back would keep `close` waiting.
      const connected = await Promise.allSettled(Array.from({ length: POOL_SIZE }, () => pool.connect()));
      const clients = connected.flatMap((result) => (result.status === 'fulfilled' ? [result.value] : []));
      const prepared = await Promise.allSettled(
        clients.map(async (client) => {
          for (const query of queries) await client.query({ ...query });
        }),
      );
      for (const client of clients) client.release();
      const failure = [...connected, ...prepared].find((result) => result.status === 'rejected');
      if (failure) throw failure.reason;
    }
  }

  /** `connections` loops, each sending a request's statements wave after wave, for `seconds`. */
  async run(seconds: number): Promise<ReplayCount> {
    let requests = 0;
    let failed = false;
    const started = performance.now();
    const deadline = started + 1000 * seconds;
    const loops = await Promise.allSettled(
      Array.from({ length: this.connections }, async () => {
        try {
          while (!failed && performance.now() < deadline) {
            // A copy each time: node-postgres writes the call's callback onto the object it is given.
            for (const wave of this.waves) await Promise.all(wave.map(({ pool, query }) => pool.query({ ...query })));
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

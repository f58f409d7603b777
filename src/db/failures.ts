/**
 * What a database failure means for a caller: the server is away (connection refused, shutting down,
 * starting up, full), or a statement was cancelled. One reading for the API's errors and for the start's
 * retries.
 */

/** Codes (Node's and PostgreSQL's) that say the database cannot be reached at the moment. */
const UNAVAILABLE = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  '57P01',
  '57P02',
  '57P03',
  '53300',
  '08000',
  '08001',
  '08003',
  '08006',
]);

/**
 * Messages of the driver and the pool when the server went away, for errors that carry no code: among
 * them node-postgres's own timeouts (a connection attempt's, a statement's answer's: a server that hangs)
 * and knex's wait for a free connection (every one of them held by such statements, or by a load the pool
 * cannot serve in time).
 */
const CONNECTION_LOST =
  /Connection terminated|Connection ended unexpectedly|connect ECONNREFUSED|timeout expired|Query read timeout|Timeout acquiring a connection|terminating connection due to administrator command|database system is (shutting down|starting up)/i;

/** The code behind an error, looking through the wrappers (GraphQL's, an AggregateError of addresses). */
export function failureCode(error: unknown): string | undefined {
  // The pool may throw a plain object ({ code: 'ECONNREFUSED' }), which graphql wraps with `thrownValue`.
  let current = error as { code?: unknown; cause?: unknown; errors?: unknown[]; message?: unknown; thrownValue?: unknown } | undefined;
  for (let depth = 0; current && depth < 5; depth++) {
    if (typeof current.code === 'string') return current.code;
    if (typeof current.message === 'string' && CONNECTION_LOST.test(current.message)) return 'ECONNRESET';
    current = (current.cause ?? current.thrownValue ?? current.errors?.[0]) as typeof current;
  }
  return undefined;
}

/** The database cannot be reached at the moment (as opposed to refusing what was asked). */
export function databaseUnavailable(error: unknown): boolean {
  const code = failureCode(error);
  return code !== undefined && UNAVAILABLE.has(code);
}

/** PostgreSQL cancelled the statement (statement_timeout). */
export function statementCancelled(error: unknown): boolean {
  return failureCode(error) === '57014';
}

/** A database failure's code, as the API's answers name it (GraphQL's `extensions.code`, the downloads' `code`). */
export type DatabaseFailureCode = 'QUERY_TIMEOUT' | 'SERVICE_UNAVAILABLE';

/** The body of a database failure's 503 outside GraphQL (the CSV downloads, the server's error handler): one shape for all. */
export function unavailableBody(code: DatabaseFailureCode, message: string, requestId: string) {
  return { error: message, code, statusCode: 503, requestId };
}

import { GraphQLError } from 'graphql';

/** Error codes a client can act on; anything else is masked as INTERNAL_SERVER_ERROR. */
export const EXPECTED_ERROR_CODES = new Set([
  'BAD_USER_INPUT',
  'NOT_FOUND',
  'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED',
  'BAD_REQUEST',
  'PERSISTED_QUERY_NOT_FOUND',
  'PERSISTED_QUERY_NOT_SUPPORTED',
  'OPERATION_RESOLUTION_FAILURE',
  'QUERY_LIMIT_EXCEEDED',
  'QUERY_TIMEOUT',
  'SERVICE_UNAVAILABLE',
  'RATE_LIMITED',
]);

/**
 * How deep variables may nest (arrays and objects). The schema's deepest input is a few levels deep, but
 * values are walked and written out whole whatever the operation declares (the NUL check, the cost's and
 * the response cache's keys), and a request of 60 KB nested 30,000 levels deep overflowed the stack there.
 */
export const MAX_VARIABLES_DEPTH = 64;

/** Whether `value` nests deeper than `maxDepth` arrays and objects; walked without recursion. */
export function nestsDeeperThan(value: unknown, maxDepth: number): boolean {
  const pending: Array<{ value: unknown; depth: number }> = [{ value, depth: 0 }];
  while (pending.length > 0) {
    const { value: item, depth } = pending.pop()!;
    if (!item || typeof item !== 'object') continue;
    if (depth + 1 > maxDepth) return true;
    for (const child of Array.isArray(item) ? item : Object.values(item)) pending.push({ value: child, depth: depth + 1 });
  }
  return false;
}

/**
 * graphql-js's own refusal of an argument's value, which validation cannot foresee: a null sent for a
 * variable whose default fills a non-null argument (`query ($s: String = "x") { project(slug: $s) }` with
 * `{"s": null}`), or a variable left without a value. It carries no code, and was masked as an internal error.
 */
const ARGUMENT_REFUSED = /^Argument "([^"]+)" (?:of (?:non-null|required) type "[^"]+" (?:must not be null|was provided the variable)|has invalid value)/;

/**
 * graphql-js's (or graphql-jit's) refusal of an argument's value as the client's mistake: BAD_USER_INPUT
 * naming the argument. Any other error is given back as it is.
 */
export function asRefusedArgument(error: GraphQLError): GraphQLError {
  // Its own errors only: a resolver's error with the same words is the resolver's to classify.
  const own = error.originalError === undefined || error.originalError instanceof GraphQLError;
  const argumentName = own && error.extensions.code === undefined ? ARGUMENT_REFUSED.exec(error.message)?.[1] : undefined;
  if (!argumentName) return error;
  const refused = new GraphQLError(error.message, { nodes: error.nodes, path: error.path, extensions: { code: 'BAD_USER_INPUT', argumentName } });
  // graphql-jit locates its errors by line and column, without nodes.
  (refused as { locations: GraphQLError['locations'] }).locations = error.locations;
  return refused;
}

/** Where a string holds U+0000, which PostgreSQL cannot store or compare: the path to it, or null. */
export function findNulCharacter(value: unknown, path = ''): string | null {
  if (typeof value === 'string') return value.includes('\u0000') ? path || 'value' : null;
  if (Array.isArray(value)) {
    for (let index = 0; index < value.length; index++) {
      const found = findNulCharacter(value[index], `${path}[${index}]`);
      if (found) return found;
    }
  } else if (value && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) {
      const found = findNulCharacter(item, path ? `${path}.${key}` : key);
      if (found) return found;
    }
  }
  return null;
}

/** A bad argument: says which argument and why, so the caller can fix the request. */
export function badUserInput(argumentName: string, message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: 'BAD_USER_INPUT', argumentName } });
}

/** A lookup that matched nothing: the field is null, and this error says which argument named what. */
export function notFound(argumentName: string, message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: 'NOT_FOUND', argumentName } });
}

/** A value as quoted in an error message: in JSON's quotes, and cut short, as a client may send megabytes. */
export function quoted(value: string, maxLength = 100): string {
  return JSON.stringify(value.length > maxLength ? `${value.slice(0, maxLength)}…` : value);
}

/** How many unknown values an error lists before it only counts the rest. */
const UNKNOWN_VALUES_LISTED = 10;

/**
 * BAD_USER_INPUT naming `argumentName` and the values of it that are not `what` (each quoted and cut short,
 * the first ten listed), and the values allowed when there are few enough to list.
 */
export function unknownValues(argumentName: string, what: string, unknown: readonly string[], allowed?: Iterable<string>): GraphQLError {
  const listed = unknown.slice(0, UNKNOWN_VALUES_LISTED).map((value) => quoted(value)).join(', ');
  const more = unknown.length > UNKNOWN_VALUES_LISTED ? ` and ${unknown.length - UNKNOWN_VALUES_LISTED} more` : '';
  const choice = allowed === undefined ? '' : `; use one of ${[...allowed].join(', ')}`;
  return badUserInput(argumentName, `Unknown ${what}${unknown.length > 1 ? 's' : ''} ${listed}${more} in "${argumentName}"${choice}.`);
}

/**
 * The record a lookup by key found, or a NOT_FOUND error (DESIGN.md: not found is an expected failure, with
 * a code a client can act on) saying that no `what` has that `argumentName`.
 */
export async function foundBy<T>(lookup: Promise<T | null>, what: string, argumentName: string, value: string): Promise<T> {
  const record = await lookup;
  if (record === null) throw notFound(argumentName, `No ${what} has the ${argumentName} ${quoted(value)}.`);
  return record;
}

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

/** A bad argument: says which argument and why, so the caller can fix the request. */
export function badUserInput(argumentName: string, message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: 'BAD_USER_INPUT', argumentName } });
}

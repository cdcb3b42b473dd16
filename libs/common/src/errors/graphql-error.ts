import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import { DomainError } from './domain-error.js';
import { ErrorCode } from './error-code.js';

/** Codes that Apollo or graphql-js produce themselves and that we pass through unchanged. */
const passThroughCodes = new Set<string>([
  ErrorCode.GRAPHQL_PARSE_FAILED,
  ErrorCode.GRAPHQL_VALIDATION_FAILED,
  ErrorCode.BAD_USER_INPUT,
  ErrorCode.BAD_REQUEST,
  ErrorCode.UNAUTHENTICATED,
  ErrorCode.FORBIDDEN,
  'PERSISTED_QUERY_NOT_FOUND',
  'PERSISTED_QUERY_NOT_SUPPORTED',
  'OPERATION_RESOLUTION_FAILURE',
]);

/** Armor and parser limit messages, each mapped to its own documented code. */
const limitMessages: Array<[RegExp, ErrorCode]> = [
  [/Query depth limit/i, ErrorCode.QUERY_TOO_DEEP],
  [/Aliases limit/i, ErrorCode.TOO_MANY_ALIASES],
  [/Query Cost limit/i, ErrorCode.QUERY_TOO_COSTLY],
  [/Token limit/i, ErrorCode.TOO_MANY_TOKENS],
  [/Directives limit/i, ErrorCode.TOO_MANY_DIRECTIVES],
];

export function toGraphQLError(error: DomainError): GraphQLError {
  return new GraphQLError(error.message, { extensions: { code: error.code, ...error.details } });
}

function findDomainError(error: unknown): DomainError | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current instanceof Error; depth++) {
    if (current instanceof DomainError) return current;
    current = current instanceof GraphQLError ? current.originalError : (current as Error & { cause?: unknown }).cause;
  }
  return undefined;
}

/**
 * The single place that decides what a client sees of an error: a documented code, a message meant for
 * people, field details; never a stack trace. Unknown errors become INTERNAL_SERVER_ERROR with a generic text
 * (the original goes to the log with the request id, see the logging plugin).
 */
export function formatGraphQLError(formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError {
  const domain = findDomainError(error);
  const base = { message: formatted.message, locations: formatted.locations, path: formatted.path };
  if (domain) {
    return { ...base, message: domain.message, extensions: { code: domain.code, ...domain.details } };
  }
  const code = typeof formatted.extensions?.code === 'string' ? formatted.extensions.code : undefined;
  for (const [pattern, limitCode] of limitMessages) {
    if (pattern.test(formatted.message)) return { ...base, extensions: { code: limitCode } };
  }
  if (code && passThroughCodes.has(code)) {
    const { stacktrace: _stack, exception: _exception, ...extensions } = formatted.extensions ?? {};
    return { ...base, extensions: { ...extensions, code } };
  }
  return { message: 'Internal server error', path: formatted.path, extensions: { code: ErrorCode.INTERNAL_SERVER_ERROR } };
}

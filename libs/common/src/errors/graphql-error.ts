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

/** Codes graphql-options gives armor's rejections; Apollo wraps them as GRAPHQL_VALIDATION_FAILED, keeping ours on the original. */
const limitCodes: ErrorCode[] = [
  ErrorCode.QUERY_TOO_DEEP,
  ErrorCode.TOO_MANY_ALIASES,
  ErrorCode.QUERY_TOO_COSTLY,
  ErrorCode.TOO_MANY_DIRECTIVES,
];

/** graphql-js's own token limit (parse option `maxLexicalTokens`) fails parsing with this message and no code. */
const tokenLimitMessage = /^Syntax Error: Document contains more tha[nt] (\d+) tokens\. Parsing aborted\.$/;

/** Decided by codes and graphql-js's fixed wording, never by a substring a client could put into a message. */
function limitError(formatted: GraphQLFormattedError, error: unknown): { code: ErrorCode; message: string } | undefined {
  const original = error instanceof GraphQLError ? error.originalError : undefined;
  for (const candidate of [error, original]) {
    const code = candidate instanceof GraphQLError ? candidate.extensions.code : undefined;
    const limitCode = limitCodes.find((limit) => limit === code);
    if (limitCode) return { code: limitCode, message: formatted.message };
  }
  const tokens = formatted.extensions?.code === ErrorCode.GRAPHQL_PARSE_FAILED ? tokenLimitMessage.exec(formatted.message) : null;
  return tokens ? { code: ErrorCode.TOO_MANY_TOKENS, message: `Token limit of ${tokens[1]} exceeded.` } : undefined;
}

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
  const limit = limitError(formatted, error);
  if (limit) return { ...base, message: limit.message, extensions: { code: limit.code } };
  if (code && passThroughCodes.has(code)) {
    const { stacktrace: _stack, exception: _exception, ...extensions } = formatted.extensions ?? {};
    return { ...base, extensions: { ...extensions, code } };
  }
  return { message: 'Internal server error', path: formatted.path, extensions: { code: ErrorCode.INTERNAL_SERVER_ERROR } };
}

/** graphql-js ends a message with " Did you mean …?" naming schema members; production hides them so the schema cannot be guessed. */
export function withoutSuggestions(formatted: GraphQLFormattedError): GraphQLFormattedError {
  return { ...formatted, message: formatted.message.replace(/ ?Did you mean [^?]*\?/g, '') };
}

import { GraphQLError, parse } from 'graphql';
import { NotFound } from './domain-error.js';
import { ErrorCode } from './error-code.js';
import { formatGraphQLError, withoutSuggestions } from './graphql-error.js';

/** What Apollo hands formatError: the error as JSON plus the error itself. */
function format(error: GraphQLError) {
  return formatGraphQLError(error.toJSON(), error);
}

/** Apollo's wrapping of a validation error: its own code, ours kept on the original. */
function asApolloValidationError(original: GraphQLError): GraphQLError {
  return new GraphQLError(original.message, { originalError: original, extensions: { ...original.extensions, code: 'GRAPHQL_VALIDATION_FAILED' } });
}

function parseError(query: string, options: { maxLexicalTokens?: number } = {}): GraphQLError {
  try {
    parse(query, options);
  } catch (error) {
    if (error instanceof GraphQLError) return new GraphQLError(error.message, { originalError: error, extensions: { code: 'GRAPHQL_PARSE_FAILED' } });
  }
  throw new Error(`${query} parsed`);
}

describe('formatGraphQLError', () => {
  it('hides an unexpected error behind INTERNAL_SERVER_ERROR, without its message or stack', () => {
    const cause = new Error('connect ECONNREFUSED 10.0.0.7:5432');
    const error = new GraphQLError(cause.message, { originalError: cause, path: ['me'], extensions: { stacktrace: cause.stack?.split('\n') } });
    const formatted = format(error);
    expect(formatted).toEqual({ message: 'Internal server error', path: ['me'], extensions: { code: ErrorCode.INTERNAL_SERVER_ERROR } });
    expect(JSON.stringify(formatted)).not.toMatch(/ECONNREFUSED| {4}at |stacktrace/);
  });

  it('hides a GraphQLError with an undocumented code', () => {
    expect(format(new GraphQLError('boom', { extensions: { code: 'SOMETHING_ELSE' } })).extensions).toEqual({ code: ErrorCode.INTERNAL_SERVER_ERROR });
  });

  it('shows a domain error with its code and details, however deeply it is wrapped', () => {
    const domain = new NotFound('Organisation', 'T3JnOjE=');
    const wrapped = new GraphQLError('wrapped', { originalError: new Error('outer', { cause: domain }) });
    expect(format(wrapped)).toMatchObject({
      message: 'Organisation T3JnOjE= was not found',
      extensions: { code: ErrorCode.NOT_FOUND, type: 'Organisation', id: 'T3JnOjE=' },
    });
  });

  it('passes documented client codes through, without a stack trace', () => {
    const error = new GraphQLError('Cannot query field "x" on type "Query".', {
      extensions: { code: ErrorCode.GRAPHQL_VALIDATION_FAILED, stacktrace: ['GraphQLError: x', '    at validate (/app/node_modules/graphql/validation/validate.js:1:1)'] },
    });
    expect(format(error)).toEqual({ message: 'Cannot query field "x" on type "Query".', extensions: { code: ErrorCode.GRAPHQL_VALIDATION_FAILED } });
  });

  it.each([ErrorCode.QUERY_TOO_DEEP, ErrorCode.TOO_MANY_ALIASES, ErrorCode.QUERY_TOO_COSTLY, ErrorCode.TOO_MANY_DIRECTIVES])(
    'keeps %s that graphql-options gave an armor rejection, under Apollo’s validation wrapper',
    (code) => {
      const formatted = format(asApolloValidationError(new GraphQLError('limit exceeded', { extensions: { code } })));
      expect(formatted).toEqual({ message: 'limit exceeded', extensions: { code } });
    },
  );

  it('maps graphql-js’s token limit to TOO_MANY_TOKENS with a readable message', () => {
    const formatted = format(parseError('{ a b c }', { maxLexicalTokens: 4 }));
    expect(formatted).toMatchObject({ message: 'Token limit of 4 exceeded.', extensions: { code: ErrorCode.TOO_MANY_TOKENS } });
  });

  it('takes no limit code from limit words that a client put into a message', () => {
    const validation = format(asApolloValidationError(new GraphQLError('Int cannot represent non-integer value: "Query depth limit of 10 exceeded"')));
    expect(validation.extensions).toEqual({ code: ErrorCode.GRAPHQL_VALIDATION_FAILED });

    const syntax = format(parseError('{ me "Document contains more that 1 tokens. Parsing aborted." }'));
    expect(syntax.extensions).toEqual({ code: ErrorCode.GRAPHQL_PARSE_FAILED });
  });
});

describe('withoutSuggestions', () => {
  it.each([
    ['Cannot query field "mee" on type "Query". Did you mean "me"?', 'Cannot query field "mee" on type "Query".'],
    ['Unknown type "Organisatio". Did you mean "Organisation" or "OrganisationEdge"?', 'Unknown type "Organisatio".'],
    ['Value "BUN" does not exist in "GovernmentLevel" enum. Did you mean the enum value "BUND"?', 'Value "BUN" does not exist in "GovernmentLevel" enum.'],
    ['Syntax Error: Expected Name, found <EOF>.', 'Syntax Error: Expected Name, found <EOF>.'],
  ])('turns %j into %j', (message, expected) => {
    expect(withoutSuggestions({ message, extensions: { code: 'X' } })).toEqual({ message: expected, extensions: { code: 'X' } });
  });
});

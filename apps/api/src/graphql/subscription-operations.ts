import type { GraphQLWsSubscriptionsConfig } from '@nestjs/graphql';
import { getOperationAST, GraphQLError, parse, validate, type DocumentNode, type GraphQLFormattedError, type GraphQLSchema, type ValidationRule } from 'graphql';
import { getVariableValues } from 'graphql/execution/values.js';
import type { ServerOptions } from 'graphql-ws';
import { ErrorCode, type AppLogger } from '@app/common';

export interface SocketOperationPolicy {
  /** The schema the api serves (known once the GraphQL module started). */
  schema: () => GraphQLSchema;
  maxTokens: number;
  /** The same rules as over HTTP: graphql-js's own, graphql-armor's limits, no introspection when it is off. */
  validationRules: readonly ValidationRule[];
  formatError: (formatted: GraphQLFormattedError, error: unknown) => GraphQLFormattedError;
  logger: AppLogger;
}

export type SocketOperationHooks = Required<Pick<GraphQLWsSubscriptionsConfig, 'onSubscribe' | 'onNext'>> & Required<Pick<ServerOptions, 'onError'>>;

/** Gives an error without a code the one Apollo gives it over HTTP at the same stage. */
function withCode(error: GraphQLError, code: string): GraphQLError {
  if (typeof error.extensions.code === 'string') return error;
  return new GraphQLError(error.message, {
    nodes: error.nodes,
    source: error.source,
    positions: error.positions,
    path: error.path,
    originalError: error.originalError,
    extensions: { ...error.extensions, code },
  });
}

/**
 * graphql-ws runs whatever document a socket sends with plain graphql-js; these hooks give the socket the HTTP
 * endpoint's protections: the token limit, the same validation rules, subscriptions only, and every error
 * formatted by the same function (documented code, no internals).
 */
export function socketOperationHooks(policy: SocketOperationPolicy): SocketOperationHooks {
  const format = (error: GraphQLError, operationName: string | null | undefined): GraphQLFormattedError => {
    const formatted = policy.formatError(error.toJSON(), error);
    if (formatted.extensions?.code === ErrorCode.INTERNAL_SERVER_ERROR) policy.logger.error({ operationName, err: error.originalError ?? error }, 'GraphQL subscription failed');
    return formatted;
  };
  return {
    onSubscribe: (_ctx, _id, payload) => {
      let document: DocumentNode;
      try {
        document = parse(payload.query, { maxLexicalTokens: policy.maxTokens });
      } catch (error) {
        if (error instanceof GraphQLError) return [withCode(error, ErrorCode.GRAPHQL_PARSE_FAILED)];
        throw error;
      }
      const schema = policy.schema();
      const problems = validate(schema, document, policy.validationRules);
      if (problems.length > 0) return problems.map((problem) => withCode(problem, ErrorCode.GRAPHQL_VALIDATION_FAILED));
      const operation = getOperationAST(document, payload.operationName);
      if (!operation) {
        return [new GraphQLError('the document needs exactly one operation, or an operationName naming one', { extensions: { code: 'OPERATION_RESOLUTION_FAILURE' } })];
      }
      if (operation.operation !== 'subscription') {
        return [new GraphQLError(`only subscriptions run over WebSocket; send a ${operation.operation} with HTTP POST /graphql`, { nodes: operation, extensions: { code: ErrorCode.BAD_REQUEST } })];
      }
      const variables = getVariableValues(schema, operation.variableDefinitions ?? [], payload.variables ?? {}, { maxErrors: 50 });
      if (variables.errors) return variables.errors.map((error) => withCode(error, ErrorCode.BAD_USER_INPUT));
      return { schema, document, operationName: payload.operationName, variableValues: payload.variables };
    },
    onNext: (_ctx, _id, payload, _args, result) =>
      result.errors === undefined ? undefined : { ...result, errors: result.errors.map((error) => format(error, payload.operationName)) },
    onError: (_ctx, _id, payload, errors) => errors.map((error) => format(error, payload.operationName)),
  };
}

import { ApolloArmor } from '@escape.tech/graphql-armor';
import type { ApolloServerPlugin } from '@apollo/server';
import { ApolloServerPluginCacheControlDisabled } from '@apollo/server/plugin/disabled';
import type { ApolloDriverConfig } from '@nestjs/apollo';
import type { GraphQLSchemaHost } from '@nestjs/graphql';
import { GraphQLError, specifiedRules, type GraphQLFormattedError, type ValidationRule } from 'graphql';
import { DomainError, ErrorCode, formatGraphQLError, withoutSuggestions, type AppConfig, type AppLogger, type AppRequest, type Authenticator } from '@app/common';
import type { GraphQLContext, LoaderFactory } from './loaders.js';
import { compiledQueriesPlugin } from './compiled-execution.js';
import { localGraphiQLPlugin } from './graphiql.js';
import { graphqlWsOptions, isSocketContext, socketContext, type SocketContext } from './subscription-auth.js';
import { socketOperationHooks } from './subscription-operations.js';

/** Codes that mean "the client sent something wrong": logged at debug, not as server errors. */
const clientCodes = new Set<string>(Object.values(ErrorCode).filter((code) => code !== ErrorCode.INTERNAL_SERVER_ERROR));

function errorLoggingPlugin(logger: AppLogger): ApolloServerPlugin {
  return {
    async requestDidStart() {
      return {
        async didEncounterErrors({ errors, contextValue, operationName }) {
          for (const error of errors) {
            const original = error.originalError;
            const code = error.extensions?.code;
            // Apollo attaches a GraphQLError as original to parse and validation failures: still the client's mistake.
            const expected =
              original instanceof DomainError || ((original === undefined || original instanceof GraphQLError) && typeof code === 'string' && clientCodes.has(code));
            const requestId = (contextValue as Partial<GraphQLContext> | undefined)?.req?.id;
            if (expected) {
              logger.debug({ requestId, operationName, code: original instanceof DomainError ? original.code : code }, error.message);
            } else {
              logger.error({ requestId, operationName, err: original ?? error }, 'GraphQL request failed');
            }
          }
        },
      };
    },
  };
}

/** Apollo's own rule when introspection is off (it does not export it): the same message and extension over WebSocket. */
const noIntrospection: ValidationRule = (context) => ({
  Field(node) {
    if (node.name.value === '__schema' || node.name.value === '__type') {
      context.reportError(
        new GraphQLError(
          'GraphQL introspection is not allowed by Apollo Server, but the query contained __schema or __type. To enable introspection, pass introspection: true to ApolloServer in production',
          { nodes: [node], extensions: { validationErrorCode: 'INTROSPECTION_DISABLED' } },
        ),
      );
    }
  },
});

export function graphqlOptions(config: AppConfig, logger: AppLogger, loaders: LoaderFactory, authenticator: Authenticator, schemaHost: GraphQLSchemaHost): ApolloDriverConfig {
  const g = config.graphql;
  const reject = (code: ErrorCode) => ({
    propagateOnRejection: false,
    onReject: [
      (context: { reportError(error: GraphQLError): void } | null, error: GraphQLError) =>
        context?.reportError(new GraphQLError(error.message.replace(/^Syntax Error: /, ''), { extensions: { code } })),
    ],
  });
  const armor = new ApolloArmor({
    maxDepth: { n: g.maxDepth, flattenFragments: true, ...reject(ErrorCode.QUERY_TOO_DEEP) },
    maxAliases: { n: g.maxAliases, ...reject(ErrorCode.TOO_MANY_ALIASES) },
    costLimit: { maxCost: g.maxCost, ...reject(ErrorCode.QUERY_TOO_COSTLY) },
    maxDirectives: { n: g.maxDirectives, ...reject(ErrorCode.TOO_MANY_DIRECTIVES) },
    // Armor's token plugin parses in a hook Apollo answers with 500 on any syntax error; graphql-js's limit below does not.
    maxTokens: { enabled: false },
    // Armor's mask misses enum-value suggestions; withoutSuggestions below hides every "Did you mean".
    blockFieldSuggestion: { enabled: false },
  }).protect();
  const formatError = (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError =>
    config.isProduction ? withoutSuggestions(formatGraphQLError(formatted, error)) : formatGraphQLError(formatted, error);
  // armor is typed against graphql's CommonJS declarations, we load the ESM build: same shape, other identity.
  const armorRules = armor.validationRules as unknown as ValidationRule[];
  return {
    path: '/graphql',
    autoSchemaFile: true,
    sortSchema: true,
    graphiql: false,
    introspection: g.introspection,
    csrfPrevention: true,
    allowBatchedHttpRequests: true,
    includeStacktraceInErrorResponses: false,
    // armor is typed against Apollo's CommonJS declarations, we load the ESM build: same shape, other identity.
    // No HTTP cache hints: the cache-control plugin would wrap every field resolver of every request for nothing.
    plugins: [
      ApolloServerPluginCacheControlDisabled(),
      ...(armor.plugins as unknown as ApolloServerPlugin[]),
      errorLoggingPlugin(logger),
      compiledQueriesPlugin(() => schemaHost.schema),
      ...(g.playground ? [localGraphiQLPlugin()] : []),
    ],
    validationRules: armorRules,
    parseOptions: { maxLexicalTokens: g.maxTokens },
    formatError,
    // graphql-ws calls the same function with its socket context for subscriptions.
    context: (source: { req: AppRequest } | SocketContext): GraphQLContext =>
      isSocketContext(source) ? socketContext(source, loaders) : { req: source.req, loaders: loaders.create() },
    // graphql-ws would run any operation with plain graphql-js: the same limits, rules and error format as HTTP.
    subscriptions: {
      'graphql-ws': graphqlWsOptions(
        authenticator,
        socketOperationHooks({
          schema: () => schemaHost.schema,
          maxTokens: g.maxTokens,
          validationRules: [...specifiedRules, ...armorRules, ...(g.introspection ? [] : [noIntrospection])],
          formatError,
          logger,
        }),
      ),
    },
  };
}

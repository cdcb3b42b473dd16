import { ApolloArmor } from '@escape.tech/graphql-armor';
import type { ApolloServerPlugin } from '@apollo/server';
import { ApolloServerPluginCacheControlDisabled } from '@apollo/server/plugin/disabled';
import type { ApolloDriverConfig } from '@nestjs/apollo';
import { GraphQLError } from 'graphql';
import { DomainError, ErrorCode, formatGraphQLError, withoutSuggestions, type AppConfig, type AppLogger, type AppRequest, type Authenticator } from '@app/common';
import type { GraphQLContext, LoaderFactory } from './loaders.js';
import { localGraphiQLPlugin } from './graphiql.js';
import { graphqlWsOptions, isSocketContext, socketContext, type SocketContext } from './subscription-auth.js';

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

export function graphqlOptions(config: AppConfig, logger: AppLogger, loaders: LoaderFactory, authenticator: Authenticator): ApolloDriverConfig {
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
      ...(g.playground ? [localGraphiQLPlugin()] : []),
    ],
    validationRules: armor.validationRules,
    parseOptions: { maxLexicalTokens: g.maxTokens },
    formatError: config.isProduction ? (formatted, error) => withoutSuggestions(formatGraphQLError(formatted, error)) : formatGraphQLError,
    // graphql-ws calls the same function with its socket context for subscriptions.
    context: (source: { req: AppRequest } | SocketContext): GraphQLContext =>
      isSocketContext(source) ? socketContext(source, loaders) : { req: source.req, loaders: loaders.create() },
    subscriptions: { 'graphql-ws': graphqlWsOptions(authenticator) },
  };
}

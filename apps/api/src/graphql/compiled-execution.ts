import { HeaderMap, type ApolloServerPlugin } from '@apollo/server';
import { OperationTypeNode, type DocumentNode, type ExecutionResult, type GraphQLSchema } from 'graphql';
import { compileQuery, isCompiledQuery, type CompiledQuery } from 'graphql-jit';

/**
 * Answers queries with graphql-jit, which compiles a validated document once into a function that walks the
 * results, instead of graphql-js interpreting the document for every field of every answer: a search page is
 * ~800 fields, and graphql-js spent ~0.45 ms and ~40 % of the api's allocations per request on them (two
 * dictionary objects per field for its arguments and results; bench/RESULTS.md).
 *
 * Only answers without errors come from here. A query whose compiled run reports any error (invalid variables,
 * a forbidden field, a failed resolver) or throws returns null, and Apollo runs it again with graphql-js, so every error a
 * client sees is graphql-js's, formatted and logged as before. Mutations and subscriptions always run with
 * graphql-js. Parsing, validation (graphql-armor's limits) and the other plugins stay Apollo's.
 */
export function compiledQueriesPlugin(schema: () => GraphQLSchema): ApolloServerPlugin {
  const compiled = new CompiledQueries(schema);
  return {
    async requestDidStart() {
      return {
        async responseForOperation({ document, operation, operationName, request, contextValue }) {
          if (operation.operation !== OperationTypeNode.QUERY) return null;
          const query = compiled.get(document, operationName);
          if (query === null) return null;
          let result: ExecutionResult;
          try {
            result = await query.query(undefined, contextValue, request.variables ?? {});
          } catch {
            return null;
          }
          if (result.errors !== undefined && result.errors.length > 0) return null;
          return { http: { headers: new HeaderMap() }, body: { kind: 'single', singleResult: { data: result.data } } };
        },
      };
    },
  };
}

/**
 * Compiled queries by document: Apollo keeps one parsed document per query text (its document store). Compiling
 * costs 1–12 ms against ~0.5 ms for graphql-js to run a search page, so a document is compiled when it comes the
 * second time: a client sending ever new query texts costs no more than before.
 */
class CompiledQueries {
  private readonly byDocument = new WeakMap<DocumentNode, Map<string | null, CompiledQuery | null | 'seen once'>>();

  constructor(private readonly schema: () => GraphQLSchema) {}

  get(document: DocumentNode, operationName: string | null): CompiledQuery | null {
    let byOperation = this.byDocument.get(document);
    if (byOperation === undefined) this.byDocument.set(document, (byOperation = new Map()));
    const known = byOperation.get(operationName);
    if (known === undefined) {
      byOperation.set(operationName, 'seen once');
      return null;
    }
    if (known !== 'seen once') return known;
    const result = compileQuery(this.schema(), document, operationName ?? undefined);
    // What graphql-jit does not compile, graphql-js runs (and reports on) as before.
    const query = isCompiledQuery(result) ? result : null;
    byOperation.set(operationName, query);
    return query;
  }
}

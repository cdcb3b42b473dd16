import type { BaseContext, GraphQLRequestContextResponseForOperation, GraphQLRequestListener } from '@apollo/server';
import { buildSchema, execute, Kind, parse, type DocumentNode, type OperationDefinitionNode } from 'graphql';
import { compiledQueriesPlugin } from './compiled-execution.js';

const schema = buildSchema(`
  type Query { entries(first: Int!): [Entry!]! failing: String broken: Entry! }
  type Entry { id: ID! name: String! tags: [String!]! }
  type Mutation { rename(name: String!): String! }
`);
const fields = schema.getQueryType()?.getFields() ?? {};
let resolved = 0;
if (fields.entries) {
  fields.entries.resolve = async (_: unknown, args: { first: number }) => {
    resolved += 1;
    return Array.from({ length: args.first }, (_unused, k) => ({ id: String(k), name: `Eintrag ${k}`, tags: ['Sprache', 'Übersetzung'] }));
  };
}
if (fields.failing) {
  fields.failing.resolve = () => {
    throw new Error('kaputt');
  };
}
if (fields.broken) fields.broken.resolve = () => ({ id: '1', name: null, tags: [] });
const renameField = schema.getMutationType()?.getFields().rename;
if (renameField) renameField.resolve = (_: unknown, args: { name: string }) => args.name;

/** What Apollo hands the hook, reduced to what it reads: a parsed, validated document and the request's variables. */
function requestContext(document: DocumentNode, variables: Record<string, unknown> = {}): GraphQLRequestContextResponseForOperation<BaseContext> {
  const operation = document.definitions.find((definition) => definition.kind === Kind.OPERATION_DEFINITION) as OperationDefinitionNode;
  return { document, operation, operationName: null, request: { variables }, contextValue: {} } as unknown as GraphQLRequestContextResponseForOperation<BaseContext>;
}

async function answer(plugin: ReturnType<typeof compiledQueriesPlugin>, document: DocumentNode, variables?: Record<string, unknown>) {
  const listener = (await plugin.requestDidStart?.({} as never)) as GraphQLRequestListener<BaseContext>;
  return listener.responseForOperation?.(requestContext(document, variables)) ?? null;
}

describe('compiledQueriesPlugin', () => {
  it('leaves a document to graphql-js the first time, then answers it compiled with the same data', async () => {
    const plugin = compiledQueriesPlugin(() => schema);
    const document = parse(`query ($first: Int!) { entries(first: $first) { id name tags } }`);
    expect(await answer(plugin, document, { first: 3 })).toBeNull();
    resolved = 0;
    const compiled = await answer(plugin, document, { first: 3 });
    expect(resolved).toBe(1);
    const expected = await execute({ schema, document, variableValues: { first: 3 } });
    // The same fields in the same order: clients may compare answers as text.
    expect(compiled?.body.kind).toBe('single');
    expect(JSON.stringify(compiled?.body.kind === 'single' ? compiled.body.singleResult : null)).toBe(JSON.stringify({ data: expected.data }));
  });

  it('leaves every answer with an error to graphql-js: a failing resolver, a null for a non-null field, invalid variables', async () => {
    const plugin = compiledQueriesPlugin(() => schema);
    for (const [query, variables] of [
      ['{ failing }', {}],
      ['{ broken { id name } }', {}],
      ['query ($first: Int!) { entries(first: $first) { id } }', { first: 'drei' }],
    ] as const) {
      const document = parse(query);
      await answer(plugin, document, variables);
      expect(await answer(plugin, document, variables)).toBeNull();
    }
  });

  it('never answers a mutation', async () => {
    const plugin = compiledQueriesPlugin(() => schema);
    const document = parse(`mutation { rename(name: "Übersetzungsdienst") }`);
    await answer(plugin, document);
    expect(await answer(plugin, document)).toBeNull();
  });
});

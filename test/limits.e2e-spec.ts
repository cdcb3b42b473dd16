import request from 'supertest';
import { ErrorCode, Role } from '@app/common';
import { createTestApp, makeUser, TEST_LOCAL_SECRET, type TestApp } from '@app/testing';

type Client = ReturnType<typeof request>;

interface ErrorBody {
  message: string;
  extensions?: { code?: string };
}

/** Production as deployed; createTestApp hands createApp its own database, DATABASE_URL only satisfies the config rules. */
const productionEnv = {
  NODE_ENV: 'production',
  LOCAL_AUTH: 'true',
  LOCAL_AUTH_SECRET: TEST_LOCAL_SECRET,
  DATABASE_URL: 'postgres://unused@127.0.0.1/x',
};

/** What a client must never see: stack frames, stack trace fields, paths into our sources or dependencies. */
const internals = [/ {4}at /, /stacktrace/i, /\/(?:work|apps|libs|dist|node_modules)\//, /\.[cm]?[jt]s:\d+/];

/** Every request in this file goes through here: whatever the input, never a 5xx and never internals. */
async function send(test: request.Test): Promise<request.Response> {
  const res = await test;
  expect(res.status).toBeLessThan(500);
  for (const pattern of internals) expect(res.text).not.toMatch(pattern);
  return res;
}

function errorsOf(res: request.Response): ErrorBody[] {
  const body: { errors?: ErrorBody[] } = res.body;
  return body.errors ?? [];
}

const codesOf = (res: request.Response): Array<string | undefined> => errorsOf(res).map((error) => error.extensions?.code);

const client = (t: TestApp): Client => request(t.app.getHttpServer());

const post = (s: Client, body: unknown, token?: string): request.Test => {
  const req = s.post('/graphql').set('content-type', 'application/json');
  if (token) req.set('authorization', `Bearer ${token}`);
  return req.send(JSON.stringify(body));
};

const aliases = (n: number, field = 'me { id }'): string => `{ ${Array.from({ length: n }, (_, i) => `a${i}: ${field}`).join(' ')} }`;

/** Depth n (n >= 4) along introspection's `ofType` chain, the only path in today's schema deeper than 5. */
const typeDepth = (n: number): string => `{ __type(name: "Query") { fields { type ${'{ ofType '.repeat(n - 4)}{ name }${' }'.repeat(n - 4)} } } }`;

const directives = (n: number): string => `{ ${'... @include(if: true) { __typename } '.repeat(n)} }`;

/** Cost 5,825 under armor's weights (objects 2, scalars 1, x1.5 per level, x`first`): above the default 5,000. */
const costlyQuery = `{ organisations(first: 100) {
  edges { node { id name slug level state createdAt } }
  nodes { id name slug level state createdAt }
  pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
} }`;

const createOrganisation = 'mutation($input: CreateOrganisationInput!) { createOrganisation(input: $input) { organisation { slug } } }';

interface BadInput {
  name: string;
  build: (s: Client) => request.Test;
  status: number;
  code: ErrorCode;
}

const badInputs: BadInput[] = [
  {
    name: 'malformed JSON',
    build: (s) => s.post('/graphql').set('content-type', 'application/json').send('{"query": "{ me { id } }"'),
    status: 400,
    code: ErrorCode.BAD_REQUEST,
  },
  { name: 'a JSON body that is no object', build: (s) => s.post('/graphql').set('content-type', 'application/json').send('42'), status: 400, code: ErrorCode.BAD_REQUEST },
  { name: 'a 2 MB query', build: (s) => post(s, { query: `{ __typename } # ${'x'.repeat(2 * 1024 * 1024)}` }), status: 413, code: ErrorCode.PAYLOAD_TOO_LARGE },
  { name: 'a query that is no string', build: (s) => post(s, { query: 42 }), status: 400, code: ErrorCode.BAD_REQUEST },
  {
    name: 'a variable of the wrong type',
    build: (s) => post(s, { query: 'query($first: Int) { organisations(first: $first) { totalCount } }', variables: { first: 'abc' } }),
    status: 400,
    code: ErrorCode.BAD_USER_INPUT,
  },
  { name: 'an unknown field', build: (s) => post(s, { query: '{ me { id shoeSize } }' }), status: 400, code: ErrorCode.GRAPHQL_VALIDATION_FAILED },
  { name: 'a syntax error', build: (s) => post(s, { query: '{ me { id }' }), status: 400, code: ErrorCode.GRAPHQL_PARSE_FAILED },
  {
    name: 'a fragment cycle',
    build: (s) => post(s, { query: '{ ...A } fragment A on Query { ...B } fragment B on Query { ...A }' }),
    status: 400,
    code: ErrorCode.GRAPHQL_VALIDATION_FAILED,
  },
  // 1,000 aliases are at least 3,000 tokens: the parser stops before the alias rule runs (see the alias tests below).
  { name: '1,000 aliases', build: (s) => post(s, { query: aliases(1000) }), status: 400, code: ErrorCode.TOO_MANY_TOKENS },
  { name: '16 aliases', build: (s) => post(s, { query: aliases(16) }), status: 400, code: ErrorCode.TOO_MANY_ALIASES },
  { name: 'depth 50', build: (s) => post(s, { query: typeDepth(50) }), status: 400, code: ErrorCode.QUERY_TOO_DEEP },
  { name: 'a cost above 5,000', build: (s) => post(s, { query: costlyQuery }), status: 400, code: ErrorCode.QUERY_TOO_COSTLY },
  { name: '2,001 tokens', build: (s) => post(s, { query: `{ ${'__typename '.repeat(1999)} }` }), status: 400, code: ErrorCode.TOO_MANY_TOKENS },
  { name: '21 directives', build: (s) => post(s, { query: directives(21) }), status: 400, code: ErrorCode.TOO_MANY_DIRECTIVES },
  {
    name: 'a batch of 100 operations',
    build: (s) => post(s, Array.from({ length: 100 }, () => ({ query: '{ __typename }' }))),
    status: 400,
    code: ErrorCode.BATCH_TOO_LARGE,
  },
  { name: 'an empty batch', build: (s) => post(s, []), status: 400, code: ErrorCode.BAD_REQUEST },
  {
    name: 'a POST as text/plain',
    build: (s) => s.post('/graphql').set('content-type', 'text/plain').send('{"query":"{ __typename }"}'),
    status: 400,
    code: ErrorCode.BAD_REQUEST,
  },
  { name: 'a GET without a preflight header', build: (s) => s.get('/graphql').query({ query: '{ __typename }' }), status: 400, code: ErrorCode.BAD_REQUEST },
  {
    name: 'a mutation over GET',
    build: (s) =>
      s
        .get('/graphql')
        .set('apollo-require-preflight', 'true')
        .query({ query: 'mutation { createOrganisation(input: { name: "Über GET", slug: "ueber-get", level: BUND }) { organisation { slug } } }' }),
    status: 405,
    code: ErrorCode.BAD_REQUEST,
  },
];

/** The same bad input must get the same documented answer in every mode. */
function rejectsEveryBadInput(app: () => TestApp): void {
  it.each(badInputs)('answers $name with $status $code', async ({ build, status, code }) => {
    const res = await send(build(client(app())));
    expect(res.status).toBe(status);
    expect(codesOf(res)).toContain(code);
  });
}

/** Typos that graphql-js answers with a "Did you mean" naming schema members. */
const typos: Array<{ name: string; body: { query: string; variables?: Record<string, unknown> } }> = [
  { name: 'field', body: { query: '{ mee { id } }' } },
  { name: 'argument', body: { query: '{ organisations(firs: 1) { totalCount } }' } },
  { name: 'type', body: { query: 'query($input: CreateOrganisationInpt!) { __typename }' } },
  { name: 'input field', body: { query: 'mutation { createOrganisation(input: { nme: "x", slug: "x", level: BUND }) { organisation { id } } }' } },
  { name: 'enum value', body: { query: 'mutation { createOrganisation(input: { name: "x", slug: "x", level: BUN }) { organisation { id } } }' } },
  { name: 'enum value in a variable', body: { query: createOrganisation, variables: { input: { name: 'x', slug: 'x', level: 'BUN' } } } },
];

describe('request limits and bad input (test mode, default limits)', () => {
  let t: TestApp;
  let token: string;

  beforeAll(async () => {
    t = await createTestApp();
    token = await t.tokenFor(await makeUser(t.dataSource));
  });

  afterAll(async () => {
    await t.close();
  });

  rejectsEveryBadInput(() => t);

  it('accepts 15 aliases and rejects the 16th', async () => {
    const fifteen = await send(post(client(t), { query: aliases(15) }, token));
    expect(fifteen.status).toBe(200);
    expect(errorsOf(fifteen)).toEqual([]);
    expect(Object.keys(fifteen.body.data)).toHaveLength(15);

    const sixteen = await send(post(client(t), { query: aliases(16) }, token));
    expect(sixteen.status).toBe(400);
    expect(codesOf(sixteen)).toEqual([ErrorCode.TOO_MANY_ALIASES]);
    expect(sixteen.body.data).toBeUndefined();
  });

  it('counts aliases hidden in fragments', async () => {
    const query = `{ ...Many } fragment Many on Query ${aliases(16)}`;
    const res = await send(post(client(t), { query }, token));
    expect(res.status).toBe(400);
    expect(codesOf(res)).toEqual([ErrorCode.TOO_MANY_ALIASES]);
  });

  it('accepts depth 10 and rejects depth 11', async () => {
    const ten = await send(post(client(t), { query: typeDepth(10) }));
    expect(ten.status).toBe(200);
    expect(errorsOf(ten)).toEqual([]);
    expect(ten.body.data.__type.fields.length).toBeGreaterThan(0);

    const eleven = await send(post(client(t), { query: typeDepth(11) }));
    expect(eleven.status).toBe(400);
    expect(codesOf(eleven)).toEqual([ErrorCode.QUERY_TOO_DEEP]);
  });

  it('accepts 20 directives and rejects the 21st', async () => {
    const twenty = await send(post(client(t), { query: directives(20) }));
    expect(twenty.status).toBe(200);
    expect(twenty.body.data).toEqual({ __typename: 'Query' });

    const res = await send(post(client(t), { query: directives(21) }));
    expect(res.status).toBe(400);
    expect(codesOf(res)).toEqual([ErrorCode.TOO_MANY_DIRECTIVES]);
  });

  it('answers a batch of 10 operations with 10 results in order and rejects a batch of 11', async () => {
    const batch = (n: number) => Array.from({ length: n }, (_, i) => ({ query: `{ n${i}: __typename }` }));
    const ten = await send(post(client(t), batch(10)));
    expect(ten.status).toBe(200);
    expect(ten.body).toEqual(Array.from({ length: 10 }, (_, i) => ({ data: { [`n${i}`]: 'Query' } })));

    const eleven = await send(post(client(t), batch(11)));
    expect(eleven.status).toBe(400);
    expect(codesOf(eleven)).toEqual([ErrorCode.BATCH_TOO_LARGE]);
  });

  it('answers each operation of a batch on its own: a broken one does not fail the others', async () => {
    const res = await send(post(client(t), [{ query: '{ __typename' }, { query: '{ __typename }' }, { query: `{ ${'__typename '.repeat(1999)} }` }]));
    expect(res.status).toBe(200);
    const [broken, fine, tooLong] = res.body as Array<{ data?: unknown; errors?: ErrorBody[] }>;
    expect(broken?.errors?.map((e) => e.extensions?.code)).toEqual([ErrorCode.GRAPHQL_PARSE_FAILED]);
    expect(fine).toEqual({ data: { __typename: 'Query' } });
    expect(tooLong?.errors?.map((e) => e.extensions?.code)).toEqual([ErrorCode.TOO_MANY_TOKENS]);
  });

  it('names the token limit in the message, not the parser internals', async () => {
    const res = await send(post(client(t), { query: `{ ${'__typename '.repeat(1999)} }` }));
    expect(errorsOf(res)).toEqual([expect.objectContaining({ message: 'Token limit of 2000 exceeded.', extensions: { code: ErrorCode.TOO_MANY_TOKENS } })]);
  });

  it('does not take a limit code from words a client put into the query', async () => {
    const literal = await send(post(client(t), { query: '{ organisations(first: "Aliases limit of 15 exceeded") { totalCount } }' }));
    expect(codesOf(literal)).toEqual([ErrorCode.GRAPHQL_VALIDATION_FAILED]);

    const syntax = await send(post(client(t), { query: '{ me "Token limit of 2000 exceeded." }' }));
    expect(codesOf(syntax)).toEqual([ErrorCode.GRAPHQL_PARSE_FAILED]);
  });

  it('refuses a mutation over GET without writing, although the same mutation over POST writes', async () => {
    const admin = await t.tokenFor(await makeUser(t.dataSource, { roles: [Role.ADMIN] }));
    const input = (slug: string) => ({ name: `Amt ${slug}`, slug, level: 'BUND' });

    const overGet = await send(
      client(t)
        .get('/graphql')
        .set('apollo-require-preflight', 'true')
        .set('authorization', `Bearer ${admin}`)
        .query({ query: createOrganisation, variables: JSON.stringify({ input: input('angelegt-ueber-get') }) }),
    );
    expect(overGet.status).toBe(405);
    expect(codesOf(overGet)).toEqual([ErrorCode.BAD_REQUEST]);
    expect(overGet.body.data).toBeUndefined();

    const overPost = await send(post(client(t), { query: createOrganisation, variables: { input: input('angelegt-ueber-post') } }, admin));
    expect(overPost.body).toEqual({ data: { createOrganisation: { organisation: { slug: 'angelegt-ueber-post' } } } });

    const rows: Array<{ slug: string }> = await t.dataSource.query(`SELECT slug FROM organisation WHERE slug LIKE 'angelegt-ueber-%' ORDER BY slug`);
    expect(rows).toEqual([{ slug: 'angelegt-ueber-post' }]);
  });

  it('answers a GET query that carries a preflight header', async () => {
    const res = await send(client(t).get('/graphql').set('apollo-require-preflight', 'true').query({ query: '{ __typename }' }));
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ data: { __typename: 'Query' } });
  });

  it.each([
    ['a GET with a simple content type', (s: Client) => s.get('/graphql').set('content-type', 'text/plain').query({ query: '{ __typename }' })],
    ['a POST as text/plain', (s: Client) => s.post('/graphql').set('content-type', 'text/plain').send('{"query":"{ __typename }"}')],
    ['a POST as a form', (s: Client) => s.post('/graphql').type('form').send({ query: '{ __typename }' })],
    ['a POST as multipart', (s: Client) => s.post('/graphql').field('query', '{ __typename }')],
  ])('blocks %s without a preflight header as CSRF', async (_name, build) => {
    const res = await send(build(client(t)));
    expect(res.status).toBe(400);
    expect(errorsOf(res)).toEqual([expect.objectContaining({ extensions: { code: ErrorCode.BAD_REQUEST } })]);
    expect(errorsOf(res)[0]?.message).toContain('Cross-Site Request Forgery');
  });

  it('refuses a POST as text/plain even with a preflight header', async () => {
    const res = await send(
      client(t).post('/graphql').set('content-type', 'text/plain').set('apollo-require-preflight', 'true').send('{"query":"{ __typename }"}'),
    );
    expect(res.status).toBe(400);
    expect(codesOf(res)).toEqual([ErrorCode.BAD_REQUEST]);
    expect(res.body.data).toBeUndefined();
  });
});

// The deepest real path today is users > edges > node > organisation > name (5): depth 10 is only reachable
// through introspection (above). Here the boundary is tested on real fields with the limit lowered to 3.
describe('depth limit on real fields (GRAPHQL_MAX_DEPTH=3)', () => {
  let t: TestApp;
  let token: string;
  let userId: string;

  beforeAll(async () => {
    t = await createTestApp({ GRAPHQL_MAX_DEPTH: '3' });
    token = await t.tokenFor(await makeUser(t.dataSource));
    userId = (await t.gql<{ me: { id: string } }>('{ me { id } }', {}, token)).data?.me.id ?? '';
  });

  afterAll(async () => {
    await t.close();
  });

  it.each([
    ['a plain selection', '{ me { organisation { name } } }'],
    ['a named fragment', '{ me { ...Org } } fragment Org on User { organisation { name } }'],
    ['an inline fragment on node', 'query($id: ID!) { node(id: $id) { ... on User { organisation { name } } } }'],
  ])('accepts depth 3 through %s', async (_name, query) => {
    const res = await send(post(client(t), { query, variables: { id: userId } }, token));
    expect(res.status).toBe(200);
    expect(errorsOf(res)).toEqual([]);
    expect(JSON.stringify(res.body.data)).toContain('"organisation":{"name":"Testbehörde');
  });

  it.each([
    ['a plain selection', '{ users(first: 1) { nodes { organisation { name } } } }'],
    ['a named fragment', '{ users(first: 1) { nodes { ...Org } } } fragment Org on User { organisation { name } }'],
  ])('rejects depth 4 through %s', async (_name, query) => {
    const res = await send(post(client(t), { query }, token));
    expect(res.status).toBe(400);
    expect(codesOf(res)).toEqual([ErrorCode.QUERY_TOO_DEEP]);
    expect(res.body.data).toBeUndefined();
  });
});

describe('cost limit (GRAPHQL_MAX_COST=20)', () => {
  let t: TestApp;
  let token: string;

  beforeAll(async () => {
    t = await createTestApp({ GRAPHQL_MAX_COST: '20' });
    token = await t.tokenFor(await makeUser(t.dataSource));
  });

  afterAll(async () => {
    await t.close();
  });

  it('accepts a query of cost 10.25', async () => {
    const res = await send(post(client(t), { query: '{ me { id email organisation { name } } }' }, token));
    expect(res.status).toBe(200);
    expect(errorsOf(res)).toEqual([]);
  });

  it('rejects a page of 10 (cost 72.5) before any resolver runs', async () => {
    const res = await send(post(client(t), { query: '{ organisations(first: 10) { nodes { id } } }' }, token));
    expect(res.status).toBe(400);
    expect(errorsOf(res)).toEqual([expect.objectContaining({ message: 'Query Cost limit of 20 exceeded, found 72.5.', extensions: { code: ErrorCode.QUERY_TOO_COSTLY } })]);
    expect(res.body.data).toBeUndefined();
  });
});

describe('token limit boundary (GRAPHQL_MAX_TOKENS=10)', () => {
  let t: TestApp;
  let token: string;

  beforeAll(async () => {
    t = await createTestApp({ GRAPHQL_MAX_TOKENS: '10' });
    token = await t.tokenFor(await makeUser(t.dataSource));
  });

  afterAll(async () => {
    await t.close();
  });

  it('accepts 10 tokens and rejects 11', async () => {
    const ten = await send(post(client(t), { query: '{ me { id organisation { id } } }' }, token));
    expect(ten.status).toBe(200);
    expect(errorsOf(ten)).toEqual([]);

    const eleven = await send(post(client(t), { query: '{ me { id email organisation { id } } }' }, token));
    expect(eleven.status).toBe(400);
    expect(codesOf(eleven)).toEqual([ErrorCode.TOO_MANY_TOKENS]);
  });
});

describe('alias limit without the token limit in front (GRAPHQL_MAX_TOKENS=100000)', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp({ GRAPHQL_MAX_TOKENS: '100000' });
  });

  afterAll(async () => {
    await t.close();
  });

  it('rejects 1,000 aliases with TOO_MANY_ALIASES', async () => {
    const res = await send(post(client(t), { query: aliases(1000) }));
    expect(res.status).toBe(400);
    expect(codesOf(res)).toEqual([ErrorCode.TOO_MANY_ALIASES]);
    expect(errorsOf(res)[0]?.message).toBe('Aliases limit of 15 exceeded, found 1000.');
  });
});

describe('development mode', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp({ NODE_ENV: 'development' });
  });

  afterAll(async () => {
    await t.close();
  });

  rejectsEveryBadInput(() => t);

  it.each(typos)('suggests names for a misspelt $name', async ({ body }) => {
    const res = await send(post(client(t), body));
    expect(res.status).toBe(400);
    expect(errorsOf(res).some((error) => error.message.includes('Did you mean'))).toBe(true);
  });
});

describe('production mode', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp(productionEnv);
  });

  afterAll(async () => {
    await t.close();
  });

  rejectsEveryBadInput(() => t);

  it.each([
    ['__schema', '{ __schema { types { name } } }'],
    ['__type', '{ __type(name: "User") { fields { name } } }'],
  ])('refuses introspection through %s', async (_name, query) => {
    const res = await send(post(client(t), { query }));
    expect(res.status).toBe(400);
    expect(codesOf(res)).toEqual([ErrorCode.GRAPHQL_VALIDATION_FAILED]);
    expect(res.body.data).toBeUndefined();
  });

  it.each(typos)('suggests no names for a misspelt $name', async ({ body }) => {
    const res = await send(post(client(t), body));
    expect(res.status).toBe(400);
    expect(errorsOf(res).length).toBeGreaterThan(0);
    for (const error of errorsOf(res)) expect(error.message).not.toMatch(/Did you mean|Suggestion/);
  });

  it('still says what was wrong once the suggestion is gone', async () => {
    const res = await send(post(client(t), { query: '{ mee { id } }' }));
    expect(errorsOf(res).map((error) => error.message)).toEqual(['Cannot query field "mee" on type "Query".']);
  });
});

import { randomBytes, randomUUID } from 'node:crypto';
import request from 'supertest';
import { encodeCursor, Role, toGlobalId } from '@app/common';
import { Bundesland, GovernmentLevel } from '@app/data';
import { createTestApp, makeOrganisation, makeUser, type GraphQLResponse, type MadeUser, type TestApp } from '@app/testing';

const CREATE = `mutation ($input: CreateOrganisationInput!) {
  createOrganisation(input: $input) { organisation { id name slug level state } }
}`;
const NODE = 'query ($id: ID!) { node(id: $id) { id ... on User { email organisation { slug } } } }';
const USERS = 'query ($first: Int, $after: String) { users(first: $first, after: $after) { totalCount nodes { id email } pageInfo { hasNextPage endCursor } } }';
const AUDIT = `query ($first: Int, $after: String, $entityType: String) {
  auditLog(first: $first, after: $after, entityType: $entityType) {
    nodes { id action actorId entityType entityId requestId after }
    pageInfo { hasNextPage endCursor }
  }
}`;
const ORGANISATIONS = `query ($first: Int, $after: String, $last: Int, $before: String) {
  organisations(first: $first, after: $after, last: $last, before: $before) {
    totalCount
    edges { cursor node { id name } }
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
  }
}`;

interface OrganisationPage {
  organisations: {
    totalCount: number;
    edges: Array<{ cursor: string; node: { id: string; name: string } }>;
    pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean; startCursor: string | null; endCursor: string | null };
  };
}

interface AuditPage {
  auditLog: {
    nodes: Array<{ id: string; action: string; actorId: string | null; entityType: string; entityId: string; requestId: string | null; after: Record<string, unknown> | null }>;
    pageInfo: { hasNextPage: boolean; endCursor: string | null };
  };
}

function codes(res: GraphQLResponse): string[] {
  return (res.errors ?? []).map((error) => error.extensions.code);
}

function fieldsOf(res: GraphQLResponse): string[] {
  const fields = res.errors?.[0]?.extensions.fields as Array<{ field: string }> | undefined;
  return (fields ?? []).map((problem) => problem.field).sort();
}

function slug(prefix = 'org'): string {
  return `${prefix}-${randomBytes(4).toString('hex')}`;
}

describe('scoping: users and nodes by organisation', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp();
  });

  afterAll(async () => {
    await t.close();
  });

  it("lists only the caller's organisation's users", async () => {
    const own = await makeOrganisation(t.dataSource);
    const other = await makeOrganisation(t.dataSource);
    const caller = await makeUser(t.dataSource, { organisation: own });
    const colleague = await makeUser(t.dataSource, { organisation: own, roles: [Role.PUBLISHER] });
    await makeUser(t.dataSource, { organisation: other, roles: [Role.ADMIN] });

    const res = await t.gql<{ users: { totalCount: number; nodes: Array<{ id: string; email: string }> } }>(USERS, { first: 100 }, await t.tokenFor(caller));
    expect(res.errors).toBeUndefined();
    expect(res.data?.users.totalCount).toBe(2);
    expect(res.data?.users.nodes.map((u) => u.email).sort()).toEqual([caller.email, colleague.email].sort());
  });

  it('pages through the own organisation without ever reaching another one', async () => {
    const own = await makeOrganisation(t.dataSource);
    const other = await makeOrganisation(t.dataSource);
    const members: MadeUser[] = [];
    for (let i = 0; i < 5; i++) members.push(await makeUser(t.dataSource, { organisation: own, displayName: `Mitglied ${i}` }));
    for (let i = 0; i < 3; i++) await makeUser(t.dataSource, { organisation: other, displayName: `Mitglied ${i}` });
    const token = await t.tokenFor(members[0] as MadeUser);

    const seen: string[] = [];
    let after: string | null = null;
    for (;;) {
      const res: GraphQLResponse<{ users: { nodes: Array<{ email: string }>; pageInfo: { hasNextPage: boolean; endCursor: string | null } } }> = await t.gql(
        USERS,
        { first: 2, after },
        token,
      );
      expect(res.errors).toBeUndefined();
      const page = res.data?.users;
      if (!page) throw new Error('no page');
      seen.push(...page.nodes.map((u) => u.email));
      if (!page.pageInfo.hasNextPage) break;
      after = page.pageInfo.endCursor;
    }
    expect(seen.sort()).toEqual(members.map((m) => m.email).sort());
  });

  it('lists every organisation’s users to an admin', async () => {
    const admin = await makeUser(t.dataSource, { roles: [Role.ADMIN] });
    const elsewhere = await makeUser(t.dataSource);
    const res = await t.gql<{ users: { totalCount: number; nodes: Array<{ email: string }> } }>(USERS, { first: 100 }, await t.tokenFor(admin));
    expect(res.errors).toBeUndefined();
    const rows: Array<{ count: number }> = await t.dataSource.query('SELECT count(*)::int AS count FROM app_user');
    expect(res.data?.users.totalCount).toBe(rows[0]?.count);
    expect(res.data?.users.nodes.map((u) => u.email)).toEqual(expect.arrayContaining([admin.email, elsewhere.email]));
  });

  it('finds a user of the own organisation by node id', async () => {
    const own = await makeOrganisation(t.dataSource);
    const caller = await makeUser(t.dataSource, { organisation: own });
    const colleague = await makeUser(t.dataSource, { organisation: own });
    const id = toGlobalId('User', colleague.id);
    const res = await t.gql(NODE, { id }, await t.tokenFor(caller));
    expect(res.errors).toBeUndefined();
    expect(res.data).toEqual({ node: { id, email: colleague.email, organisation: { slug: own.slug } } });
  });

  it("answers a user of another organisation exactly like an id that does not exist", async () => {
    const caller = await makeUser(t.dataSource, { roles: [Role.PUBLISHER, Role.REVIEWER] });
    const stranger = await makeUser(t.dataSource);
    const token = await t.tokenFor(caller);

    const hidden = await t.gql(NODE, { id: toGlobalId('User', stranger.id) }, token);
    const missing = await t.gql(NODE, { id: toGlobalId('User', randomUUID()) }, token);
    expect(codes(hidden)).toEqual(['NOT_FOUND']);
    expect(codes(missing)).toEqual(['NOT_FOUND']);
    expect(hidden.data).toEqual(missing.data);
    expect(Object.keys(hidden.errors?.[0]?.extensions ?? {}).sort()).toEqual(Object.keys(missing.errors?.[0]?.extensions ?? {}).sort());
    expect(JSON.stringify(hidden.body)).not.toContain(stranger.email);
  });

  it('lets an admin fetch a user of any organisation by node id', async () => {
    const admin = await makeUser(t.dataSource, { roles: [Role.ADMIN] });
    const stranger = await makeUser(t.dataSource);
    const res = await t.gql(NODE, { id: toGlobalId('User', stranger.id) }, await t.tokenFor(admin));
    expect(res.errors).toBeUndefined();
    expect(res.data).toMatchObject({ node: { email: stranger.email } });
  });

  it('refuses a malformed node id as bad input', async () => {
    const caller = await makeUser(t.dataSource);
    const res = await t.gql(NODE, { id: 'not-an-id' }, await t.tokenFor(caller));
    expect(codes(res)).toEqual(['BAD_USER_INPUT']);
  });
});

describe('scoping: createOrganisation and the audit log', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp();
  });

  afterAll(async () => {
    await t.close();
  });

  async function countOrganisations(where = 'true', params: unknown[] = []): Promise<number> {
    const rows: Array<{ count: number }> = await t.dataSource.query(`SELECT count(*)::int AS count FROM organisation WHERE ${where}`, params);
    return rows[0]?.count ?? -1;
  }

  async function countAudit(): Promise<number> {
    const rows: Array<{ count: number }> = await t.dataSource.query('SELECT count(*)::int AS count FROM audit_log');
    return rows[0]?.count ?? -1;
  }

  it('refuses anonymous callers', async () => {
    const input = { name: 'Anonyme Behörde', slug: slug(), level: 'BUND' };
    const res = await t.gql(CREATE, { input });
    expect(codes(res)).toEqual(['UNAUTHENTICATED']);
    expect(await countOrganisations('slug = $1', [input.slug])).toBe(0);
  });

  it.each([[[]], [[Role.PUBLISHER]], [[Role.REVIEWER]], [[Role.PUBLISHER, Role.REVIEWER]]])(
    'refuses a caller with roles %j and writes nothing',
    async (roles) => {
      const caller = await makeUser(t.dataSource, { roles });
      const organisationsBefore = await countOrganisations();
      const auditBefore = await countAudit();
      const res = await t.gql(CREATE, { input: { name: 'Unerlaubte Behörde', slug: slug(), level: 'BUND' } }, await t.tokenFor(caller));
      expect(codes(res)).toEqual(['FORBIDDEN']);
      expect(res.data).toBeNull();
      expect(await countOrganisations()).toBe(organisationsBefore);
      expect(await countAudit()).toBe(auditBefore);
    },
  );

  it('creates an organisation for an admin and records who did it, in which request', async () => {
    const admin = await makeUser(t.dataSource, { roles: [Role.ADMIN] });
    const token = await t.tokenFor(admin);
    const input = { name: '  Landesamt für Digitales  ', slug: slug('landesamt'), level: 'LAND', state: 'SN' };
    const requestId = `req-${randomBytes(6).toString('hex')}`;

    const res = await request(t.app.getHttpServer())
      .post('/graphql')
      .set('content-type', 'application/json')
      .set('authorization', `Bearer ${token}`)
      .set('x-request-id', requestId)
      .send({ query: CREATE, variables: { input } });
    expect(res.body.errors).toBeUndefined();
    const created = res.body.data.createOrganisation.organisation as { id: string; name: string; slug: string; level: string; state: string };
    expect(created).toMatchObject({ name: 'Landesamt für Digitales', slug: input.slug, level: 'LAND', state: 'SN' });
    expect(await countOrganisations('slug = $1', [input.slug])).toBe(1);

    const audit = await t.gql<AuditPage>(AUDIT, { first: 10 }, token);
    expect(audit.errors).toBeUndefined();
    const entry = audit.data?.auditLog.nodes[0];
    expect(entry).toMatchObject({
      action: 'organisation.created',
      actorId: toGlobalId('User', admin.id),
      entityType: 'Organisation',
      requestId,
      after: { name: 'Landesamt für Digitales', slug: input.slug, level: 'LAND', state: 'SN' },
    });
    expect(toGlobalId('Organisation', entry?.entityId ?? '')).toBe(created.id);

    const byType = async (entityType: string) =>
      (await t.gql<AuditPage>(AUDIT, { first: 100, entityType }, token)).data?.auditLog.nodes.map((n) => n.entityId);
    expect(await byType('Organisation')).toContain(entry?.entityId);
    expect(await byType('User')).toEqual([]);
  });

  it('shows the audit log to admins only', async () => {
    for (const roles of [[], [Role.PUBLISHER], [Role.REVIEWER], [Role.PUBLISHER, Role.REVIEWER]]) {
      const caller = await makeUser(t.dataSource, { roles });
      const res = await t.gql(AUDIT, { first: 10 }, await t.tokenFor(caller));
      expect(codes(res)).toEqual(['FORBIDDEN']);
      expect(res.data).toBeNull();
    }
    expect(codes(await t.gql(AUDIT, { first: 10 }))).toEqual(['UNAUTHENTICATED']);
  });

  it('pages through the audit log newest first', async () => {
    const admin = await makeUser(t.dataSource, { roles: [Role.ADMIN] });
    const token = await t.tokenFor(admin);
    for (let i = 0; i < 3; i++) {
      const res = await t.gql(CREATE, { input: { name: `Bundesamt ${i}`, slug: slug('bundesamt'), level: 'BUND' } }, token);
      expect(res.errors).toBeUndefined();
    }
    const ids: number[] = [];
    let after: string | null = null;
    for (;;) {
      const res: GraphQLResponse<AuditPage> = await t.gql(AUDIT, { first: 2, after }, token);
      expect(res.errors).toBeUndefined();
      const page = res.data?.auditLog;
      if (!page) throw new Error('no page');
      ids.push(...page.nodes.map((n) => Number(n.id)));
      if (!page.pageInfo.hasNextPage) break;
      after = page.pageInfo.endCursor;
    }
    expect(ids.length).toBe(await countAudit());
    expect(ids).toEqual([...ids].sort((a, b) => b - a));
  });

  it('refuses a slug that is taken with CONFLICT', async () => {
    const admin = await makeUser(t.dataSource, { roles: [Role.ADMIN] });
    const existing = await makeOrganisation(t.dataSource);
    const auditBefore = await countAudit();
    const res = await t.gql(CREATE, { input: { name: 'Doppelgänger', slug: existing.slug, level: 'BUND' } }, await t.tokenFor(admin));
    expect(codes(res)).toEqual(['CONFLICT']);
    expect(await countOrganisations('slug = $1', [existing.slug])).toBe(1);
    expect(await countAudit()).toBe(auditBefore);
  });

  it.each([
    ['a slug with capitals', { name: 'Stadt Leipzig', slug: 'Stadt-Leipzig', level: 'KOMMUNE', state: 'SN' }, ['input.slug']],
    ['a slug with a double hyphen', { name: 'Stadt Leipzig', slug: 'stadt--leipzig', level: 'KOMMUNE', state: 'SN' }, ['input.slug']],
    ['a name of one character', { name: 'X', slug: 'x-amt', level: 'BUND' }, ['input.name']],
    ['a name of blanks around one character', { name: '  X  ', slug: 'x-amt', level: 'BUND' }, ['input.name']],
    ['a name of 300 code points that looks like 150 characters', { name: 'a\uFE0E'.repeat(150), slug: 'variationen-amt', level: 'BUND' }, ['input.name']],
    ['a name and a slug both wrong', { name: 'X', slug: 'X', level: 'BUND' }, ['input.name', 'input.slug', 'input.slug']],
    ['no state for a LAND', { name: 'Landesamt ohne Land', slug: 'landesamt-ohne-land', level: 'LAND' }, ['input.state']],
    ['no state for a KOMMUNE', { name: 'Gemeinde ohne Land', slug: 'gemeinde-ohne-land', level: 'KOMMUNE', state: null }, ['input.state']],
    ['a state for the BUND', { name: 'Bundesamt in Bayern', slug: 'bundesamt-in-bayern', level: 'BUND', state: 'BY' }, ['input.state']],
    ['a name holding the NUL character', { name: 'Amt\u0000Nord', slug: 'amt-nord', level: 'BUND' }, ['input.name']],
  ])('refuses %s as BAD_USER_INPUT naming the field and writes nothing', async (_, input, fields) => {
    const admin = await makeUser(t.dataSource, { roles: [Role.ADMIN] });
    const organisationsBefore = await countOrganisations();
    const auditBefore = await countAudit();
    const res = await t.gql(CREATE, { input }, await t.tokenFor(admin));
    expect(codes(res)).toEqual(['BAD_USER_INPUT']);
    expect(fieldsOf(res)).toEqual(fields);
    expect(await countOrganisations()).toBe(organisationsBefore);
    expect(await countAudit()).toBe(auditBefore);
  });

  it('accepts OTHER with or without a state', async () => {
    const admin = await makeUser(t.dataSource, { roles: [Role.ADMIN] });
    const token = await t.tokenFor(admin);
    const without = await t.gql(CREATE, { input: { name: 'Dataport', slug: slug('dataport'), level: 'OTHER' } }, token);
    const withState = await t.gql(CREATE, { input: { name: 'Landesbetrieb IT', slug: slug('it'), level: 'OTHER', state: Bundesland.NW } }, token);
    expect(without.errors).toBeUndefined();
    expect(withState.errors).toBeUndefined();
  });

  it('creates exactly one organisation when five admins race for the same slug', async () => {
    const admin = await makeUser(t.dataSource, { roles: [Role.ADMIN] });
    const token = await t.tokenFor(admin);
    const contested = slug('umkaempft');
    const auditBefore = await countAudit();
    const results = await Promise.all(
      Array.from({ length: 5 }, (_, i) => t.gql(CREATE, { input: { name: `Bewerberin ${i}`, slug: contested, level: 'BUND' } }, token)),
    );
    expect(results.filter((res) => res.errors === undefined)).toHaveLength(1);
    expect(results.flatMap(codes).sort()).toEqual(['CONFLICT', 'CONFLICT', 'CONFLICT', 'CONFLICT']);
    expect(await countOrganisations('slug = $1', [contested])).toBe(1);
    expect(await countAudit()).toBe(auditBefore + 1);
  });

  it('keeps the audit log append-only, even for direct SQL', async () => {
    const admin = await makeUser(t.dataSource, { roles: [Role.ADMIN] });
    const res = await t.gql(CREATE, { input: { name: 'Revisionssicher', slug: slug('revision'), level: 'BUND' } }, await t.tokenFor(admin));
    expect(res.errors).toBeUndefined();
    const before: unknown[] = await t.dataSource.query('SELECT * FROM audit_log ORDER BY id');
    expect(before.length).toBeGreaterThan(0);

    await expect(t.dataSource.query(`UPDATE audit_log SET action = 'organisation.deleted'`)).rejects.toThrow(/append-only/);
    await expect(t.dataSource.query('DELETE FROM audit_log')).rejects.toThrow(/append-only/);
    await expect(t.dataSource.query('TRUNCATE audit_log')).rejects.toThrow(/append-only/);
    expect(await t.dataSource.query('SELECT * FROM audit_log ORDER BY id')).toEqual(before);
  });
});

describe('scoping: organisations connection', () => {
  let t: TestApp;
  let token: string;

  beforeAll(async () => {
    t = await createTestApp();
    token = await t.tokenFor(await makeUser(t.dataSource));
  });

  afterAll(async () => {
    await t.close();
  });

  async function expectedOrder(): Promise<string[]> {
    const rows: Array<{ id: string }> = await t.dataSource.query('SELECT id FROM organisation ORDER BY name, id');
    return rows.map((row) => toGlobalId('Organisation', row.id));
  }

  it.each([
    ['neither first nor last', {}],
    ['first: 0', { first: 0 }],
    ['first: 101', { first: 101 }],
    ['first: -1', { first: -1 }],
    ['last: 0', { last: 0 }],
    ['last: 101', { last: 101 }],
    ['first and last together', { first: 1, last: 1 }],
  ])('refuses %s as BAD_USER_INPUT', async (_, args) => {
    const res = await t.gql(ORGANISATIONS, args, token);
    expect(codes(res)).toEqual(['BAD_USER_INPUT']);
    expect(res.status).toBeLessThan(500);
  });

  it('accepts the page sizes at the bounds', async () => {
    expect((await t.gql(ORGANISATIONS, { first: 1 }, token)).errors).toBeUndefined();
    expect((await t.gql(ORGANISATIONS, { first: 100 }, token)).errors).toBeUndefined();
    expect((await t.gql(ORGANISATIONS, { last: 100 }, token)).errors).toBeUndefined();
  });

  it.each([
    ['not base64 JSON', 'bm9wZQ'],
    ['random bytes', randomBytes(24).toString('base64url')],
    ['a JSON cursor without an id', Buffer.from(JSON.stringify({ v: 'A' })).toString('base64url')],
    ['a cursor whose id is no uuid', encodeCursor('Amt', 'abc')],
    ['a cursor whose id is a number', encodeCursor('Amt', '12345')],
  ])('refuses a forged cursor (%s) as BAD_USER_INPUT', async (_, cursor) => {
    await makeOrganisation(t.dataSource);
    const forward = await t.gql(ORGANISATIONS, { first: 2, after: cursor }, token);
    const backward = await t.gql(ORGANISATIONS, { last: 2, before: cursor }, token);
    expect(codes(forward)).toEqual(['BAD_USER_INPUT']);
    expect(fieldsOf(forward)).toEqual(['after']);
    expect(codes(backward)).toEqual(['BAD_USER_INPUT']);
    expect(fieldsOf(backward)).toEqual(['before']);
  });

  it('refuses forged cursors on the users connection and the audit log', async () => {
    const admin = await makeUser(t.dataSource, { roles: [Role.ADMIN] });
    const adminToken = await t.tokenFor(admin);
    for (const cursor of [encodeCursor('Nutzerin', 'abc'), encodeCursor(5, randomUUID())]) {
      const res = await t.gql(USERS, { first: 2, after: cursor }, adminToken);
      expect(codes(res)).toEqual(['BAD_USER_INPUT']);
    }
    for (const cursor of [encodeCursor('abc', 'abc'), encodeCursor('1', randomUUID()), encodeCursor('99999999999999999999', '1')]) {
      const res = await t.gql(AUDIT, { first: 2, after: cursor }, adminToken);
      expect(codes(res)).toEqual(['BAD_USER_INPUT']);
      expect(fieldsOf(res)).toEqual(['after']);
    }
  });

  it('refuses a cursor in the wrong direction', async () => {
    const first = await t.gql<OrganisationPage>(ORGANISATIONS, { first: 1 }, token);
    const cursor = first.data?.organisations.pageInfo.endCursor;
    expect(codes(await t.gql(ORGANISATIONS, { first: 1, before: cursor }, token))).toEqual(['BAD_USER_INPUT']);
    expect(codes(await t.gql(ORGANISATIONS, { last: 1, after: cursor }, token))).toEqual(['BAD_USER_INPUT']);
  });

  it('pages forward two at a time through every organisation exactly once, in name order', async () => {
    await makeOrganisation(t.dataSource, { name: 'Zweckverband Wasser' });
    await makeOrganisation(t.dataSource, { name: 'Amt für Statistik', level: GovernmentLevel.BUND });
    // Equal names: the id breaks the tie, so none is skipped or repeated at a page boundary.
    for (let i = 0; i < 3; i++) await makeOrganisation(t.dataSource, { name: 'Gleichnamiges Amt' });
    await makeOrganisation(t.dataSource, { name: 'Ämter-Verbund', level: GovernmentLevel.KOMMUNE, state: Bundesland.BY });
    const expected = await expectedOrder();

    const seen: string[] = [];
    let after: string | null = null;
    let pages = 0;
    for (;;) {
      const res: GraphQLResponse<OrganisationPage> = await t.gql(ORGANISATIONS, { first: 2, after }, token);
      expect(res.errors).toBeUndefined();
      const page = res.data?.organisations;
      if (!page) throw new Error('no page');
      expect(page.totalCount).toBe(expected.length);
      expect(page.edges.length).toBeLessThanOrEqual(2);
      expect(page.pageInfo.hasPreviousPage).toBe(after !== null);
      expect(page.pageInfo.startCursor).toBe(page.edges[0]?.cursor ?? null);
      seen.push(...page.edges.map((edge) => edge.node.id));
      pages++;
      if (!page.pageInfo.hasNextPage) break;
      after = page.pageInfo.endCursor;
    }
    expect(seen).toEqual(expected);
    expect(pages).toBe(Math.ceil(expected.length / 2));
  });

  it('pages backward with last/before through the same order', async () => {
    for (let i = 0; i < 3; i++) await makeOrganisation(t.dataSource, { name: 'Rückwärts-Amt' });
    await makeOrganisation(t.dataSource, { name: 'Behörde B' });
    const expected = await expectedOrder();

    const pages: string[][] = [];
    let before: string | null = null;
    for (;;) {
      const res: GraphQLResponse<OrganisationPage> = await t.gql(ORGANISATIONS, { last: 2, before }, token);
      expect(res.errors).toBeUndefined();
      const page = res.data?.organisations;
      if (!page) throw new Error('no page');
      expect(page.pageInfo.hasNextPage).toBe(before !== null);
      pages.push(page.edges.map((edge) => edge.node.id));
      if (!page.pageInfo.hasPreviousPage) break;
      before = page.pageInfo.startCursor;
    }
    expect(pages.reverse().flat()).toEqual(expected);
  });

  it('continues from a cursor after the row it points at was joined by new rows', async () => {
    const first = await t.gql<OrganisationPage>(ORGANISATIONS, { first: 1 }, token);
    const cursor = first.data?.organisations.pageInfo.endCursor;
    await makeOrganisation(t.dataSource, { name: '0 Ganz vorn' });
    const next = await t.gql<OrganisationPage>(ORGANISATIONS, { first: 100, after: cursor }, token);
    const expected = await expectedOrder();
    const firstId = first.data?.organisations.edges[0]?.node.id ?? '';
    expect(next.data?.organisations.edges.map((edge) => edge.node.id)).toEqual(expected.slice(expected.indexOf(firstId) + 1));
  });
});

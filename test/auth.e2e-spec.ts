import { randomBytes, randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK, type JWTPayload } from 'jose';
import request from 'supertest';
import { LOCAL_AUDIENCE, LOCAL_ISSUER, Role, signLocalToken, toGlobalId, type LocalTokenClaims } from '@app/common';
import { createTestApp, makeOrganisation, makeUser, TEST_LOCAL_SECRET, type GraphQLResponse, type TestApp } from '@app/testing';

const ME = '{ me { email displayName roles organisation { slug } } }';
const localSecret = new TextEncoder().encode(TEST_LOCAL_SECRET);
const nowSeconds = () => Math.floor(Date.now() / 1000);

function codes(res: GraphQLResponse): string[] {
  return (res.errors ?? []).map((error) => error.extensions.code);
}

/** POSTs `me` with a raw Authorization header, for headers that t.gql cannot send. */
async function meWithHeader(t: TestApp, authorization: string): Promise<GraphQLResponse> {
  const res = await request(t.app.getHttpServer())
    .post('/graphql')
    .set('content-type', 'application/json')
    .set('authorization', authorization)
    .send({ query: ME });
  return { status: res.status, data: res.body?.data, errors: res.body?.errors, body: res.body };
}

async function countUsers(t: TestApp, subject: string): Promise<number> {
  const rows: Array<{ count: number }> = await t.dataSource.query('SELECT count(*)::int AS count FROM app_user WHERE subject = $1', [subject]);
  return rows[0]?.count ?? -1;
}

function newClaims(organisation: string, roles: string[] = []): LocalTokenClaims {
  const id = randomBytes(4).toString('hex');
  return { subject: `new:${id}`, email: `neu-${id}@${organisation}.example`, name: `Neue Nutzerin ${id}`, organisation, roles };
}

describe('auth: local tokens', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp();
  });

  afterAll(async () => {
    await t.close();
  });

  it('answers me with the signed-in user for a valid local token', async () => {
    const user = await makeUser(t.dataSource, { roles: [Role.REVIEWER] });
    const res = await t.gql(ME, {}, await t.tokenFor(user));
    expect(res.errors).toBeUndefined();
    expect(res.data).toEqual({
      me: { email: user.email, displayName: user.displayName, roles: ['AGENCY_USER', 'REVIEWER'], organisation: { slug: user.organisationSlug } },
    });
  });

  it('refuses me without a token', async () => {
    const res = await t.gql(ME);
    expect(codes(res)).toEqual(['UNAUTHENTICATED']);
    expect(res.data).toBeNull();
  });

  it.each(['Basic x', 'Bearer', 'Bearer ', 'Bearer a b', 'Token abc'])('refuses a malformed Authorization header %j', async (header) => {
    const res = await meWithHeader(t, header);
    expect(codes(res)).toEqual(['UNAUTHENTICATED']);
    expect(res.data).toBeNull();
  });

  it.each(['garbage', 'a.b.c', 'eyJhbGciOiJIUzI1NiJ9.e30.'])('refuses the garbage token %j', async (token) => {
    const res = await t.gql(ME, {}, token);
    expect(codes(res)).toEqual(['UNAUTHENTICATED']);
  });

  it('refuses a token signed with another secret', async () => {
    const user = await makeUser(t.dataSource);
    const otherSecret = new TextEncoder().encode('another-secret-that-is-long-enough-987654321');
    const token = await signLocalToken(otherSecret, { subject: user.subject, email: user.email, name: user.displayName, organisation: user.organisationSlug, roles: [] });
    const res = await t.gql(ME, {}, token);
    expect(codes(res)).toEqual(['UNAUTHENTICATED']);
    expect(res.errors?.[0]?.message).toMatch(/signature/);
  });

  it('refuses an unsigned token (alg none) that claims the local issuer', async () => {
    const user = await makeUser(t.dataSource, { roles: [Role.ADMIN] });
    const encode = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
    const payload = { sub: user.subject, iss: LOCAL_ISSUER, aud: LOCAL_AUDIENCE, organisation: user.organisationSlug, roles: ['ADMIN'], exp: nowSeconds() + 600 };
    const res = await t.gql(ME, {}, `${encode({ alg: 'none', typ: 'JWT' })}.${encode(payload)}.`);
    expect(codes(res)).toEqual(['UNAUTHENTICATED']);
  });

  it('refuses an expired token', async () => {
    const user = await makeUser(t.dataSource);
    const token = await new SignJWT({ organisation: user.organisationSlug, roles: [] })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject(user.subject)
      .setIssuer(LOCAL_ISSUER)
      .setAudience(LOCAL_AUDIENCE)
      .setIssuedAt(nowSeconds() - 7200)
      .setExpirationTime(nowSeconds() - 3600)
      .sign(localSecret);
    const res = await t.gql(ME, {}, token);
    expect(codes(res)).toEqual(['UNAUTHENTICATED']);
    expect(res.errors?.[0]?.message).toMatch(/expired/);
  });

  it('refuses a token once it expires, though it was accepted (and its actor kept) a moment before', async () => {
    const user = await makeUser(t.dataSource);
    const expiresAt = nowSeconds() + 2;
    const token = await new SignJWT({ organisation: user.organisationSlug, roles: [] })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject(user.subject)
      .setIssuer(LOCAL_ISSUER)
      .setAudience(LOCAL_AUDIENCE)
      .setIssuedAt()
      .setExpirationTime(expiresAt)
      .sign(localSecret);
    expect((await t.gql(ME, {}, token)).errors).toBeUndefined();
    expect((await t.gql(ME, {}, token)).errors).toBeUndefined();
    await new Promise((resolve) => setTimeout(resolve, expiresAt * 1000 - Date.now() + 100));
    const res = await t.gql(ME, {}, token);
    expect(codes(res)).toEqual(['UNAUTHENTICATED']);
    expect(res.errors?.[0]?.message).toMatch(/expired/);
  });

  it('refuses a token that is not valid yet', async () => {
    const user = await makeUser(t.dataSource);
    const token = await new SignJWT({ organisation: user.organisationSlug, roles: [] })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject(user.subject)
      .setIssuer(LOCAL_ISSUER)
      .setAudience(LOCAL_AUDIENCE)
      .setNotBefore(nowSeconds() + 3600)
      .setExpirationTime(nowSeconds() + 7200)
      .sign(localSecret);
    expect(codes(await t.gql(ME, {}, token))).toEqual(['UNAUTHENTICATED']);
  });

  it('refuses a token for another audience', async () => {
    const user = await makeUser(t.dataSource);
    const token = await signLocalToken(
      localSecret,
      { subject: user.subject, email: user.email, name: user.displayName, organisation: user.organisationSlug, roles: [] },
      { audience: 'another-app' },
    );
    const res = await t.gql(ME, {}, token);
    expect(codes(res)).toEqual(['UNAUTHENTICATED']);
    expect(res.errors?.[0]?.message).toMatch(/aud/);
  });

  it('refuses a token from an issuer it does not trust, even when signed with the local secret', async () => {
    const user = await makeUser(t.dataSource);
    const token = await signLocalToken(
      localSecret,
      { subject: user.subject, email: user.email, name: user.displayName, organisation: user.organisationSlug, roles: [] },
      { issuer: 'urn:somebody-else' },
    );
    const res = await t.gql(ME, {}, token);
    expect(codes(res)).toEqual(['UNAUTHENTICATED']);
    expect(res.errors?.[0]?.message).toMatch(/issuer/);
  });

  it('refuses a token without a subject', async () => {
    const org = await makeOrganisation(t.dataSource);
    const token = await new SignJWT({ organisation: org.slug, roles: [] })
      .setProtectedHeader({ alg: 'HS256' })
      .setIssuer(LOCAL_ISSUER)
      .setAudience(LOCAL_AUDIENCE)
      .setExpirationTime('1h')
      .sign(localSecret);
    expect(codes(await t.gql(ME, {}, token))).toEqual(['UNAUTHENTICATED']);
  });

  it('refuses an unknown role and provisions nothing', async () => {
    const org = await makeOrganisation(t.dataSource);
    const claims = newClaims(org.slug, [Role.PUBLISHER, 'SUPERUSER']);
    const res = await t.gql(ME, {}, await signLocalToken(localSecret, claims));
    expect(codes(res)).toEqual(['UNAUTHENTICATED']);
    expect(res.errors?.[0]?.message).toMatch(/SUPERUSER/);
    expect(await countUsers(t, claims.subject)).toBe(0);
  });

  it('refuses an unknown role for a known user and leaves the stored roles alone', async () => {
    const user = await makeUser(t.dataSource, { roles: [Role.PUBLISHER] });
    const res = await t.gql(ME, {}, await t.tokenFor(user, { roles: ['ADMIN', 'root'] }));
    expect(codes(res)).toEqual(['UNAUTHENTICATED']);
    const rows: Array<{ roles: string[] }> = await t.dataSource.query('SELECT roles FROM app_user WHERE id = $1', [user.id]);
    expect(rows).toEqual([{ roles: ['PUBLISHER'] }]);
  });

  it('refuses a roles claim that is not a list of names', async () => {
    const org = await makeOrganisation(t.dataSource);
    const subject = `new:${randomBytes(4).toString('hex')}`;
    const token = await new SignJWT({ organisation: org.slug, roles: 'ADMIN' })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject(subject)
      .setIssuer(LOCAL_ISSUER)
      .setAudience(LOCAL_AUDIENCE)
      .setExpirationTime('1h')
      .sign(localSecret);
    expect(codes(await t.gql(ME, {}, token))).toEqual(['UNAUTHENTICATED']);
    expect(await countUsers(t, subject)).toBe(0);
  });

  it('refuses a token naming an unknown organisation and provisions nothing', async () => {
    const claims = newClaims(`gibt-es-nicht-${randomBytes(4).toString('hex')}`);
    const res = await t.gql(ME, {}, await signLocalToken(localSecret, claims));
    expect(codes(res)).toEqual(['UNAUTHENTICATED']);
    expect(res.errors?.[0]?.message).toMatch(/organisation/);
    expect(await countUsers(t, claims.subject)).toBe(0);
  });

  it('refuses a new subject whose token names no organisation', async () => {
    const subject = `new:${randomBytes(4).toString('hex')}`;
    const token = await new SignJWT({ email: `${subject}@x.example`, roles: [] })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject(subject)
      .setIssuer(LOCAL_ISSUER)
      .setAudience(LOCAL_AUDIENCE)
      .setExpirationTime('1h')
      .sign(localSecret);
    expect(codes(await t.gql(ME, {}, token))).toEqual(['UNAUTHENTICATED']);
    expect(await countUsers(t, subject)).toBe(0);
  });

  it('provisions a user on first sight from the claims and keeps roles and organisation in step with later tokens', async () => {
    const org = await makeOrganisation(t.dataSource);
    const otherOrg = await makeOrganisation(t.dataSource);
    const claims = newClaims(org.slug, [Role.PUBLISHER]);
    expect(await countUsers(t, claims.subject)).toBe(0);

    const first = await t.gql(ME, {}, await signLocalToken(localSecret, claims));
    expect(first.errors).toBeUndefined();
    expect(first.data).toEqual({
      me: { email: claims.email, displayName: claims.name, roles: ['AGENCY_USER', 'PUBLISHER'], organisation: { slug: org.slug } },
    });

    const second = await t.gql(ME, {}, await signLocalToken(localSecret, { ...claims, organisation: otherOrg.slug, roles: [Role.REVIEWER, Role.ADMIN] }));
    expect(second.errors).toBeUndefined();
    expect(second.data).toEqual({
      me: { email: claims.email, displayName: claims.name, roles: ['AGENCY_USER', 'ADMIN', 'REVIEWER'], organisation: { slug: otherOrg.slug } },
    });

    const rows: Array<{ issuer: string; organisation_id: string; roles: string[] }> = await t.dataSource.query(
      'SELECT issuer, organisation_id, roles FROM app_user WHERE subject = $1',
      [claims.subject],
    );
    expect(rows).toEqual([{ issuer: LOCAL_ISSUER, organisation_id: otherOrg.id, roles: ['ADMIN', 'REVIEWER'] }]);
  });

  it('stores the implicit AGENCY_USER role nowhere and lists it once', async () => {
    const org = await makeOrganisation(t.dataSource);
    const claims = newClaims(org.slug, [Role.AGENCY_USER, Role.PUBLISHER, Role.PUBLISHER]);
    const res = await t.gql<{ me: { roles: string[] } }>(ME, {}, await signLocalToken(localSecret, claims));
    expect(res.errors).toBeUndefined();
    expect(res.data?.me.roles).toEqual(['AGENCY_USER', 'PUBLISHER']);
    const rows: Array<{ roles: string[] }> = await t.dataSource.query('SELECT roles FROM app_user WHERE subject = $1', [claims.subject]);
    expect(rows).toEqual([{ roles: ['PUBLISHER'] }]);
  });

  it('provisions one user when the first requests of a new subject arrive together', async () => {
    const org = await makeOrganisation(t.dataSource);
    const claims = newClaims(org.slug, [Role.REVIEWER]);
    const token = await signLocalToken(localSecret, claims);
    const results = await Promise.all(Array.from({ length: 5 }, () => t.gql(ME, {}, token)));
    for (const res of results) expect(res.errors).toBeUndefined();
    expect(await countUsers(t, claims.subject)).toBe(1);
  });
});

describe('auth: OIDC provider', () => {
  const realmPath = '/realms/test';
  let server: Server;
  let issuer: string;
  let providerKey: CryptoKey;
  let requests: string[];
  let t: TestApp;
  let keycloak: TestApp;

  async function oidcToken(payload: JWTPayload, options: { key?: CryptoKey; kid?: string; audience?: string | string[]; issuer?: string } = {}): Promise<string> {
    return new SignJWT(payload)
      .setProtectedHeader({ alg: 'RS256', kid: options.kid ?? 'provider-key' })
      .setIssuer(options.issuer ?? issuer)
      .setAudience(options.audience ?? 'ki-marktplatz')
      .setIssuedAt()
      .setExpirationTime('5m')
      .sign(options.key ?? providerKey);
  }

  function subject(): string {
    return `oidc-${randomBytes(6).toString('hex')}`;
  }

  beforeAll(async () => {
    const { publicKey, privateKey } = await generateKeyPair('RS256');
    providerKey = privateKey;
    const jwk: JWK = { ...(await exportJWK(publicKey)), kid: 'provider-key', alg: 'RS256', use: 'sig' };
    requests = [];
    server = createServer((req, res) => {
      requests.push(req.url ?? '');
      const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}${realmPath}`;
      const documents: Record<string, object> = {
        [`${realmPath}/.well-known/openid-configuration`]: { issuer: base, jwks_uri: `${base}/protocol/openid-connect/certs` },
        [`${realmPath}/protocol/openid-connect/certs`]: { keys: [jwk] },
      };
      const document = documents[req.url ?? ''];
      res.writeHead(document ? 200 : 404, { 'content-type': 'application/json' });
      res.end(JSON.stringify(document ?? { error: 'not found' }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}${realmPath}`;
    t = await createTestApp({ OIDC_ISSUER: issuer, OIDC_AUDIENCE: 'ki-marktplatz' });
    keycloak = await createTestApp({ OIDC_ISSUER: issuer, OIDC_AUDIENCE: 'ki-marktplatz', OIDC_ROLES_CLAIM: 'realm_access.roles' });
  });

  afterAll(async () => {
    await t.close();
    await keycloak.close();
    await new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve())));
  });

  it('accepts a valid RS256 token, finds the keys through discovery and provisions the user', async () => {
    const org = await makeOrganisation(t.dataSource);
    const sub = subject();
    const token = await oidcToken({ sub, email: `${sub}@bund.example`, preferred_username: 'Erika Mustermann', organisation: org.slug, roles: [Role.PUBLISHER] });
    const res = await t.gql(ME, {}, token);
    expect(res.errors).toBeUndefined();
    expect(res.data).toEqual({
      me: { email: `${sub}@bund.example`, displayName: 'Erika Mustermann', roles: ['AGENCY_USER', 'PUBLISHER'], organisation: { slug: org.slug } },
    });
    const rows: Array<{ issuer: string }> = await t.dataSource.query('SELECT issuer FROM app_user WHERE subject = $1', [sub]);
    expect(rows).toEqual([{ issuer }]);
    expect(requests).toContain(`${realmPath}/.well-known/openid-configuration`);
    expect(requests).toContain(`${realmPath}/protocol/openid-connect/certs`);
  });

  it('accepts an audience list that contains the configured audience', async () => {
    const org = await makeOrganisation(t.dataSource);
    const token = await oidcToken({ sub: subject(), organisation: org.slug }, { audience: ['account', 'ki-marktplatz'] });
    const res = await t.gql(ME, {}, token);
    expect(res.errors).toBeUndefined();
  });

  it('keeps a provider user apart from a local user with the same subject', async () => {
    const local = await makeUser(t.dataSource, { roles: [Role.ADMIN] });
    const org = await makeOrganisation(t.dataSource);
    const res = await t.gql(ME, {}, await oidcToken({ sub: local.subject, email: 'fremd@example.org', organisation: org.slug }));
    expect(res.errors).toBeUndefined();
    expect(res.data).toMatchObject({ me: { email: 'fremd@example.org', roles: ['AGENCY_USER'], organisation: { slug: org.slug } } });
    expect(await countUsers(t, local.subject)).toBe(2);
    const stillLocal = await t.gql(ME, {}, await t.tokenFor(local));
    expect(stillLocal.data).toMatchObject({ me: { email: local.email, roles: ['AGENCY_USER', 'ADMIN'] } });
  });

  it('refuses a token signed by another key under the same key id', async () => {
    const org = await makeOrganisation(t.dataSource);
    const { privateKey } = await generateKeyPair('RS256');
    const sub = subject();
    const res = await t.gql(ME, {}, await oidcToken({ sub, organisation: org.slug }, { key: privateKey }));
    expect(codes(res)).toEqual(['UNAUTHENTICATED']);
    expect(await countUsers(t, sub)).toBe(0);
  });

  it('refuses a token signed by a key the provider does not publish', async () => {
    const org = await makeOrganisation(t.dataSource);
    const { privateKey } = await generateKeyPair('RS256');
    const sub = subject();
    const res = await t.gql(ME, {}, await oidcToken({ sub, organisation: org.slug }, { key: privateKey, kid: 'attacker-key' }));
    expect(codes(res)).toEqual(['UNAUTHENTICATED']);
    expect(await countUsers(t, sub)).toBe(0);
  });

  it('refuses an HS256 token that claims the provider as issuer', async () => {
    const org = await makeOrganisation(t.dataSource);
    const token = await new SignJWT({ organisation: org.slug })
      .setProtectedHeader({ alg: 'HS256', kid: 'provider-key' })
      .setSubject(subject())
      .setIssuer(issuer)
      .setAudience('ki-marktplatz')
      .setExpirationTime('5m')
      .sign(localSecret);
    expect(codes(await t.gql(ME, {}, token))).toEqual(['UNAUTHENTICATED']);
  });

  it('refuses a provider token for another audience', async () => {
    const org = await makeOrganisation(t.dataSource);
    const sub = subject();
    const res = await t.gql(ME, {}, await oidcToken({ sub, organisation: org.slug }, { audience: 'account' }));
    expect(codes(res)).toEqual(['UNAUTHENTICATED']);
    expect(await countUsers(t, sub)).toBe(0);
  });

  it('refuses an expired provider token', async () => {
    const org = await makeOrganisation(t.dataSource);
    const token = await new SignJWT({ organisation: org.slug })
      .setProtectedHeader({ alg: 'RS256', kid: 'provider-key' })
      .setSubject(subject())
      .setIssuer(issuer)
      .setAudience('ki-marktplatz')
      .setExpirationTime(nowSeconds() - 60)
      .sign(providerKey);
    expect(codes(await t.gql(ME, {}, token))).toEqual(['UNAUTHENTICATED']);
  });

  it('still accepts local tokens next to the provider', async () => {
    const user = await makeUser(t.dataSource);
    expect((await t.gql(ME, {}, await t.tokenFor(user))).errors).toBeUndefined();
  });

  it('reads Keycloak-style nested roles from OIDC_ROLES_CLAIM', async () => {
    const org = await makeOrganisation(keycloak.dataSource);
    const sub = subject();
    const token = await oidcToken({ sub, organisation: org.slug, realm_access: { roles: [Role.REVIEWER, Role.ADMIN] }, roles: ['ignored'] });
    const res = await keycloak.gql(ME, {}, token);
    expect(res.errors).toBeUndefined();
    expect(res.data).toMatchObject({ me: { roles: ['AGENCY_USER', 'ADMIN', 'REVIEWER'], organisation: { slug: org.slug } } });
  });

  it('treats a missing nested roles claim as no extra roles', async () => {
    const org = await makeOrganisation(keycloak.dataSource);
    const res = await keycloak.gql(ME, {}, await oidcToken({ sub: subject(), organisation: org.slug, roles: [Role.ADMIN] }));
    expect(res.errors).toBeUndefined();
    expect(res.data).toMatchObject({ me: { roles: ['AGENCY_USER'] } });
  });

  it('refuses unknown roles in the nested claim', async () => {
    const org = await makeOrganisation(keycloak.dataSource);
    const sub = subject();
    const res = await keycloak.gql(ME, {}, await oidcToken({ sub, organisation: org.slug, realm_access: { roles: ['PUBLISHER', 'offline_access'] } }));
    expect(codes(res)).toEqual(['UNAUTHENTICATED']);
    expect(await countUsers(keycloak, sub)).toBe(0);
  });
});

describe('auth: anonymous read switch', () => {
  const NODE = 'query ($id: ID!) { node(id: $id) { id ... on Organisation { name slug } ... on User { email } } }';
  let closed: TestApp;
  let open: TestApp;

  beforeAll(async () => {
    closed = await createTestApp();
    open = await createTestApp({ ANONYMOUS_READ: 'true' });
  });

  afterAll(async () => {
    await closed.close();
    await open.close();
  });

  it('refuses anonymous node reads when ANONYMOUS_READ is unset', async () => {
    const org = await makeOrganisation(closed.dataSource);
    const res = await closed.gql(NODE, { id: toGlobalId('Organisation', org.id) });
    expect(codes(res)).toEqual(['UNAUTHENTICATED']);
  });

  it('lets anonymous callers read an organisation when ANONYMOUS_READ=true', async () => {
    const org = await makeOrganisation(open.dataSource);
    const id = toGlobalId('Organisation', org.id);
    const res = await open.gql(NODE, { id });
    expect(res.errors).toBeUndefined();
    expect(res.data).toEqual({ node: { id, name: org.name, slug: org.slug } });
  });

  it('keeps users invisible to anonymous callers, indistinguishable from a missing id', async () => {
    const user = await makeUser(open.dataSource);
    const hidden = await open.gql(NODE, { id: toGlobalId('User', user.id) });
    const missing = await open.gql(NODE, { id: toGlobalId('User', randomUUID()) });
    expect(codes(hidden)).toEqual(['NOT_FOUND']);
    expect(codes(missing)).toEqual(['NOT_FOUND']);
    expect(JSON.stringify(hidden.body)).not.toContain(user.email);
  });

  it('keeps me and signed-in-only queries closed to anonymous callers', async () => {
    expect(codes(await open.gql(ME))).toEqual(['UNAUTHENTICATED']);
    expect(codes(await open.gql('{ organisations(first: 1) { totalCount } }'))).toEqual(['UNAUTHENTICATED']);
  });

  it('does not fall back to anonymous when a token is bad', async () => {
    const org = await makeOrganisation(open.dataSource);
    const res = await open.gql(NODE, { id: toGlobalId('Organisation', org.id) }, 'garbage');
    expect(codes(res)).toEqual(['UNAUTHENTICATED']);
  });
});

describe('auth: OIDC discovery that cannot be trusted', () => {
  let server: Server;
  let t: TestApp;
  let key: CryptoKey;
  let issuer: string;

  beforeAll(async () => {
    const pair = await generateKeyPair('RS256');
    key = pair.privateKey;
    const jwk: JWK = { ...(await exportJWK(pair.publicKey)), kid: 'k', alg: 'RS256', use: 'sig' };
    server = createServer((req, res) => {
      const port = (server.address() as AddressInfo).port;
      const body = req.url?.endsWith('openid-configuration')
        ? { issuer: `http://127.0.0.1:${port}/realms/impostor`, jwks_uri: `http://127.0.0.1:${port}/certs` }
        : { keys: [jwk] };
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}/realms/test`;
    t = await createTestApp({ OIDC_ISSUER: issuer, OIDC_AUDIENCE: 'ki-marktplatz' });
  });

  afterAll(async () => {
    await t.close();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it('refuses tokens when the discovery document names another issuer (OIDC Discovery §4.3)', async () => {
    const org = await makeOrganisation(t.dataSource);
    const token = await new SignJWT({ organisation: org.slug, roles: [] })
      .setProtectedHeader({ alg: 'RS256', kid: 'k' })
      .setSubject('impostor-user')
      .setIssuer(issuer)
      .setAudience('ki-marktplatz')
      .setIssuedAt()
      .setExpirationTime('5m')
      .sign(key);
    const res = await t.gql('{ me { id } }', {}, token);
    expect(res.errors?.[0]?.extensions.code).toBe('UNAUTHENTICATED');
    expect(res.errors?.[0]?.message).toBe('identity provider names another issuer');
  });
});

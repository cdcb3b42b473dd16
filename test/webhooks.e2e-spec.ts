import { createHmac } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Role } from '@app/common';
import { createTestApp, makeOrganisation, makePublishedEntry, makeUser, type MadeUser, type TestApp, eventually as pollUntil } from '@app/testing';

const REGISTER = `mutation($input: RegisterWebhookInput!) { registerWebhook(input: $input) { webhook { id url events enabled consecutiveFailures } } }`;
const WEBHOOKS = `{ webhooks { id url enabled consecutiveFailures deliveries(first: 20) { totalCount nodes { id eventType status attempts lastStatusCode lastError } } } }`;
const REQUEST = `mutation($input: RequestReuseInput!) { requestReuse(input: $input) { reuseRequest { id } } }`;
const SECRET = 'geheimnis-des-empfaengers-0123';

/** Polls `probe` every 100 ms until it returns true; fails after `ms`. */
const eventually = (probe: () => boolean | Promise<boolean>, ms = 40_000, every = 100) => pollUntil(probe, ms, every);

interface Received {
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
  answered: number;
}

describe('webhooks per organisation (a real HTTP receiver)', () => {
  const received: Received[] = [];
  let receiver: Server;
  let base: string;
  let t: TestApp;
  let owner: { publisher: MadeUser; reviewer: MadeUser; member: MadeUser };
  let outsider: MadeUser;

  beforeAll(async () => {
    let flakyCalls = 0;
    receiver = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
      req.on('end', () => {
        const answered = req.url === '/down' ? 503 : req.url === '/flaky' && ++flakyCalls <= 2 ? 500 : 204;
        received.push({ path: req.url ?? '', headers: req.headers, body, answered });
        res.writeHead(answered).end();
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
    t = await createTestApp({ WORKER: 'true', WEBHOOK_ALLOW_PRIVATE: 'true', WEBHOOK_MAX_FAILURES: '3' });
    const ownerOrg = await makeOrganisation(t.dataSource, { name: 'Landesamt Haken' });
    owner = {
      publisher: await makeUser(t.dataSource, { organisation: ownerOrg, roles: [Role.PUBLISHER] }),
      reviewer: await makeUser(t.dataSource, { organisation: ownerOrg, roles: [Role.REVIEWER] }),
      member: await makeUser(t.dataSource, { organisation: ownerOrg }),
    };
    outsider = await makeUser(t.dataSource, { organisation: await makeOrganisation(t.dataSource), roles: [Role.PUBLISHER] });
  });

  afterAll(async () => {
    await t?.close();
    await new Promise<void>((resolve) => receiver.close(() => resolve()));
  });

  async function as(user: MadeUser, query: string, variables: Record<string, unknown> = {}) {
    return t.gql<Record<string, any>>(query, variables, await t.tokenFor(user));
  }

  async function requestReuse(): Promise<void> {
    const system = await makePublishedEntry(t.dataSource, { id: owner.publisher.organisationId, slug: owner.publisher.organisationSlug } as never);
    const requester = await makeUser(t.dataSource, { organisation: await makeOrganisation(t.dataSource) });
    const res = await as(requester, REQUEST, { input: { aiSystemId: system.globalId, purpose: 'Haken', intendedUse: 'Test' } });
    expect(res.errors).toBeUndefined();
  }

  async function hook(url: string) {
    const res = await as(owner.publisher, WEBHOOKS);
    return res.data?.webhooks.find((w: { url: string }) => w.url === url);
  }

  it('retries a receiver that fails twice and delivers exactly once more, accepted, with a valid signature', async () => {
    const registered = await as(owner.publisher, REGISTER, { input: { url: `${base}/flaky`, events: ['ReuseRequested', 'ReuseRequested'], secret: SECRET } });
    expect(registered.errors).toBeUndefined();
    expect(registered.data?.registerWebhook.webhook).toMatchObject({ url: `${base}/flaky`, events: ['ReuseRequested'], enabled: true, consecutiveFailures: 0 });
    expect(JSON.stringify(registered.body)).not.toContain(SECRET);

    await requestReuse();
    await eventually(async () => (await hook(`${base}/flaky`))?.deliveries.nodes[0]?.status === 'SUCCEEDED');
    const flaky = received.filter((r) => r.path === '/flaky');
    expect(flaky.map((r) => r.answered)).toEqual([500, 500, 204]);
    expect(new Set(flaky.map((r) => r.headers['x-kim-delivery'])).size).toBe(1);
    const accepted = flaky[2] as Received;
    const timestamp = String(accepted.headers['x-kim-timestamp']);
    expect(Math.abs(Number(timestamp) - Date.now() / 1000)).toBeLessThan(120);
    expect(accepted.headers['x-kim-signature']).toBe(`sha256=${createHmac('sha256', SECRET).update(`${timestamp}.${accepted.body}`).digest('hex')}`);
    expect(accepted.headers['x-kim-event']).toBe('ReuseRequested');
    expect(JSON.parse(accepted.body)).toMatchObject({ deliveryId: accepted.headers['x-kim-delivery'], event: 'ReuseRequested', subject: { type: 'ReuseRequest' } });

    const listed = await hook(`${base}/flaky`);
    expect(listed).toMatchObject({ enabled: true, consecutiveFailures: 0 });
    expect(listed.deliveries).toMatchObject({ totalCount: 1, nodes: [{ eventType: 'ReuseRequested', status: 'SUCCEEDED', attempts: 3, lastStatusCode: 204, lastError: null }] });
  });

  it('disables a webhook after WEBHOOK_MAX_FAILURES failures in a row and stops calling it', async () => {
    await as(owner.reviewer, REGISTER, { input: { url: `${base}/down`, events: ['ReuseRequested'], secret: SECRET } });
    await requestReuse();
    await eventually(async () => (await hook(`${base}/down`))?.deliveries.nodes[0]?.status === 'FAILED');
    const down = await hook(`${base}/down`);
    expect(down).toMatchObject({ enabled: false, consecutiveFailures: 3 });
    expect(down.deliveries.nodes[0]).toMatchObject({ status: 'FAILED', attempts: 3, lastStatusCode: 503, lastError: 'the webhook is disabled' });
    expect(received.filter((r) => r.path === '/down')).toHaveLength(3);
  });

  it('tells only the organisations concerned, only about the event types they chose', async () => {
    const outsiderHook = await as(outsider, REGISTER, { input: { url: `${base}/outsider`, events: ['ReuseRequested', 'RatingAdded'], secret: SECRET } });
    expect(outsiderHook.errors).toBeUndefined();
    const before = received.filter((r) => r.path === '/flaky').length;
    await requestReuse();
    await eventually(async () => (await hook(`${base}/flaky`))?.deliveries.totalCount === 3);
    await eventually(() => received.filter((r) => r.path === '/flaky').length === before + 1);
    expect(received.filter((r) => r.path === '/outsider')).toEqual([]);
    const theirs = await as(outsider, WEBHOOKS);
    expect(theirs.data?.webhooks).toEqual([expect.objectContaining({ url: `${base}/outsider`, deliveries: expect.objectContaining({ totalCount: 0 }) })]);
    const ours = await as(owner.reviewer, WEBHOOKS);
    expect(ours.data?.webhooks.map((w: { url: string }) => w.url)).toEqual([`${base}/flaky`, `${base}/down`]);
  });

  it('refuses bad registrations with documented codes', async () => {
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ url: 'ftp://127.0.0.1/x', events: ['ReuseRequested'], secret: SECRET }, 'input.url'],
      [{ url: 'keine url', events: ['ReuseRequested'], secret: SECRET }, 'input.url'],
      [{ url: `${base}/x`, events: ['ReuseRequested', 'EntryExploded'], secret: SECRET }, 'input.events.1'],
      [{ url: `${base}/x`, events: [], secret: SECRET }, 'input.events'],
      [{ url: `${base}/x`, events: ['ReuseRequested'], secret: 'kurz' }, 'input.secret'],
    ];
    for (const [input, field] of cases) {
      const res = await as(owner.publisher, REGISTER, { input });
      expect(res.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', fields: expect.arrayContaining([expect.objectContaining({ field })]) });
    }
    const member = await as(owner.member, REGISTER, { input: { url: `${base}/x`, events: ['ReuseRequested'], secret: SECRET } });
    expect(member.errors?.[0]?.extensions.code).toBe('FORBIDDEN');
    const anonymous = await t.gql(REGISTER, { input: { url: `${base}/x`, events: ['ReuseRequested'], secret: SECRET } });
    expect(anonymous.errors?.[0]?.extensions.code).toBe('UNAUTHENTICATED');
  });

  it('refuses plain http and private or loopback addresses in production mode', async () => {
    const production = await createTestApp({ NODE_ENV: 'production', DATABASE_URL: t.databaseUrl, LOCAL_AUTH: 'true', WORKER: 'false' }, { shareDatabaseOf: t });
    try {
      const token = await production.tokenFor(owner.publisher);
      for (const [url, message] of [
        [`${base}/x`, 'must use https'],
        ['https://127.0.0.1/hook', 'must not point to a private, loopback or link-local address'],
        ['https://localhost:8443/hook', 'must not point to a private, loopback or link-local address'],
        ['https://10.0.0.5/hook', 'must not point to a private, loopback or link-local address'],
        ['https://[::1]/hook', 'must not point to a private, loopback or link-local address'],
      ]) {
        const res = await production.gql<Record<string, any>>(REGISTER, { input: { url, events: ['ReuseRequested'], secret: SECRET } }, token);
        expect(res.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', fields: [{ field: 'input.url', message }] });
      }
    } finally {
      await production.close();
    }
  });
});

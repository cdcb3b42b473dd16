import type { AddressInfo } from 'node:net';
import { createClient, type Client } from 'graphql-ws';
import { SignJWT } from 'jose';
import WebSocket from 'ws';
import { LOCAL_AUDIENCE, LOCAL_ISSUER, Role } from '@app/common';
import { NotificationLiveService } from '../apps/api/src/notifications/notification-live.service.js';
import { createTestApp, makeOrganisation, makePublishedEntry, makeUser, TEST_LOCAL_SECRET, type MadeUser, type TestApp, eventually as pollUntil } from '@app/testing';

const ADDED = `subscription { notificationAdded { id eventType title read } }`;
const REQUEST = `mutation($input: RequestReuseInput!) { requestReuse(input: $input) { reuseRequest { id } } }`;

/** Polls `probe` every 50 ms until it returns true; fails after `ms`. */
const eventually = (probe: () => boolean | Promise<boolean>, ms = 20_000, every = 50) => pollUntil(probe, ms, every);

/** Opens a raw graphql-transport-ws socket, sends connection_init with `payload`, and reports how it ends. */
function connect(port: number, payload: Record<string, unknown> | undefined): Promise<{ code: number; reason: string } | 'acknowledged'> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(`ws://127.0.0.1:${port}/graphql`, 'graphql-transport-ws');
    socket.on('open', () => socket.send(JSON.stringify({ type: 'connection_init', ...(payload === undefined ? {} : { payload }) })));
    socket.on('message', (data) => {
      if (JSON.parse(String(data)).type === 'connection_ack') {
        socket.close(1000);
        resolve('acknowledged');
      }
    });
    socket.on('close', (code, reason) => resolve({ code, reason: reason.toString() }));
    socket.on('error', reject);
  });
}

describe('live notifications over graphql-ws, across api replicas', () => {
  // createTestApp passes the run's REDIS_URL on to both replicas.
  const redisUrl = process.env.REDIS_URL;
  let a: TestApp;
  let b: TestApp;
  let port: number;
  let owner: { publisher: MadeUser; reviewer: MadeUser };
  let requester: MadeUser;
  let outsider: MadeUser;
  const clients: Client[] = [];

  beforeAll(async () => {
    // With Redis, the mutation's fan-out runs on B and must cross to A through Redis; without, A works the queue itself.
    a = await createTestApp({ WORKER: redisUrl ? 'false' : 'true' });
    b = await createTestApp({ WORKER: redisUrl ? 'true' : 'false' }, { shareDatabaseOf: a });
    await a.app.listen(0, '127.0.0.1');
    port = (a.app.getHttpServer().address() as AddressInfo).port;
    const ownerOrg = await makeOrganisation(a.dataSource, { name: 'Landesamt Live' });
    owner = {
      publisher: await makeUser(a.dataSource, { organisation: ownerOrg, roles: [Role.PUBLISHER] }),
      reviewer: await makeUser(a.dataSource, { organisation: ownerOrg, roles: [Role.REVIEWER] }),
    };
    requester = await makeUser(a.dataSource, { organisation: await makeOrganisation(a.dataSource) });
    outsider = await makeUser(a.dataSource, { organisation: await makeOrganisation(a.dataSource), roles: [Role.REVIEWER] });
  });

  afterAll(async () => {
    await Promise.all(clients.map((client) => client.dispose()));
    await b?.close();
    await a?.close();
  });

  async function subscribe(user: MadeUser): Promise<Array<{ id: string; eventType: string; title: string; read: boolean }>> {
    const received: Array<{ id: string; eventType: string; title: string; read: boolean }> = [];
    let connected = false;
    const client = createClient({
      url: `ws://127.0.0.1:${port}/graphql`,
      webSocketImpl: WebSocket,
      connectionParams: { authorization: `Bearer ${await a.tokenFor(user)}` },
      retryAttempts: 0,
      lazy: false,
      on: { connected: () => (connected = true) },
    });
    clients.push(client);
    client.subscribe<{ notificationAdded: (typeof received)[number] }>({ query: ADDED }, {
      next: (result) => {
        if (result.data) received.push(result.data.notificationAdded);
      },
      error: (error) => {
        throw error instanceof Error ? error : new Error(JSON.stringify(error));
      },
      complete: () => undefined,
    });
    await eventually(() => connected);
    return received;
  }

  it('delivers a notification produced by a mutation on replica B to its recipient subscribed on replica A, and to nobody else', async () => {
    const reviewerFeed = await subscribe(owner.reviewer);
    const outsiderFeed = await subscribe(outsider);
    const requesterFeed = await subscribe(requester);
    const live = a.app.get(NotificationLiveService);
    await eventually(() => [owner.reviewer, outsider, requester].every((user) => live.subscriberCount(user.id) === 1));
    const system = await makePublishedEntry(b.dataSource, { id: owner.publisher.organisationId, slug: owner.publisher.organisationSlug } as never);
    const res = await b.gql(REQUEST, { input: { aiSystemId: system.globalId, purpose: 'Live', intendedUse: 'Test' } }, await b.tokenFor(requester));
    expect(res.errors).toBeUndefined();
    await eventually(() => reviewerFeed.length === 1);
    expect(reviewerFeed[0]).toMatchObject({ eventType: 'ReuseRequested', read: false, title: expect.stringContaining('Nachnutzungsanfrage') });
    const stored: Array<{ id: string }> = await a.dataSource.query(`SELECT id FROM notification WHERE recipient_id = $1`, [owner.reviewer.id]);
    expect(reviewerFeed[0]?.id).toBe(Buffer.from(`Notification:${stored[0]?.id}`).toString('base64url'));
    expect(outsiderFeed).toEqual([]);
    expect(requesterFeed).toEqual([]);
  });

  it('closes a socket without a token, or with an expired or forged one, with 4401 and the reason', async () => {
    expect(await connect(port, undefined)).toEqual({ code: 4401, reason: expect.stringContaining('UNAUTHENTICATED: send connectionParams') });
    expect(await connect(port, { authorization: '' })).toEqual({ code: 4401, reason: expect.stringContaining('UNAUTHENTICATED') });
    const now = Math.floor(Date.now() / 1000);
    const expired = await new SignJWT({ organisation: requester.organisationSlug, roles: [] })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject(requester.subject)
      .setIssuer(LOCAL_ISSUER)
      .setAudience(LOCAL_AUDIENCE)
      .setIssuedAt(now - 7200)
      .setExpirationTime(now - 3600)
      .sign(new TextEncoder().encode(TEST_LOCAL_SECRET));
    expect(await connect(port, { authorization: `Bearer ${expired}` })).toEqual({ code: 4401, reason: expect.stringMatching(/^UNAUTHENTICATED: .*expired/) });
    const forged = `${(await a.tokenFor(requester)).slice(0, -4)}AAAA`;
    expect(await connect(port, { authorization: `Bearer ${forged}` })).toEqual({ code: 4401, reason: expect.stringContaining('UNAUTHENTICATED') });
    expect(await connect(port, { authorization: `Bearer ${await a.tokenFor(requester)}` })).toBe('acknowledged');
  });

  it('closes an authenticated socket with 4401 when its token expires, and not before', async () => {
    const token = await a.tokenFor(requester, { expiresIn: '2s' });
    const { exp } = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8')) as { exp: number };
    const closed = await new Promise<{ code: number; reason: string; at: number; acknowledged: boolean }>((resolve, reject) => {
      let acknowledged = false;
      const socket = new WebSocket(`ws://127.0.0.1:${port}/graphql`, 'graphql-transport-ws');
      socket.on('open', () => socket.send(JSON.stringify({ type: 'connection_init', payload: { authorization: `Bearer ${token}` } })));
      socket.on('message', (data) => {
        if (JSON.parse(String(data)).type === 'connection_ack') acknowledged = true;
      });
      socket.on('close', (code, reason) => resolve({ code, reason: reason.toString(), at: Date.now(), acknowledged }));
      socket.on('error', reject);
    });
    expect(closed).toMatchObject({ code: 4401, reason: 'UNAUTHENTICATED: token has expired', acknowledged: true });
    expect(closed.at).toBeGreaterThanOrEqual(exp * 1000);
  });
});

import type { AddressInfo } from 'node:net';
import type { GraphQLFormattedError } from 'graphql';
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import { Role } from '@app/common';
import { NotificationLiveService } from '../apps/api/src/notifications/notification-live.service.js';
import { Notification } from '../apps/api/src/notifications/notification.types.js';
import { createTestApp, makeOrganisation, makeUser, type MadeUser, type TestApp, eventually as pollUntil } from '@app/testing';

type Outcome = { kind: 'error'; errors: GraphQLFormattedError[] } | { kind: 'next'; errors: GraphQLFormattedError[] | undefined; data: unknown };

/** Polls `probe` every 50 ms until it returns true; fails after `ms`. */
const eventually = (probe: () => boolean | Promise<boolean>, ms = 20_000, every = 50) => pollUntil(probe, ms, every);

const codes = (errors: readonly GraphQLFormattedError[] | undefined) => [...new Set((errors ?? []).map((e) => String(e.extensions?.code)))].sort();

describe('the graphql-ws endpoint has the protections of the HTTP endpoint', () => {
  let t: TestApp;
  let port: number;
  let user: MadeUser;
  const clients: Client[] = [];

  beforeAll(async () => {
    t = await createTestApp({ GRAPHQL_INTROSPECTION: 'false' });
    await t.app.listen(0, '127.0.0.1');
    port = (t.app.getHttpServer().address() as AddressInfo).port;
    user = await makeUser(t.dataSource, { organisation: await makeOrganisation(t.dataSource), roles: [Role.REVIEWER] });
  });

  afterAll(async () => {
    await Promise.all(clients.map((client) => client.dispose()));
    await t?.close();
  });

  async function client(): Promise<Client> {
    const created = createClient({
      url: `ws://127.0.0.1:${port}/graphql`,
      webSocketImpl: WebSocket,
      connectionParams: { authorization: `Bearer ${await t.tokenFor(user)}` },
      retryAttempts: 0,
    });
    clients.push(created);
    return created;
  }

  /** Runs `query` over the socket and reports the first thing the server answers. */
  async function first(query: string, onSubscribed?: () => Promise<void>): Promise<Outcome> {
    const socket = await client();
    return new Promise((resolve, reject) => {
      socket.subscribe(
        { query },
        {
          next: (result) => resolve({ kind: 'next', errors: result.errors as GraphQLFormattedError[] | undefined, data: result.data }),
          error: (error) => (Array.isArray(error) ? resolve({ kind: 'error', errors: error as GraphQLFormattedError[] }) : reject(error)),
          complete: () => undefined,
        },
      );
      onSubscribed?.().catch(reject);
    });
  }

  it('refuses queries and mutations: they belong on HTTP', async () => {
    for (const query of ['{ me { id } }', 'mutation { markNotificationsRead(input: {}) { marked } }']) {
      const outcome = await first(query);
      expect(outcome.kind).toBe('error');
      expect(outcome.errors).toEqual([expect.objectContaining({ message: expect.stringContaining('only subscriptions run over WebSocket'), extensions: { code: 'BAD_REQUEST' } })]);
    }
  });

  it('refuses too deep, too many aliases, too many tokens and introspection with the same codes as HTTP', async () => {
    const deep = `subscription { notificationAdded { ${'a { '.repeat(12)}id${' }'.repeat(12)} } }`;
    const aliases = `subscription { notificationAdded { ${Array.from({ length: 16 }, (_, i) => `a${i}: id`).join(' ')} } }`;
    const tokens = `subscription { notificationAdded { ${'id '.repeat(2100)}} }`;
    const introspection = `{ __schema { queryType { name } } }`;
    for (const [query, code] of [
      [deep, 'QUERY_TOO_DEEP'],
      [aliases, 'TOO_MANY_ALIASES'],
      [tokens, 'TOO_MANY_TOKENS'],
      [introspection, 'GRAPHQL_VALIDATION_FAILED'],
    ] as const) {
      const overHttp = await t.gql(query, {}, await t.tokenFor(user));
      const overSocket = await first(query);
      expect(overSocket.kind).toBe('error');
      expect(codes(overSocket.errors)).toContain(code);
      expect(codes(overSocket.errors)).toEqual(codes(overHttp.errors));
      expect(overSocket.errors?.map((e) => e.message)).toEqual(overHttp.errors?.map((e) => e.message));
    }
    const refused = await first(introspection);
    expect(refused.errors?.[0]?.extensions).toEqual({ code: 'GRAPHQL_VALIDATION_FAILED', validationErrorCode: 'INTROSPECTION_DISABLED' });
  });

  it('answers an internal error with INTERNAL_SERVER_ERROR and nothing of its internals', async () => {
    const live = t.app.get(NotificationLiveService);
    const outcome = await first(`subscription { notificationAdded { id title } }`, async () => {
      await eventually(() => live.subscriberCount(user.id) === 1);
      // Parameters no fan-out writes: rendering the title fails inside the resolver.
      const broken = Object.assign(new Notification(), {
        id: 'Tm90aWZpY2F0aW9uOmJyb2tlbg',
        uuid: '00000000-0000-4000-8000-000000000000',
        recipientId: user.id,
        params: null,
        eventType: 'ReuseRequested',
        subjectId: 'UmV1c2VSZXF1ZXN0Oms',
        aiSystemId: null,
        createdAt: new Date(),
        readAt: null,
        read: false,
      });
      await live.notificationsCreated([broken]);
    });
    expect(outcome.kind).toBe('next');
    expect(outcome.errors).toEqual([{ message: 'Internal server error', path: ['notificationAdded', 'title'], extensions: { code: 'INTERNAL_SERVER_ERROR' } }]);
    expect(JSON.stringify(outcome)).not.toContain('entryName');
  });
});

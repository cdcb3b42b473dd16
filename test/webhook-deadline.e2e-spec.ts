import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Role } from '@app/common';
import { createTestApp, makeOrganisation, makePublishedEntry, makeUser, type MadeUser, type TestApp, eventually as pollUntil } from '@app/testing';

const REGISTER = `mutation($input: RegisterWebhookInput!) { registerWebhook(input: $input) { webhook { id } } }`;
const WEBHOOKS = `{ webhooks { url deliveries(first: 20) { nodes { status attempts lastStatusCode lastError } } } }`;
const REQUEST = `mutation($input: RequestReuseInput!) { requestReuse(input: $input) { reuseRequest { id } } }`;
const SECRET = 'geheimnis-des-empfaengers-0123';

/** Polls `probe` every 100 ms until it returns true; fails after `ms`. */
const eventually = (probe: () => boolean | Promise<boolean>, ms = 30_000, every = 100) => pollUntil(probe, ms, every);

describe('a webhook receiver that never finishes answering', () => {
  const trickling = new Set<ServerResponse>();
  const calls = { trickle: 0, fast: 0 };
  let receiver: Server;
  let base: string;
  let t: TestApp;
  let publisher: MadeUser;

  beforeAll(async () => {
    receiver = createServer((req, res) => {
      req.resume();
      if (req.url === '/trickle') {
        calls.trickle++;
        // Answers 200 at once and then one byte every 100 ms, forever: an idle timeout never fires.
        res.writeHead(200, { 'content-type': 'text/plain' });
        trickling.add(res);
        const drip = setInterval(() => res.write('.'), 100);
        res.on('close', () => {
          clearInterval(drip);
          trickling.delete(res);
        });
        return;
      }
      calls.fast++;
      res.writeHead(204).end();
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
    t = await createTestApp({ WORKER: 'true', WEBHOOK_ALLOW_PRIVATE: 'true', WEBHOOK_TIMEOUT_MS: '2000', JOB_RETRY_LIMIT: '0' });
    publisher = await makeUser(t.dataSource, { organisation: await makeOrganisation(t.dataSource), roles: [Role.PUBLISHER] });
  });

  afterAll(async () => {
    await t?.close();
    for (const res of trickling) res.destroy();
    await new Promise<void>((resolve) => receiver.close(() => resolve()));
  });

  async function as(query: string, variables: Record<string, unknown> = {}) {
    return t.gql<Record<string, any>>(query, variables, await t.tokenFor(publisher));
  }

  async function requestReuse(): Promise<void> {
    const system = await makePublishedEntry(t.dataSource, { id: publisher.organisationId, slug: publisher.organisationSlug } as never);
    const requester = await makeUser(t.dataSource, { organisation: await makeOrganisation(t.dataSource) });
    const res = await t.gql(REQUEST, { input: { aiSystemId: system.globalId, purpose: 'Tropfen', intendedUse: 'Test' } }, await t.tokenFor(requester));
    expect(res.errors).toBeUndefined();
  }

  async function deliveries(url: string): Promise<Array<{ status: string; attempts: number; lastStatusCode: number | null; lastError: string | null }>> {
    const res = await as(WEBHOOKS);
    return res.data?.webhooks.find((w: { url: string }) => w.url === url)?.deliveries.nodes ?? [];
  }

  it('fails the attempt at WEBHOOK_TIMEOUT_MS without holding a transaction, and the worker goes on delivering others', async () => {
    expect((await as(REGISTER, { input: { url: `${base}/trickle`, events: ['ReuseRequested'], secret: SECRET } })).errors).toBeUndefined();
    await requestReuse();
    await eventually(() => calls.trickle === 1);
    // While the receiver trickles, no database session of this test's database waits inside a transaction.
    const waiting: Array<{ n: number }> = await t.dataSource.query(
      `SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND state = 'idle in transaction'`,
    );
    expect(waiting[0]?.n).toBe(0);

    expect((await as(REGISTER, { input: { url: `${base}/fast`, events: ['ReuseRequested'], secret: SECRET } })).errors).toBeUndefined();
    await requestReuse();
    await eventually(async () => (await deliveries(`${base}/fast`))[0]?.status === 'SUCCEEDED');
    await eventually(async () => (await deliveries(`${base}/trickle`)).every((d) => d.status === 'FAILED'));
    expect(await deliveries(`${base}/trickle`)).toContainEqual({ status: 'FAILED', attempts: 1, lastStatusCode: null, lastError: 'no complete answer within 2000 ms' });
    expect(calls.fast).toBe(1);
  });
});

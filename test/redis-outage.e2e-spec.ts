import { createServer, connect, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { Role } from '@app/common';
import { createTestApp, makeOrganisation, makePublishedEntry, makeUser, type TestApp, eventually as pollUntil } from '@app/testing';

const REQUEST = `mutation($input: RequestReuseInput!) { requestReuse(input: $input) { reuseRequest { id } } }`;
/** A Redis answering PING on 127.0.0.1:6379 (as on CI machines), for when REDIS_URL is not set. */
async function localRedis(): Promise<string | undefined> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port: 6379 });
    const done = (url: string | undefined) => {
      socket.destroy();
      resolve(url);
    };
    socket.setTimeout(1000, () => done(undefined));
    socket.once('error', () => done(undefined));
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.once('data', (data) => done(data.toString().startsWith('+PONG') ? 'redis://127.0.0.1:6379' : undefined));
  });
}

// The outage needs a real Redis behind the relay: REDIS_URL, else the local one when it runs; without any, skipped.
const redisUrl = process.env.REDIS_URL ?? (await localRedis());

/** Polls `probe` every 50 ms until it returns true; fails after `ms`. */
const eventually = (probe: () => boolean | Promise<boolean>, ms = 15_000, every = 50) => pollUntil(probe, ms, every);

/** A TCP relay in front of the real Redis that can go silent (packets vanish) or down (connections refused). */
class RedisRelay {
  private readonly server: Server;
  private readonly sockets = new Set<Socket>();
  private silent = false;

  constructor(private readonly target: URL) {
    this.server = createServer((client) => {
      const upstream = connect(Number(target.port || 6379), target.hostname);
      for (const [from, to] of [[client, upstream], [upstream, client]] as const) {
        this.sockets.add(from);
        from.on('data', (chunk) => {
          if (!this.silent) to.write(chunk);
        });
        from.on('error', () => to.destroy());
        from.on('close', () => {
          this.sockets.delete(from);
          to.destroy();
        });
      }
    });
  }

  async listen(): Promise<string> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    const url = new URL(this.target.href);
    url.hostname = '127.0.0.1';
    url.port = String((this.server.address() as AddressInfo).port);
    return url.href;
  }

  goSilent(): void {
    this.silent = true;
  }

  async goDown(): Promise<void> {
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    for (const socket of this.sockets) socket.destroy();
    await closed;
  }
}

(redisUrl ? describe : describe.skip)('a Redis outage does not stall notifications (needs a Redis: REDIS_URL or 127.0.0.1:6379)', () => {
  let relay: RedisRelay;
  let t: TestApp | undefined;

  afterEach(async () => {
    await t?.close();
    t = undefined;
    await relay.goDown().catch(() => undefined);
  });

  async function fanOutOnce(app: TestApp): Promise<void> {
    const organisation = await makeOrganisation(app.dataSource);
    const reviewer = await makeUser(app.dataSource, { organisation, roles: [Role.REVIEWER] });
    const system = await makePublishedEntry(app.dataSource, organisation);
    const requester = await makeUser(app.dataSource, { organisation: await makeOrganisation(app.dataSource) });
    const res = await app.gql(REQUEST, { input: { aiSystemId: system.globalId, purpose: 'Ausfall', intendedUse: 'Test' } }, await app.tokenFor(requester));
    expect(res.errors).toBeUndefined();
    // The fan-out job finishes (it does not wait for Redis) and the inbox has the notification.
    await eventually(async () => {
      const open: Array<{ n: number }> = await app.dataSource.query(`SELECT count(*)::int AS n FROM pgboss.job WHERE name = 'domain-event' AND state < 'completed'`);
      return open[0]?.n === 0;
    });
    const inbox: Array<{ n: number }> = await app.dataSource.query(`SELECT count(*)::int AS n FROM notification WHERE recipient_id = $1`, [reviewer.id]);
    expect(inbox[0]?.n).toBe(1);
  }

  it('finishes the fan-out and shuts down when Redis stops answering', async () => {
    relay = new RedisRelay(new URL(redisUrl ?? ''));
    t = await createTestApp({ WORKER: 'true', REDIS_URL: await relay.listen() });
    relay.goSilent();
    await fanOutOnce(t);
    await t.close();
    t = undefined;
  });

  it('finishes the fan-out when Redis is down', async () => {
    relay = new RedisRelay(new URL(redisUrl ?? ''));
    t = await createTestApp({ WORKER: 'true', REDIS_URL: await relay.listen() });
    await relay.goDown();
    await fanOutOnce(t);
  });
});

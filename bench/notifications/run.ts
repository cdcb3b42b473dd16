import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createWriteStream, mkdirSync } from 'node:fs';
import { createServer } from 'node:net';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { loadConfig, signLocalToken } from '@app/common';
import { demoSubject, findDemoUser } from '@app/data';
import { isEntryPoint, logLine, option } from '../cli.js';
import { openBenchServer, repositoryRoot, withClient, type BenchServer } from '../bench-database.js';

const DATABASE = 'kim_bench_notifications';
const OWNER = 'bamf';
const OWNER_REVIEWER = 'reviewer@bamf.example';
/** Members of four other organisations ask for each of BAMF's systems; the messages spread over those requests. */
const REQUESTERS = ['user@bmas.example', 'user@it-nrw.example', 'user@lfst-bayern.example', 'user@stadt-leipzig.example'];

interface Options {
  events: number;
  rate: number;
  workers: number;
  pollMs: number;
  redisUrl: string;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

async function until(probe: () => Promise<boolean> | boolean, ms: number, what: string): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN;
}

/** Commit → subscription delivery of N events through one api replica, K workers and Redis. */
async function run(server: BenchServer, options: Options): Promise<string> {
  await withClient(server.adminUrl, async (client) => {
    await client.query(`DROP DATABASE IF EXISTS ${DATABASE} WITH (FORCE)`);
    await client.query(`CREATE DATABASE ${DATABASE}`);
  });
  const databaseUrl = server.urlFor(DATABASE);
  const secret = randomBytes(32).toString('hex');
  const port = await freePort();
  const dataDir = join(repositoryRoot, '.bench-data', 'notifications');
  mkdirSync(dataDir, { recursive: true });
  const env = {
    NODE_ENV: 'production',
    DATABASE_URL: databaseUrl,
    LOCAL_AUTH: 'true',
    LOCAL_AUTH_SECRET: secret,
    REDIS_URL: options.redisUrl,
    JOB_POLL_INTERVAL_MS: String(options.pollMs),
    LOG_LEVEL: 'warn',
    DATA_DIR: dataDir,
  };
  const children: ChildProcess[] = [];
  // The processes log JSON lines (warnings and errors) into .bench-data/notifications/processes.log.
  const log = createWriteStream(join(dataDir, 'processes.log'));
  const start = (script: string, extra: Record<string, string>) => {
    const child = spawn(process.execPath, [join(repositoryRoot, script)], { env: { ...env, ...extra }, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout?.pipe(log, { end: false });
    child.stderr?.pipe(log, { end: false });
    children.push(child);
    return child;
  };
  try {
    logLine(`starting the api (WORKER=false) on port ${port}; it migrates and seeds the demo data`);
    start('dist/apps/api/src/main.js', { PORT: String(port), HOST: '127.0.0.1', MIGRATE_ON_START: 'true', SEED_DEMO_DATA: 'true', OPERATOR_ORGANISATION: 'itzbund', WORKER: 'false' });
    const base = `http://127.0.0.1:${port}`;
    await until(() => fetch(`${base}/ready`).then((r) => r.ok, () => false), 120_000, 'the api');
    logLine(`starting ${options.workers} workers (JOB_POLL_INTERVAL_MS=${options.pollMs})`);
    for (let i = 0; i < options.workers; i++) start('dist/apps/worker/src/main.js', {});
    await withClient(databaseUrl, (client) =>
      until(async () => (await client.query(`SELECT count(*)::int AS n FROM pgboss.job WHERE name = 'domain-event' AND state < 'completed'`)).rows[0].n === 0, 120_000, 'the seed’s events'),
    );

    const token = async (email: string) => {
      const user = findDemoUser(email);
      if (!user) throw new Error(`${email} is not a demo user`);
      return signLocalToken(new TextEncoder().encode(secret), { subject: demoSubject(email), email, name: user.displayName, organisation: user.organisation, roles: user.roles });
    };
    const gql = async (bearer: string, query: string, variables: Record<string, unknown>) => {
      const res = await fetch(`${base}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${bearer}` }, body: JSON.stringify({ query, variables }) });
      const body = (await res.json()) as { data?: Record<string, any>; errors?: unknown[] };
      if (body.errors) throw new Error(JSON.stringify(body.errors));
      return body.data ?? {};
    };
    const reviewerToken = await token(OWNER_REVIEWER);
    const organisations = await gql(reviewerToken, `{ organisations(first: 100) { nodes { id slug } } }`, {});
    const owner = organisations.organisations.nodes.find((o: { slug: string }) => o.slug === OWNER);
    const systems = await gql(reviewerToken, `query($f: AiSystemFilter) { searchAiSystems(filter: $f, first: 100) { nodes { id } } }`, { f: { organisation: [owner.id] } });
    const requests: Array<{ token: string; id: string }> = [];
    for (const email of REQUESTERS) {
      const bearer = await token(email);
      for (const system of systems.searchAiSystems.nodes as Array<{ id: string }>) {
        const requested = await gql(bearer, `mutation($input: RequestReuseInput!) { requestReuse(input: $input) { reuseRequest { id } } }`, {
          input: { aiSystemId: system.id, purpose: 'Benchmark', intendedUse: 'Benchmark' },
        });
        requests.push({ token: bearer, id: requested.requestReuse.reuseRequest.id });
      }
    }
    logLine(`${requests.length} reuse requests to ${OWNER}'s systems carry the messages`);

    const latencies: number[] = [];
    let received = 0;
    const client = createClient({ url: `ws://127.0.0.1:${port}/graphql`, webSocketImpl: WebSocket, connectionParams: { authorization: `Bearer ${reviewerToken}` } });
    client.subscribe<{ notificationAdded: { eventType: string; createdAt: string } }>(
      { query: `subscription { notificationAdded { eventType createdAt } }` },
      {
        next: (result) => {
          const n = result.data?.notificationAdded;
          if (n?.eventType !== 'ReuseRequestMessageAdded') return;
          received++;
          latencies.push(Date.now() - Date.parse(n.createdAt));
        },
        error: (error) => logLine(`subscription error: ${JSON.stringify(error)}`),
        complete: () => undefined,
      },
    );
    const message = `mutation($input: AddReuseRequestMessageInput!) { addReuseRequestMessage(input: $input) { message { body } } }`;
    // Warm up: the subscription is live once its first notification arrives.
    const send = (i: number) => {
      const target = requests[i % requests.length];
      if (target === undefined) throw new Error('no reuse request to write to');
      return gql(target.token, message, { input: { reuseRequestId: target.id, body: `Nachricht ${i}` } });
    };
    await send(0);
    await until(() => received >= 1, 30_000, 'the warm-up notification');
    received = 0;
    latencies.length = 0;

    logLine(`sending ${options.events} mutations at ${options.rate}/s`);
    const started = Date.now();
    const inFlight: Array<Promise<unknown>> = [];
    for (let i = 0; i < options.events; i++) {
      const due = started + (i * 1000) / options.rate;
      const wait = due - Date.now();
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      inFlight.push(send(i));
    }
    await Promise.all(inFlight);
    const sent = Date.now();
    await until(() => received >= options.events, 120_000, `${options.events} notifications (got ${received})`);
    await client.dispose();

    const sorted = [...latencies].sort((a, b) => a - b);
    const mean = sorted.reduce((a, b) => a + b, 0) / sorted.length;
    const p95 = percentile(sorted, 95);
    return [
      `## Notifications: commit → live delivery (${new Date().toISOString().slice(0, 10)})`,
      '',
      `${options.events} events (\`addReuseRequestMessage\` by requesters, spread over their reuse requests to BAMF's systems, each notifying BAMF's reviewer) at ${options.rate}/s`,
      `through one api replica (WORKER=false), ${options.workers} worker processes and Redis pub/sub; the subscriber is a graphql-ws`,
      `client on the api. Latency = arrival at the subscriber − the notification's createdAt (the event's transaction`,
      `time, a few ms before its commit), so it includes enqueue, polling, fan-out, Redis and the WebSocket. The inbox row`,
      `is committed before the live push, so in-app delivery is at most this.`,
      '',
      '| events | sent in | p50 | p95 | p99 | max | mean | target p95 |',
      '| --- | --- | --- | --- | --- | --- | --- | --- |',
      `| ${sorted.length} | ${((sent - started) / 1000).toFixed(1)} s | ${percentile(sorted, 50)} ms | ${p95} ms | ${percentile(sorted, 99)} ms | ${sorted.at(-1)} ms | ${mean.toFixed(0)} ms | ≤ 1000 ms: ${p95 <= 1000 ? 'met' : 'missed'} |`,
      '',
      `Setup: ${cpus().length} cores (${cpus()[0]?.model ?? '?'}), ${(totalmem() / 2 ** 30).toFixed(0)} GB RAM, Node ${process.version}; PostgreSQL ${server.description};`,
      `JOB_POLL_INTERVAL_MS=${options.pollMs} (pg-boss 10 polls; an idle worker finds a job after up to that long, two workers halve the`,
      `expected wait). Reproduce: \`npm run bench:notifications -- --events ${options.events} --rate ${options.rate} --workers ${options.workers} --poll ${options.pollMs}\`.`,
      '',
    ].join('\n');
  } finally {
    for (const child of children) child.kill('SIGTERM');
    await Promise.all(children.map((child) => new Promise((resolve) => (child.exitCode !== null ? resolve(null) : child.once('exit', resolve)))));
  }
}

/**
 * `npm run bench:notifications [-- --events 1000 --rate 50 --workers 2 --poll 500]`: needs Redis (REDIS_URL, default
 * redis://127.0.0.1:6379) and a PostgreSQL (DATABASE_URL, or the embedded one in .bench-data/).
 */
if (isEntryPoint(import.meta.url)) {
  const args = process.argv.slice(2);
  const options: Options = {
    events: Number(option(args, 'events', '1000')),
    rate: Number(option(args, 'rate', '50')),
    workers: Number(option(args, 'workers', '2')),
    pollMs: Number(option(args, 'poll', '500')),
    redisUrl: loadConfig().notifications.redisUrl ?? 'redis://127.0.0.1:6379',
  };
  const server = await openBenchServer(logLine);
  try {
    process.stdout.write(await run(server, options));
  } finally {
    await server.stop();
  }
}

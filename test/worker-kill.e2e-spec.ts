import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Role } from '@app/common';
import { DomainEventService, TransactionService } from '@app/data';
import { createTestApp, makeOrganisation, makePublishedEntry, makeUser, TEST_LOCAL_SECRET, type TestApp, eventually as pollUntil } from '@app/testing';

const EVENTS = 200;
const REVIEWERS = 4;

/** Polls `probe` every 100 ms until it returns true; fails after `ms`. */
const eventually = (probe: () => boolean | Promise<boolean>, ms = 60_000, every = 100) => pollUntil(probe, ms, every);

describe('a worker process killed in the middle of a batch (SIGKILL)', () => {
  let t: TestApp;
  let dataDir: string;
  const workers: ChildProcess[] = [];
  const output: string[] = [];

  beforeAll(async () => {
    // The api only records events; the worker child processes consume them.
    t = await createTestApp({ WORKER: 'false', JOB_EXPIRE_SECONDS: '3' });
    dataDir = mkdtempSync(join(tmpdir(), 'kim-worker-'));
  });

  afterAll(async () => {
    for (const worker of workers) if (worker.exitCode === null && worker.signalCode === null) worker.kill('SIGKILL');
    await t?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  function startWorker(): ChildProcess {
    const worker = spawn(process.execPath, ['dist/apps/worker/src/main.js'], {
      env: {
        PATH: process.env.PATH,
        NODE_ENV: 'test',
        DATABASE_URL: t.databaseUrl,
        DATA_DIR: dataDir,
        LOCAL_AUTH_SECRET: TEST_LOCAL_SECRET,
        LOG_LEVEL: 'warn',
        JOB_POLL_INTERVAL_MS: '500',
        JOB_RETRY_DELAY_SECONDS: '1',
        // A killed worker's active jobs are retried once they expire; keep that short for the test.
        JOB_EXPIRE_SECONDS: '3',
        JOB_MAINTENANCE_SECONDS: '1',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    worker.stdout?.on('data', (chunk: Buffer) => output.push(chunk.toString()));
    worker.stderr?.on('data', (chunk: Buffer) => output.push(chunk.toString()));
    workers.push(worker);
    return worker;
  }

  const exited = (worker: ChildProcess) => new Promise<void>((resolve) => (worker.exitCode !== null || worker.signalCode !== null ? resolve() : worker.once('exit', () => resolve())));

  async function count(sql: string, params: unknown[] = []): Promise<number> {
    const rows: Array<{ n: number }> = await t.dataSource.query(sql, params);
    return rows[0]?.n ?? 0;
  }

  it('loses nothing and duplicates nothing after a restart', async () => {
    const ownerOrg = await makeOrganisation(t.dataSource, { name: 'Landesamt Ausfall' });
    for (let i = 0; i < REVIEWERS; i++) await makeUser(t.dataSource, { organisation: ownerOrg, roles: [Role.REVIEWER] });
    const requestingOrg = await makeOrganisation(t.dataSource);
    const requester = await makeUser(t.dataSource, { organisation: requestingOrg });
    const system = await makePublishedEntry(t.dataSource, ownerOrg);
    const tx = t.app.get(TransactionService);
    const events = t.app.get(DomainEventService);
    for (let i = 0; i < EVENTS; i++) {
      await tx.run(() =>
        events.record(
          {
            type: 'ReuseRequested',
            aggregateType: 'ReuseRequest',
            aggregateId: randomUUID(),
            payload: { aiSystemId: system.id, owningOrganisationId: ownerOrg.id, requestingOrganisationId: requestingOrg.id, requesterId: requester.id },
          },
          { actorUserId: requester.id, requestId: `kill-${i}` },
        ),
      );
    }
    const total = EVENTS * REVIEWERS;

    const first = startWorker();
    // Kill while a batch is being worked: jobs fetched (active) and part of the notifications written.
    await eventually(
      async () =>
        (await count(`SELECT count(*)::int AS n FROM notification`)) >= REVIEWERS * 20 &&
        (await count(`SELECT count(*)::int AS n FROM pgboss.job WHERE name = 'domain-event' AND state = 'active'`)) > 0,
      60_000,
      10,
    );
    first.kill('SIGKILL');
    await exited(first);
    expect(first.signalCode).toBe('SIGKILL');
    const atKill = await count(`SELECT count(*)::int AS n FROM notification`);
    const stranded = await count(`SELECT count(*)::int AS n FROM pgboss.job WHERE name = 'domain-event' AND state = 'active'`);
    expect(atKill).toBeLessThan(total);
    expect(stranded).toBeGreaterThan(0);

    const second = startWorker();
    await eventually(async () => (await count(`SELECT count(*)::int AS n FROM pgboss.job WHERE name = 'domain-event' AND state < 'completed'`)) === 0, 90_000, 200);

    expect(await count(`SELECT count(*)::int AS n FROM notification`)).toBe(total);
    expect(await count(`SELECT count(DISTINCT (event_id, recipient_id))::int AS n FROM notification`)).toBe(total);
    expect(await count(`SELECT count(*)::int AS n FROM (SELECT event_id FROM notification GROUP BY event_id HAVING count(*) = $1) e`, [REVIEWERS])).toBe(EVENTS);
    // The jobs the killed worker held were retried, not dropped.
    expect(await count(`SELECT count(*)::int AS n FROM pgboss.job WHERE name = 'domain-event' AND state = 'completed' AND retry_count > 0`)).toBeGreaterThanOrEqual(1);
    expect(await count(`SELECT count(*)::int AS n FROM pgboss.job WHERE name = 'domain-event-dead'`)).toBe(0);

    second.kill('SIGTERM');
    await exited(second);
    expect(output.join('')).not.toMatch(/"level":(50|60)/);
  }, 180_000);
});

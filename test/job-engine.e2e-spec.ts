import { DOMAIN_EVENT_QUEUE, DomainEventService, JobQueue, TransactionService } from '@app/data';
import { createTestApp, type TestApp, eventually } from '@app/testing';


describe('job engine (pg-boss on PostgreSQL)', () => {
  let t: TestApp;
  let second: TestApp;

  beforeAll(async () => {
    t = await createTestApp({ WORKER: 'true' });
    second = await createTestApp({ WORKER: 'true' }, { shareDatabaseOf: t });
  });

  afterAll(async () => {
    await second?.close();
    await t?.close();
  });

  const event = { type: 'TestHappened', aggregateType: 'Test', aggregateId: '00000000-0000-4000-8000-000000000001', payload: {} };

  it('enqueues the job of a recorded event in the transaction of the change: rolled back with it, there when it commits', async () => {
    const tx = t.app.get(TransactionService);
    const events = t.app.get(DomainEventService);
    let rolledBackId = '';
    await expect(
      tx.run(async () => {
        rolledBackId = await events.record(event, { actorUserId: null, requestId: 'rollback' });
        throw new Error('the change fails');
      }),
    ).rejects.toThrow('the change fails');
    const committedId = await tx.run(() => events.record(event, { actorUserId: null, requestId: 'commit' }));
    const jobs: Array<{ id: string; data: { eventId: string } }> = await t.dataSource.query(`SELECT id, data FROM pgboss.job WHERE name = $1 AND id = ANY($2)`, [
      DOMAIN_EVENT_QUEUE,
      [rolledBackId, committedId],
    ]);
    expect(jobs).toEqual([{ id: committedId, data: { eventId: committedId, type: 'TestHappened' } }]);
    const rows: unknown[] = await t.dataSource.query(`SELECT 1 FROM domain_event WHERE id = $1`, [rolledBackId]);
    expect(rows).toHaveLength(0);
  });

  it('retries a failing job with backoff, then moves it to the dead-letter queue', async () => {
    const jobs = t.app.get(JobQueue);
    const attempts: number[] = [];
    const dead: unknown[] = [];
    await jobs.define({ name: 'test-always-fails', retryLimit: 2, retryDelaySeconds: 1, retryBackoff: true, deadLetter: 'test-always-fails-dead' });
    await jobs.work('test-always-fails', async (_data, job) => {
      attempts.push(job.retryCount);
      throw new Error('receiver down');
    });
    await jobs.work('test-always-fails-dead', async (data) => {
      dead.push(data);
    });
    await jobs.send('test-always-fails', { n: 1 });
    await eventually(async () => dead.length === 1);
    expect(attempts).toEqual([0, 1, 2]);
    expect(dead).toEqual([{ n: 1 }]);
    const [retried]: Array<{ state: string; retry_count: number }> = await t.dataSource.query(
      `SELECT state, retry_count FROM pgboss.job WHERE name = 'test-always-fails'`,
    );
    expect(retried).toEqual({ state: 'failed', retry_count: 2 });
  });

  it('lets several workers compete on one queue: each job is handled by exactly one of them', async () => {
    const handled: string[] = [];
    for (const app of [t, second]) {
      const jobs = app.app.get(JobQueue);
      await jobs.define({ name: 'test-compete' });
      await jobs.work<{ n: number }>('test-compete', async (data) => {
        handled.push(String(data.n));
      }, { batchSize: 3 });
    }
    const jobs = t.app.get(JobQueue);
    await Promise.all(Array.from({ length: 30 }, (_, n) => jobs.send('test-compete', { n })));
    await eventually(async () => handled.length >= 30 && (await jobs.pending('test-compete')) === 0);
    expect(handled).toHaveLength(30);
    expect(new Set(handled).size).toBe(30);
  });

  it('scans for expiring approvals on the job engine’s hourly schedule', async () => {
    const schedules: Array<{ name: string; cron: string; timezone: string }> = await t.dataSource.query(`SELECT name, cron, timezone FROM pgboss.schedule`);
    expect(schedules).toContainEqual({ name: 'approval-expiry-scan', cron: '0 * * * *', timezone: 'Europe/Berlin' });
  });
});

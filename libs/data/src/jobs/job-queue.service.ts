import { BeforeApplicationShutdown, Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import pg from 'pg';
import PgBoss from 'pg-boss';
import { APP_CONFIG, type AppConfig } from '@app/common';
import { TransactionService } from '../transaction.service.js';

export const DATABASE_URL = Symbol('DATABASE_URL');

/** pg-boss lives in its own schema, created by a migration (see 1763900500000-install-job-engine). */
export const JOB_SCHEMA = 'pgboss';

/** NOTIFY channel that wakes idle workers when a job is enqueued (a hint; polling stays the source of truth). */
const WAKE_CHANNEL = 'ki_marktplatz_jobs';

export interface QueueDefinition {
  name: string;
  retryLimit?: number;
  retryDelaySeconds?: number;
  /** Exponential backoff with jitter between retries (pg-boss: delay · 2^n). */
  retryBackoff?: boolean;
  expireInSeconds?: number;
  /** Where a job goes after its last failed retry; defined as a queue of its own. */
  deadLetter?: string;
}

export interface JobOptions {
  /** Deterministic job id: a second send with the same id is a no-op. */
  id?: string;
  singletonKey?: string;
  startAfterSeconds?: number;
}

export type JobHandler<T> = (data: T, job: { id: string; name: string; retryCount: number }) => Promise<void>;

interface Worker {
  name: string;
  handler: JobHandler<never>;
  batchSize: number;
  id: string | null;
}

/**
 * The job engine: pg-boss on the application's PostgreSQL. `send` inside a transaction enqueues through that
 * transaction (the job exists exactly when the change commits); consumers run only where `jobs.work` is on.
 */
@Injectable()
export class JobQueue implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(JobQueue.name);
  private readonly boss: PgBoss;
  private readonly queues = new Map<string, QueueDefinition>();
  private readonly workers: Worker[] = [];
  private readonly schedules: Array<{ name: string; cron: string }> = [];
  private started = false;
  private listener: pg.Client | null = null;

  constructor(
    @Inject(DATABASE_URL) private readonly databaseUrl: string,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly tx: TransactionService,
  ) {
    const jobs = config.jobs;
    this.boss = new PgBoss({
      connectionString: databaseUrl,
      schema: JOB_SCHEMA,
      application_name: 'ki-marktplatz-jobs',
      max: 4,
      migrate: false,
      supervise: jobs.work,
      schedule: jobs.work,
      pollingIntervalSeconds: jobs.pollingIntervalSeconds,
      maintenanceIntervalSeconds: jobs.maintenanceIntervalSeconds,
      retryLimit: jobs.retryLimit,
      retryDelay: jobs.retryDelaySeconds,
      retryBackoff: true,
      expireInSeconds: jobs.expireSeconds,
    });
    this.boss.on('error', (error) => this.logger.error(`job engine: ${error.message}`));
  }

  /** Declares a queue; created (or updated) when the engine starts. */
  async define(queue: QueueDefinition): Promise<void> {
    this.queues.set(queue.name, queue);
    if (queue.deadLetter !== undefined && !this.queues.has(queue.deadLetter)) this.queues.set(queue.deadLetter, { name: queue.deadLetter, retryLimit: 0 });
    if (this.started) await this.ensureQueue(queue);
  }

  /** Consumes `name` in this process when it is a worker (WORKER=true or apps/worker). */
  async work<T>(name: string, handler: JobHandler<T>, options: { batchSize?: number } = {}): Promise<void> {
    const worker: Worker = { name, handler: handler as JobHandler<never>, batchSize: options.batchSize ?? 1, id: null };
    this.workers.push(worker);
    if (this.started) await this.startWorker(worker);
  }

  /** A cron schedule (Europe/Berlin); pg-boss fires it once per slot however many workers run. */
  schedule(name: string, cron: string): void {
    this.schedules.push({ name, cron });
  }

  /** Enqueues in the current transaction when there is one: rolled back with it, visible when it commits. */
  async send(name: string, data: object, options: JobOptions = {}): Promise<string | null> {
    const definition = this.queues.get(name);
    if (definition === undefined) throw new Error(`queue ${name} is not defined`);
    const sendOptions: PgBoss.SendOptions = {
      ...(options.id === undefined ? {} : { id: options.id }),
      ...(options.singletonKey === undefined ? {} : { singletonKey: options.singletonKey }),
      ...(options.startAfterSeconds === undefined ? {} : { startAfter: options.startAfterSeconds }),
    };
    if (this.tx.inTransaction) {
      const manager = this.tx.manager;
      sendOptions.db = {
        async executeSql(text: string, values: unknown[]) {
          const result: unknown = await manager.query(text, values);
          return { rows: Array.isArray(result) && result.length === 2 && Array.isArray(result[0]) && typeof result[1] === 'number' ? result[0] : (result as unknown[]) };
        },
      };
    }
    const id = await this.boss.send(name, data, sendOptions);
    // Delivered when the transaction commits (and not at all on rollback): idle workers fetch at once.
    await this.tx.manager.query(`SELECT pg_notify($1, $2)`, [WAKE_CHANNEL, name]);
    // pg-boss answers null when its insert found no queue; with our own id, null means "already enqueued".
    if (id === null && options.id === undefined && options.singletonKey === undefined) throw new Error(`job for ${name} was not enqueued`);
    return id;
  }

  /** How many jobs of `name` are waiting or running (for tests and readiness). */
  async pending(name: string): Promise<number> {
    const rows: Array<{ n: number }> = await this.tx.manager.query(
      `SELECT count(*)::int AS n FROM ${JOB_SCHEMA}.job WHERE name = $1 AND state < 'completed'`,
      [name],
    );
    return rows[0]?.n ?? 0;
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.boss.start();
    for (const queue of this.queues.values()) await this.ensureQueue(queue);
    this.started = true;
    if (!this.config.jobs.work) return;
    for (const { name, cron } of this.schedules) await this.boss.schedule(name, cron, {}, { tz: 'Europe/Berlin' });
    for (const worker of this.workers) await this.startWorker(worker);
    await this.listen();
  }

  /** Before any module closes what running jobs use (Nest runs every onModuleDestroy before onApplicationShutdown). */
  async beforeApplicationShutdown(): Promise<void> {
    if (!this.started) return;
    this.started = false;
    await this.listener?.end().catch(() => undefined);
    await this.boss.stop({ graceful: true, timeout: 10_000, wait: true });
  }

  private async ensureQueue(queue: QueueDefinition): Promise<void> {
    // Stored on the queue, so every job gets them whichever process enqueues it; the configuration fills the gaps.
    const jobs = this.config.jobs;
    const options: PgBoss.Queue = {
      name: queue.name,
      retryLimit: queue.retryLimit ?? jobs.retryLimit,
      retryDelay: queue.retryDelaySeconds ?? jobs.retryDelaySeconds,
      retryBackoff: queue.retryBackoff ?? true,
      expireInSeconds: queue.expireInSeconds ?? jobs.expireSeconds,
    };
    if (queue.deadLetter !== undefined) options.deadLetter = queue.deadLetter;
    if (queue.deadLetter !== undefined) await this.ensureQueue(this.queues.get(queue.deadLetter) ?? { name: queue.deadLetter });
    if ((await this.boss.getQueue(queue.name)) === null) {
      try {
        await this.boss.createQueue(queue.name, options);
        return;
      } catch (error) {
        // Another process created it at the same moment: fall through and update it.
        if ((await this.boss.getQueue(queue.name)) === null) throw error;
      }
    }
    await this.boss.updateQueue(queue.name, options);
  }

  private async startWorker(worker: Worker): Promise<void> {
    const options = { batchSize: worker.batchSize, pollingIntervalSeconds: this.config.jobs.pollingIntervalSeconds, includeMetadata: true as const };
    // A failing job fails its whole batch; handlers are idempotent, so the retried siblings do no harm.
    worker.id = await this.boss.work<object>(worker.name, options, async (jobs) => {
      for (const job of jobs) await worker.handler(job.data as never, { id: job.id, name: job.name, retryCount: job.retryCount });
      // pg-boss sleeps out the polling interval even after a full batch; a full batch means more wait, so fetch at once.
      if (jobs.length >= worker.batchSize && worker.id !== null) this.boss.notifyWorker(worker.id);
    });
  }

  /** Wakes this process's workers of a queue when another process enqueues into it; polling covers a lost connection. */
  private async listen(): Promise<void> {
    const client = new pg.Client({ connectionString: this.databaseUrl, application_name: 'ki-marktplatz-jobs-listen' });
    client.on('error', (error) => this.logger.warn(`job wake-up listener: ${error.message}; falling back to polling`));
    client.on('notification', (message) => {
      for (const worker of this.workers) if (worker.name === message.payload && worker.id !== null) this.boss.notifyWorker(worker.id);
    });
    try {
      await client.connect();
      await client.query(`LISTEN ${WAKE_CHANNEL}`);
      this.listener = client;
    } catch (error) {
      this.logger.warn(`job wake-up listener: ${error instanceof Error ? error.message : String(error)}; falling back to polling`);
      await client.end().catch(() => undefined);
    }
  }
}

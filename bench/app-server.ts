import 'reflect-metadata';
import cluster, { type Worker } from 'node:cluster';
import { createServer, type AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import type { AfterQueryEvent, BeforeQueryEvent, EntitySubscriberInterface, QueryRunner } from 'typeorm';
import { watchPauses, type Pause } from './pauses.js';

/**
 * The real application in its own process (so the load generator does not share its event loop), configured
 * like production through the environment search-load.ts gives it. On request it records the SQL statements the
 * application issues, with their parameters and timing, so the load test can replay exactly those with pg.
 *
 * With BENCH_API_PROCESSES=N (N > 1) this process forks N processes of the application with node:cluster, which
 * share one port (the primary hands connections round-robin to them), as N stateless api replicas behind a load
 * balancer would; it relays the capture messages to all of them. The primary does not load the application: with
 * the application's modules on its heap, V8's memory reducer compacted it once ~30 s after the start (70–110 ms of
 * one core), which the replicas on a 2-core machine felt as a stall that no production replica has.
 */

export interface CapturedStatement {
  sql: string;
  params: unknown[];
  /** The name the app prepared it under (TransactionService.queryPrepared), else null. */
  preparedAs: string | null;
  startedAt: number;
  endedAt: number;
}

export type ToAppServer = { type: 'capture-start' } | { type: 'capture-stop' } | { type: 'pauses' } | { type: 'stop' };
export type FromAppServer =
  | { type: 'ready'; port: number }
  | { type: 'pauses'; pauses: Pause[] }
  | { type: 'capture-started' }
  | { type: 'captured'; statements: CapturedStatement[] }
  | { type: 'failed'; message: string };

class StatementRecorder implements EntitySubscriberInterface {
  readonly statements: CapturedStatement[] = [];
  private readonly open = new Map<QueryRunner, CapturedStatement>();

  beforeQuery(event: BeforeQueryEvent): void {
    // The app passes positional parameters only (PostgresQueryRunner refuses named ones).
    const params: unknown[] = Array.isArray(event.parameters) ? event.parameters : [];
    const prepared: unknown = (event.queryRunner.data as { preparedStatement?: unknown } | undefined)?.preparedStatement;
    const preparedAs = typeof prepared === 'string' ? prepared : null;
    const statement = { sql: event.query, params, preparedAs, startedAt: performance.now(), endedAt: Number.NaN };
    this.statements.push(statement);
    this.open.set(event.queryRunner, statement);
  }

  afterQuery(event: AfterQueryEvent): void {
    const statement = this.open.get(event.queryRunner);
    if (statement !== undefined) statement.endedAt = performance.now();
    this.open.delete(event.queryRunner);
  }
}

function send(message: FromAppServer): void {
  process.send?.(message);
}

async function main(): Promise<void> {
  const [{ DataSource }, { createLogger, loadConfig }, { createApp }, { tuneHeapGrowth }] = await Promise.all([
    import('typeorm'),
    import('@app/common'),
    import('../apps/api/src/create-app.js'),
    import('../apps/api/src/heap-tuning.js'),
  ]);
  const config = loadConfig();
  // As apps/api/src/main.ts does.
  tuneHeapGrowth(config.heapGrowingPercent);
  if (config.databaseUrl === null) throw new Error('the benchmark app needs DATABASE_URL');
  const app = await createApp(config, config.databaseUrl, createLogger(config.logLevel));
  await app.listen(config.port, config.host);
  const dataSource = app.get(DataSource);
  // BENCH_TIMELINE=true (search-load --timeline): this replica's collections and event-loop stalls, with wall-clock times.
  const pauses = process.env.BENCH_TIMELINE === 'true' ? watchPauses(`api ${process.pid}`) : null;
  let recorder: StatementRecorder | null = null;
  process.on('message', (message: ToAppServer) => {
    if (message.type === 'capture-start') {
      recorder = new StatementRecorder();
      dataSource.subscribers.push(recorder);
      send({ type: 'capture-started' });
    } else if (message.type === 'capture-stop') {
      const index = recorder === null ? -1 : dataSource.subscribers.indexOf(recorder);
      if (index >= 0) dataSource.subscribers.splice(index, 1);
      send({ type: 'captured', statements: recorder?.statements ?? [] });
      recorder = null;
    } else if (message.type === 'pauses') {
      send({ type: 'pauses', pauses: pauses?.take() ?? [] });
    } else if (message.type === 'stop') {
      pauses?.stop();
      void app.close().then(() => process.exit(0));
    }
  });
  send({ type: 'ready', port: (app.getHttpServer().address() as AddressInfo).port });
}

/** A free port on 127.0.0.1 for the replicas to share. */
function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolvePort(port));
    });
  });
}

/** Each replica's next message of `type`. */
function fromAll<T extends FromAppServer['type']>(workers: Worker[], type: T): Promise<Array<Extract<FromAppServer, { type: T }>>> {
  return Promise.all(
    workers.map(
      (worker) =>
        new Promise<Extract<FromAppServer, { type: T }>>((resolveMessage, reject) => {
          const onMessage = (message: FromAppServer) => {
            if (message.type === 'failed') reject(new Error(message.message));
            else if (message.type === type) {
              worker.off('message', onMessage);
              resolveMessage(message as Extract<FromAppServer, { type: T }>);
            }
          };
          worker.on('message', onMessage);
        }),
    ),
  );
}

async function primary(replicas: number): Promise<void> {
  const port = await freePort();
  const workers = Array.from({ length: replicas }, () => cluster.fork({ ...process.env, PORT: String(port), BENCH_API_PROCESSES: '1' }));
  for (const worker of workers) worker.on('exit', (code) => code !== 0 && send({ type: 'failed', message: `an api replica exited with code ${code}` }));
  await fromAll(workers, 'ready');
  process.on('message', (message: ToAppServer) => {
    const tellAll = () => workers.forEach((worker) => worker.send(message));
    if (message.type === 'capture-start') {
      void fromAll(workers, 'capture-started').then(() => send({ type: 'capture-started' }));
      tellAll();
    } else if (message.type === 'capture-stop') {
      void fromAll(workers, 'captured').then((all) =>
        send({ type: 'captured', statements: all.flatMap((captured) => captured.statements).sort((a, b) => a.startedAt - b.startedAt) }),
      );
      tellAll();
    } else if (message.type === 'pauses') {
      void fromAll(workers, 'pauses').then((all) => send({ type: 'pauses', pauses: all.flatMap((replica) => replica.pauses) }));
      tellAll();
    } else if (message.type === 'stop') {
      workers.forEach((worker) => worker.removeAllListeners('exit'));
      void Promise.all(workers.map((worker) => new Promise((resolveExit) => worker.once('exit', resolveExit)))).then(() => process.exit(0));
      tellAll();
    }
  });
  send({ type: 'ready', port });
}

const replicas = Number(process.env.BENCH_API_PROCESSES ?? '1');
(cluster.isPrimary && replicas > 1 ? primary(replicas) : main()).catch((error: unknown) => {
  send({ type: 'failed', message: error instanceof Error ? (error.stack ?? error.message) : String(error) });
  process.exit(1);
});

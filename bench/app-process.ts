import { fork, type ChildProcess } from 'node:child_process';
import { createWriteStream, mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { API_NODE_FLAGS } from '../apps/api/src/heap-tuning.js';
import type { CapturedStatement, FromAppServer, ToAppServer } from './app-server.js';
import type { Pause } from './pauses.js';
import { repositoryRoot } from './bench-database.js';
import { SEARCH_DOCUMENT, type SearchVariables } from './scenarios.js';

export interface SearchResponse {
  data?: { searchAiSystems: { totalCount: number; didYouMean: string | null; pageInfo: { endCursor: string | null }; edges: unknown[] } };
  errors?: unknown[];
}

/** Node.js flags for the app's process, as the Dockerfile and `npm start` give them (BENCH_APP_NODE_FLAGS replaces them). */
const APP_NODE_FLAGS = process.env.BENCH_APP_NODE_FLAGS === undefined ? [...API_NODE_FLAGS] : process.env.BENCH_APP_NODE_FLAGS.split(' ').filter(Boolean);

/** The application in its own process (bench/app-server.js), started and stopped by the load test. */
export class AppProcess {
  private constructor(
    private readonly child: ChildProcess,
    readonly port: number,
  ) {}

  /** Starts bench/app-server.js configured like production (external database, local tokens, LOG_LEVEL=warn). */
  static async start(databaseUrl: string, secret: string, logFile: string, cpuProfileDir: string | null, processes = 1, timeline = false): Promise<AppProcess> {
    const dataDir = resolve(repositoryRoot, '.bench-data', 'app');
    mkdirSync(dataDir, { recursive: true });
    const child = fork(join(dirname(fileURLToPath(import.meta.url)), 'app-server.js'), [], {
      env: {
        NODE_ENV: 'production',
        DATABASE_URL: databaseUrl,
        LOCAL_AUTH: 'true',
        LOCAL_AUTH_SECRET: secret,
        LOG_LEVEL: 'warn',
        HOST: '127.0.0.1',
        PORT: '0',
        DATA_DIR: dataDir,
        OPERATOR_ORGANISATION: 'itzbund',
        BENCH_API_PROCESSES: String(processes),
        // api replicas as deployed (docker-compose.yml): jobs run in apps/worker, not in the api; search needs no Redis.
        WORKER: 'false',
        LIVE_WITHOUT_REDIS: 'true',
        BENCH_TIMELINE: String(timeline),
        // To compare with V8's own heap growth: HEAP_GROWING_PERCENT=0 npm run bench:search
        ...(process.env.HEAP_GROWING_PERCENT === undefined ? {} : { HEAP_GROWING_PERCENT: process.env.HEAP_GROWING_PERCENT }),
      },
      serialization: 'advanced',
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
      execArgv: [...APP_NODE_FLAGS, ...(cpuProfileDir === null ? [] : ['--cpu-prof', `--cpu-prof-dir=${cpuProfileDir}`])],
    });
    // Given-up requests make the app log errors; they go to a file, not into the result table.
    const log = createWriteStream(logFile);
    child.stdout?.pipe(log);
    child.stderr?.pipe(log);
    const ready = await AppProcess.next(child, 'ready');
    return new AppProcess(child, ready.port);
  }

  private static next<T extends FromAppServer['type']>(child: ChildProcess, type: T): Promise<Extract<FromAppServer, { type: T }>> {
    return new Promise((resolvePromise, reject) => {
      const onMessage = (message: FromAppServer) => {
        if (message.type === 'failed') finish(() => reject(new Error(`the app failed: ${message.message}`)));
        else if (message.type === type) finish(() => resolvePromise(message as Extract<FromAppServer, { type: T }>));
      };
      const onExit = (code: number | null) => finish(() => reject(new Error(`the app exited with code ${code}`)));
      const finish = (settle: () => void) => {
        child.off('message', onMessage);
        child.off('exit', onExit);
        settle();
      };
      child.on('message', onMessage);
      child.on('exit', onExit);
    });
  }

  /** The app's process id (for its CPU time). */
  get pid(): number {
    return this.child.pid ?? -1;
  }

  private tell(message: ToAppServer): void {
    this.child.send(message);
  }

  /** The statements the application issues while `work` runs. */
  async capture(work: () => Promise<void>): Promise<CapturedStatement[]> {
    const started = AppProcess.next(this.child, 'capture-started');
    this.tell({ type: 'capture-start' });
    await started;
    await work();
    const captured = AppProcess.next(this.child, 'captured');
    this.tell({ type: 'capture-stop' });
    return (await captured).statements;
  }

  /** The replicas' pauses since the last call (only recorded when started with `timeline`). */
  async pauses(): Promise<Pause[]> {
    const answer = AppProcess.next(this.child, 'pauses');
    this.tell({ type: 'pauses' });
    return (await answer).pauses;
  }

  async stop(): Promise<void> {
    if (this.child.exitCode !== null) return;
    const exited = new Promise((resolvePromise) => this.child.once('exit', resolvePromise));
    this.tell({ type: 'stop' });
    await exited;
  }
}

/** One searchAiSystems request; anything but a result (status, GraphQL errors) throws. */
export async function graphql(port: number, token: string, variables: SearchVariables): Promise<SearchResponse> {
  const response = await fetch(`http://127.0.0.1:${port}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query: SEARCH_DOCUMENT, variables }),
  });
  const body = (await response.json()) as SearchResponse;
  if (response.status !== 200 || body.errors !== undefined || body.data === undefined) {
    throw new Error(`searchAiSystems(${JSON.stringify(variables)}) failed: ${response.status} ${JSON.stringify(body).slice(0, 500)}`);
  }
  return body;
}


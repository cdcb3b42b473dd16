// Plain ESM on the built libraries: jest loads global setup outside its module mapper (npm test builds first).
import { chmodSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createDataSource, ensureDatabase, runMigrations, startEmbeddedPostgres } from '../dist/libs/data/src/index.js';

/**
 * Once per run: a PostgreSQL (DATABASE_URL, or an embedded one with fsync off) and a template database
 * with every migration applied. Each test file then clones the template into its own database.
 */
export default async function globalSetup() {
  const runId = `${Date.now().toString(36)}${process.pid.toString(36)}`;
  let adminUrl = process.env.DATABASE_URL;
  if (!adminUrl) {
    const dir = mkdtempSync(join(tmpdir(), 'kim-test-pg-'));
    // As root, postgres runs as its own user and must be able to enter the directory.
    chmodSync(dir, 0o755);
    globalThis.kimTestDir = dir;
    const pg = await startEmbeddedPostgres({
      dir: join(dir, 'cluster'),
      port: 0,
      settings: { fsync: 'off', synchronous_commit: 'off', full_page_writes: 'off', max_connections: '300' },
    });
    globalThis.kimTestEmbedded = pg;
    adminUrl = pg.url('postgres');
  }
  const template = `kim_template_${runId}`;
  await ensureDatabase(adminUrl, template);
  const url = new URL(adminUrl);
  url.pathname = `/${template}`;
  const dataSource = createDataSource(url.toString(), { poolSize: 1 });
  await dataSource.initialize();
  await runMigrations(dataSource);
  await dataSource.destroy();
  process.env.KIM_TEST_ADMIN_URL = adminUrl;
  process.env.KIM_TEST_TEMPLATE = template;
}

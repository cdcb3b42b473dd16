import { rmSync } from 'node:fs';
import pg from 'pg';

/** Drops this run's databases (on a shared DATABASE_URL server) or stops the embedded cluster. */
export default async function globalTeardown() {
  if (globalThis.kimTestEmbedded) {
    await globalThis.kimTestEmbedded.stop();
    rmSync(globalThis.kimTestDir, { recursive: true, force: true });
    return;
  }
  const adminUrl = process.env.KIM_TEST_ADMIN_URL;
  const template = process.env.KIM_TEST_TEMPLATE;
  if (!adminUrl || !template) return;
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    const { rows } = await client.query(`SELECT datname FROM pg_database WHERE datname = $1 OR datname LIKE $2`, [
      template,
      `${template.replace('kim_template_', 'kim_test_')}%`,
    ]);
    for (const { datname } of rows) await client.query(`DROP DATABASE IF EXISTS "${datname}" WITH (FORCE)`);
  } finally {
    await client.end();
  }
}

import PgBoss from 'pg-boss';
import type { MigrationInterface, QueryRunner } from 'typeorm';

/** pg-boss's own construction plan at its schema version 24 (pg-boss 10.x), without its BEGIN/COMMIT: it runs in this migration's transaction. */
const PGBOSS_SCHEMA_VERSION = 24;

/**
 * Installs the job engine's tables in schema `pgboss` through our migrations, so no process creates schema at
 * start (pg-boss runs with migrate: false). A later pg-boss upgrade ships its own migration with getMigrationPlans.
 */
export class InstallJobEngine1763900500000 implements MigrationInterface {
  name = 'InstallJobEngine1763900500000';

  async up(q: QueryRunner): Promise<void> {
    const plan = PgBoss.getConstructionPlans('pgboss')
      .replace(/^\s*BEGIN;/, '')
      .replace(/COMMIT;\s*$/, '');
    await q.query(plan);
    const rows: Array<{ version: number }> = await q.query(`SELECT version FROM pgboss.version`);
    if (rows[0]?.version !== PGBOSS_SCHEMA_VERSION) throw new Error(`pg-boss installed schema version ${rows[0]?.version}, this migration expects ${PGBOSS_SCHEMA_VERSION}`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP SCHEMA pgboss CASCADE`);
  }
}

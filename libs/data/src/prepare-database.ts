import { join } from 'node:path';
import type { AppConfig, AppLogger } from '@app/common';
import { createDataSource, runMigrations } from './data-source.js';
import { ensureDatabase, startEmbeddedPostgres, type RunningPostgres } from './embedded-postgres.js';
import { seedDemoData } from './seed/demo-seed.js';

export const EMBEDDED_DATABASE = 'ki_marktplatz';

export interface PreparedDatabase {
  url: string;
  embedded: RunningPostgres | null;
}

/** The database the app talks to: DATABASE_URL, or the embedded cluster in DATA_DIR; migrated and seeded as configured. */
export async function prepareDatabase(config: AppConfig, logger: AppLogger): Promise<PreparedDatabase> {
  let url = config.databaseUrl;
  let embedded: RunningPostgres | null = null;
  if (url === null) {
    const log = logger.child({ component: 'embedded-postgres' });
    embedded = await startEmbeddedPostgres({
      dir: join(config.dataDir, 'postgres'),
      port: config.embeddedPostgresPort,
      log: (message) => log.debug(message),
    });
    await ensureDatabase(embedded.url(), EMBEDDED_DATABASE);
    url = embedded.url(EMBEDDED_DATABASE);
    logger.info({ dir: embedded.dir, port: embedded.port }, 'embedded PostgreSQL started');
  }
  if (config.migrateOnStart || config.seedDemoData) {
    const dataSource = createDataSource(url, { poolSize: 1, applicationName: 'ki-marktplatz-migrate' });
    await dataSource.initialize();
    try {
      if (config.migrateOnStart) {
        const applied = await runMigrations(dataSource);
        logger.info({ applied }, applied.length > 0 ? 'migrations applied' : 'database schema is up to date');
      }
      if (config.seedDemoData) {
        const seeded = await seedDemoData(dataSource);
        logger.info(seeded, 'demo data seeded');
      }
    } finally {
      await dataSource.destroy();
    }
  }
  return { url, embedded };
}

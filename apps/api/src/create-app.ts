import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { NestPinoLogger, type AppConfig, type AppLogger } from '@app/common';
import { AppModule } from './app.module.js';
import { PrototypedExpressAdapter } from './express-adapter.js';
import { serveGraphiQLAssets } from './graphql/graphiql.js';
import { batchLimit, jsonBody } from './http-limits.js';
import { requestLog } from './request-log.js';

/** Builds the whole HTTP application; shared by `main` and the end-to-end tests. */
export async function createApp(config: AppConfig, databaseUrl: string, logger: AppLogger): Promise<NestExpressApplication> {
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot(config, databaseUrl, logger), new PrototypedExpressAdapter(), {
    bodyParser: false,
    logger: new NestPinoLogger(logger),
    abortOnError: false,
  });
  const server = app.getHttpAdapter().getInstance();
  server.disable('x-powered-by');
  server.set('trust proxy', 'loopback');
  app.use(requestLog(logger));
  app.use(jsonBody(config.graphql.maxBodyBytes));
  app.use('/graphql', batchLimit(config.graphql.maxBatch));
  if (config.graphql.playground) serveGraphiQLAssets(server);
  await app.init();
  return app;
}

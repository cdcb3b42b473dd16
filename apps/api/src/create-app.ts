import { randomUUID } from 'node:crypto';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { pinoHttp } from 'pino-http';
import { NestPinoLogger, type AppConfig, type AppLogger } from '@app/common';
import { AppModule } from './app.module.js';
import { serveGraphiQLAssets } from './graphql/graphiql.js';
import { batchLimit, jsonBody } from './http-limits.js';

/** Builds the whole HTTP application; shared by `main` and the end-to-end tests. */
export async function createApp(config: AppConfig, databaseUrl: string, logger: AppLogger): Promise<NestExpressApplication> {
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot(config, databaseUrl, logger), {
    bodyParser: false,
    logger: new NestPinoLogger(logger),
    abortOnError: false,
  });
  const server = app.getHttpAdapter().getInstance();
  server.disable('x-powered-by');
  server.set('trust proxy', 'loopback');
  app.use(
    pinoHttp({
      logger,
      genReqId: (req, res) => {
        const given = req.headers['x-request-id'];
        const id = typeof given === 'string' && /^[\w.-]{1,100}$/.test(given) ? given : randomUUID();
        res.setHeader('x-request-id', id);
        return id;
      },
      autoLogging: { ignore: (req) => req.url === '/health' || req.url === '/ready' },
    }),
  );
  app.use(jsonBody(config.graphql.maxBodyBytes));
  app.use('/graphql', batchLimit(config.graphql.maxBatch));
  if (config.graphql.playground) serveGraphiQLAssets(server);
  await app.init();
  return app;
}

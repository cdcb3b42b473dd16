import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { NestExpressApplication } from '@nestjs/platform-express';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { createLogger, loadConfig, signLocalToken, type AppConfig } from '@app/common';
import { createApp } from '../../../apps/api/src/create-app.js';
import type { MadeUser } from './factories.js';
import { createTestDatabase } from './test-database.js';

export const TEST_LOCAL_SECRET = 'test-secret-that-is-long-enough-0123456789';

export interface GraphQLResponse<T = Record<string, unknown>> {
  status: number;
  data: T | null | undefined;
  errors: Array<{ message: string; path?: string[]; extensions: { code: string; [key: string]: unknown } }> | undefined;
  body: unknown;
}

export interface TestApp {
  app: NestExpressApplication;
  config: AppConfig;
  dataSource: DataSource;
  databaseUrl: string;
  databaseName: string;
  /** POSTs one operation to /graphql (as `token`'s bearer when given). */
  gql<T = Record<string, unknown>>(query: string, variables?: Record<string, unknown>, token?: string): Promise<GraphQLResponse<T>>;
  tokenFor(user: MadeUser, options?: { expiresIn?: string; roles?: string[] }): Promise<string>;
  close(): Promise<void>;
}

/**
 * The real application on its own database; `env` overrides configuration like the environment would.
 * `shareDatabaseOf` starts a second instance (another replica or worker) on the database of an existing one.
 */
export async function createTestApp(env: Record<string, string> = {}, options: { shareDatabaseOf?: TestApp } = {}): Promise<TestApp> {
  const shared = options.shareDatabaseOf;
  const database = shared ? { url: shared.databaseUrl, name: shared.databaseName } : await createTestDatabase();
  const dataDir = mkdtempSync(join(tmpdir(), 'kim-test-data-'));
  const config = loadConfig({
    NODE_ENV: 'test',
    DATA_DIR: dataDir,
    LOCAL_AUTH_SECRET: TEST_LOCAL_SECRET,
    LOG_LEVEL: process.env.KIM_TEST_LOG ?? 'silent',
    // Real Redis for live notifications when the run has one (CI), in-memory otherwise.
    ...(process.env.REDIS_URL ? { REDIS_URL: process.env.REDIS_URL } : {}),
    // Only tests about jobs consume them (WORKER=true); the others just enqueue, as an api beside workers would.
    WORKER: 'false',
    // Without Redis such an api hears only its own fan-outs; the tests that need more start a working replica.
    LIVE_WITHOUT_REDIS: 'true',
    JOB_POLL_INTERVAL_MS: '500',
    JOB_RETRY_DELAY_SECONDS: '1',
    SEED_DEMO_DATA: 'false',
    MIGRATE_ON_START: 'false',
    ...env,
  });
  const app = await createApp(config, database.url, createLogger(config.logLevel));
  const secret = new TextEncoder().encode(config.auth.localSecret ?? TEST_LOCAL_SECRET);
  return {
    app,
    config,
    dataSource: app.get(DataSource),
    databaseUrl: database.url,
    databaseName: database.name,
    async gql(query, variables, token) {
      const req = request(app.getHttpServer()).post('/graphql').set('content-type', 'application/json');
      if (token) req.set('authorization', `Bearer ${token}`);
      const res = await req.send({ query, variables });
      return { status: res.status, data: res.body?.data, errors: res.body?.errors, body: res.body };
    },
    tokenFor(user, options = {}) {
      return signLocalToken(
        secret,
        { subject: user.subject, email: user.email, name: user.displayName, organisation: user.organisationSlug, roles: options.roles ?? user.roles },
        { expiresIn: options.expiresIn },
      );
    },
    async close() {
      await app.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

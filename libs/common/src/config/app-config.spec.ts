import { ConfigError, loadConfig } from './app-config.js';

function problemsOf(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  return [];
}

describe('loadConfig', () => {
  it('defaults to the embedded database with migrations, demo seed, local tokens and GraphiQL', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      nodeEnv: 'development',
      port: 3000,
      databaseUrl: null,
      migrateOnStart: true,
      seedDemoData: true,
      anonymousRead: false,
      auth: { localEnabled: true, localSecret: null, oidc: null },
      graphql: { maxDepth: 10, maxAliases: 15, maxBatch: 10, introspection: true, playground: true },
    });
    expect(config.dataDir).toMatch(/\/\.data$/);
  });

  it("lets the heap grow to 10× what survived a major collection unless HEAP_GROWING_PERCENT says otherwise (0: V8's own)", () => {
    expect(loadConfig({}).heapGrowingPercent).toBe(900);
    expect(loadConfig({ HEAP_GROWING_PERCENT: '0' }).heapGrowingPercent).toBe(0);
    expect(problemsOf({ HEAP_GROWING_PERCENT: '-1' })).toEqual(['HEAP_GROWING_PERCENT must be an integer between 0 and 10000 (got "-1")']);
    expect(problemsOf({ HEAP_GROWING_PERCENT: 'viel' })).toEqual(['HEAP_GROWING_PERCENT must be an integer between 0 and 10000 (got "viel")']);
  });

  it('does not migrate or seed an external database unless asked', () => {
    const config = loadConfig({ DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/postgres' });
    expect(config.migrateOnStart).toBe(false);
    expect(config.seedDemoData).toBe(false);
    expect(loadConfig({ DATABASE_URL: 'postgres://h/db', MIGRATE_ON_START: 'true' }).migrateOnStart).toBe(true);
  });

  it('reports every problem at once', () => {
    expect(problemsOf({ PORT: '70000', LOG_LEVEL: 'loud', ANONYMOUS_READ: 'maybe', DATABASE_URL: 'mysql://x', GRAPHQL_MAX_DEPTH: '0' })).toEqual([
      'DATABASE_URL must use postgres: or postgresql: (got "mysql:")',
      'PORT must be an integer between 0 and 65535 (got "70000")',
      'LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent (got "loud")',
      'ANONYMOUS_READ must be true or false (got "maybe")',
      'GRAPHQL_MAX_DEPTH must be an integer between 1 and 100 (got "0")',
    ]);
  });

  it('requires OIDC issuer and audience together', () => {
    expect(problemsOf({ OIDC_ISSUER: 'https://id.example/realms/kim' })).toContain('OIDC_AUDIENCE is required when OIDC_ISSUER is set');
    expect(problemsOf({ OIDC_AUDIENCE: 'kim' })).toContain('OIDC_ISSUER is required when OIDC_AUDIENCE is set');
    expect(problemsOf({ OIDC_ISSUER: 'not a url', OIDC_AUDIENCE: 'kim' })).toContain('OIDC_ISSUER must be a URL (got "not a url")');
  });

  it('refuses production without an external database and a real identity provider', () => {
    expect(problemsOf({ NODE_ENV: 'production' })).toEqual([
      'production needs OIDC_ISSUER (or LOCAL_AUTH=true)',
      'production needs DATABASE_URL (the embedded PostgreSQL is for development)',
      'no token issuer configured: set OIDC_ISSUER or LOCAL_AUTH=true',
    ]);
    expect(problemsOf({ NODE_ENV: 'production', DATABASE_URL: 'postgres://db/kim', LOCAL_AUTH: 'true' })).toEqual([
      'LOCAL_AUTH=true in production needs an explicit LOCAL_AUTH_SECRET',
    ]);
    const production = loadConfig({ NODE_ENV: 'production', DATABASE_URL: 'postgres://db/kim', OIDC_ISSUER: 'https://id.example/realms/kim', OIDC_AUDIENCE: 'kim' });
    expect(production.auth.localEnabled).toBe(false);
    expect(production.graphql.introspection).toBe(false);
    expect(production.graphql.playground).toBe(false);
  });

  it('refuses a short local secret', () => {
    expect(problemsOf({ LOCAL_AUTH_SECRET: 'short' })).toEqual(['LOCAL_AUTH_SECRET must be at least 32 characters']);
  });

  it('configures jobs and notifications, with e-mail and Redis off unless given', () => {
    expect(loadConfig({})).toMatchObject({
      jobs: { work: true, pollingIntervalSeconds: 2, retryLimit: 8, retryDelaySeconds: 5, expireSeconds: 300, digestCron: '0 7 * * *' },
      notifications: { redisUrl: null, smtpUrl: null, publicUrl: 'http://localhost:3000', secret: null, webhookAllowPrivate: false, webhookMaxFailures: 10 },
    });
    const given = loadConfig({ PORT: '8080', WORKER: 'false', JOB_POLL_INTERVAL_MS: '500', REDIS_URL: 'redis://127.0.0.1:6379', SMTP_URL: 'smtp://mailpit:1025', PUBLIC_URL: 'https://kim.example/' });
    expect(given.jobs).toMatchObject({ work: false, pollingIntervalSeconds: 0.5 });
    expect(given.notifications).toMatchObject({ redisUrl: 'redis://127.0.0.1:6379', smtpUrl: 'smtp://mailpit:1025', publicUrl: 'https://kim.example' });
    expect(loadConfig({ PORT: '8080' }).notifications.publicUrl).toBe('http://localhost:8080');
  });

  it('refuses bad notification settings, and private webhook targets or unsigned unsubscribe links in production', () => {
    expect(problemsOf({ REDIS_URL: 'http://redis', SMTP_URL: 'mailpit:1025', JOB_POLL_INTERVAL_MS: '100', NOTIFICATION_SECRET: 'kurz' })).toEqual([
      'JOB_POLL_INTERVAL_MS must be an integer between 500 and 60000 (got "100")',
      'REDIS_URL must use redis: or rediss: (got "http:")',
      'SMTP_URL must use smtp: or smtps: (got "mailpit:")',
      'NOTIFICATION_SECRET must be at least 32 characters',
    ]);
    const production = { NODE_ENV: 'production', DATABASE_URL: 'postgres://db/kim', OIDC_ISSUER: 'https://id.example/realms/kim', OIDC_AUDIENCE: 'kim' };
    expect(problemsOf({ ...production, SMTP_URL: 'smtp://mail:25', WEBHOOK_ALLOW_PRIVATE: 'true' })).toEqual([
      'SMTP_URL in production needs NOTIFICATION_SECRET (it signs unsubscribe links)',
      'WEBHOOK_ALLOW_PRIVATE=true is not allowed in production',
    ]);
    expect(problemsOf({ ...production, NOTIFICATION_SECRET: 'change-me-to-a-long-random-secret-0123456789' })).toEqual([
      'NOTIFICATION_SECRET is a published example value; set your own long random value (openssl rand -hex 32)',
    ]);
    expect(problemsOf({ NOTIFICATION_SECRET: 'change-me-to-a-long-random-secret-0123456789' })).toEqual([]);
  });

  it('refuses an api that does not work the queue and has no Redis, unless that is accepted explicitly', () => {
    const problem = "WORKER=false needs REDIS_URL: the workers' live notifications would never reach this api's subscribers (LIVE_WITHOUT_REDIS=true accepts that, e.g. in tests)";
    expect(problemsOf({ WORKER: 'false' })).toEqual([problem]);
    expect(problemsOf({ WORKER: 'false', REDIS_URL: 'redis://127.0.0.1:6379' })).toEqual([]);
    expect(problemsOf({ WORKER: 'false', LIVE_WITHOUT_REDIS: 'true' })).toEqual([]);
    expect(problemsOf({ WORKER: 'true' })).toEqual([]);
    expect(problemsOf({ WORKER: 'false', LIVE_WITHOUT_REDIS: 'perhaps' })).toEqual(['LIVE_WITHOUT_REDIS must be true or false (got "perhaps")', problem]);
  });
});

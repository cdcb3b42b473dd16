import { resolve } from 'node:path';

export type NodeEnv = 'development' | 'test' | 'production';

/** Validated configuration; the only way code reads the environment (see loadConfig). */
export interface AppConfig {
  nodeEnv: NodeEnv;
  isProduction: boolean;
  port: number;
  host: string;
  /** null: start the embedded PostgreSQL in `dataDir`. */
  databaseUrl: string | null;
  dataDir: string;
  /** 0: pick a free port at start. */
  embeddedPostgresPort: number;
  migrateOnStart: boolean;
  seedDemoData: boolean;
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  anonymousRead: boolean;
  /** Slug of the organisation that runs the marketplace; its reviewers may review every entry. */
  operatorOrganisation: string | null;
  /**
   * V8's old-generation growing factor as a percentage above 100 (900: the heap may grow to 10× what survived the
   * last major collection before the next); 0 keeps V8's own (at most 4×). Set by the api at start (heap-tuning.ts).
   */
  heapGrowingPercent: number;
  auth: {
    /** Accept HS256 tokens signed with the local secret (embedded default, tests, demo). */
    localEnabled: boolean;
    /** null: generated into `dataDir` on first start. */
    localSecret: string | null;
    oidc: {
      issuer: string;
      audience: string;
      jwksUrl: string | null;
      rolesClaim: string;
      organisationClaim: string;
    } | null;
  };
  /** Job engine (pg-boss on the same PostgreSQL). */
  jobs: {
    /** This process also consumes jobs (the api with WORKER=true, always the worker). */
    work: boolean;
    pollingIntervalSeconds: number;
    retryLimit: number;
    retryDelaySeconds: number;
    /** An active job not finished in this time (a killed worker) is retried. */
    expireSeconds: number;
    maintenanceIntervalSeconds: number;
    /** Cron (Europe/Berlin) of the daily e-mail digest. */
    digestCron: string;
  };
  notifications: {
    /** Redis for subscriptions across api replicas; null: in-memory (one process). */
    redisUrl: string | null;
    /** null: e-mail is off. */
    smtpUrl: string | null;
    mailFrom: string;
    /** Where users reach the api; unsubscribe links point here. */
    publicUrl: string;
    /** HMAC key of unsubscribe links; null: generated into `dataDir`. */
    secret: string | null;
    webhookAllowPrivate: boolean;
    webhookMaxFailures: number;
    webhookTimeoutMs: number;
  };
  graphql: {
    maxDepth: number;
    maxAliases: number;
    maxCost: number;
    maxTokens: number;
    maxDirectives: number;
    maxBatch: number;
    maxBodyBytes: number;
    introspection: boolean;
    playground: boolean;
  };
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

type Env = Record<string, string | undefined>;

class EnvReader {
  readonly problems: string[] = [];
  constructor(private readonly env: Env) {}

  string(name: string): string | undefined {
    const value = this.env[name];
    return value === undefined || value.trim() === '' ? undefined : value.trim();
  }

  oneOf<T extends string>(name: string, allowed: readonly T[], fallback: T): T {
    const value = this.string(name);
    if (value === undefined) return fallback;
    if ((allowed as readonly string[]).includes(value)) return value as T;
    this.problems.push(`${name} must be one of ${allowed.join(', ')} (got "${value}")`);
    return fallback;
  }

  int(name: string, fallback: number, min: number, max: number): number {
    const value = this.string(name);
    if (value === undefined) return fallback;
    const parsed = Number(value);
    if (!Number.isInteger(parsed) || parsed < min || parsed > max) {
      this.problems.push(`${name} must be an integer between ${min} and ${max} (got "${value}")`);
      return fallback;
    }
    return parsed;
  }

  bool(name: string, fallback: boolean): boolean {
    const value = this.string(name)?.toLowerCase();
    if (value === undefined) return fallback;
    if (['true', '1', 'yes', 'on'].includes(value)) return true;
    if (['false', '0', 'no', 'off'].includes(value)) return false;
    this.problems.push(`${name} must be true or false (got "${value}")`);
    return fallback;
  }

  url(name: string, protocols: string[]): string | undefined {
    const value = this.string(name);
    if (value === undefined) return undefined;
    try {
      const parsed = new URL(value);
      if (!protocols.includes(parsed.protocol)) {
        this.problems.push(`${name} must use ${protocols.join(' or ')} (got "${parsed.protocol}")`);
      }
      return value;
    } catch {
      this.problems.push(`${name} must be a URL (got "${value}")`);
      return undefined;
    }
  }
}

/** Example values shipped in docker-compose.yml and docs: anyone can read them, so production refuses them. */
const PLACEHOLDER_SECRETS = new Set(['change-me-to-a-long-random-secret-0123456789']);

/** Reads and validates the whole configuration at once, reporting every problem together. */
export function loadConfig(env: Env = process.env): AppConfig {
  const r = new EnvReader(env);
  const nodeEnv = r.oneOf('NODE_ENV', ['development', 'test', 'production'] as const, 'development');
  const isProduction = nodeEnv === 'production';
  const databaseUrl = r.url('DATABASE_URL', ['postgres:', 'postgresql:']) ?? null;
  const embedded = databaseUrl === null;
  const seedDemoData = r.bool('SEED_DEMO_DATA', embedded);

  const oidcIssuer = r.url('OIDC_ISSUER', ['https:', 'http:']);
  const oidcAudience = r.string('OIDC_AUDIENCE');
  if (oidcIssuer && !oidcAudience) r.problems.push('OIDC_AUDIENCE is required when OIDC_ISSUER is set');
  if (!oidcIssuer && oidcAudience) r.problems.push('OIDC_ISSUER is required when OIDC_AUDIENCE is set');

  const localEnabled = r.bool('LOCAL_AUTH', !isProduction);
  const localSecret = r.string('LOCAL_AUTH_SECRET') ?? null;
  if (localSecret !== null && localSecret.length < 32) r.problems.push('LOCAL_AUTH_SECRET must be at least 32 characters');
  if (isProduction && localEnabled && localSecret === null) {
    r.problems.push('LOCAL_AUTH=true in production needs an explicit LOCAL_AUTH_SECRET');
  }
  if (isProduction && !localEnabled && !oidcIssuer) r.problems.push('production needs OIDC_ISSUER (or LOCAL_AUTH=true)');
  if (isProduction && embedded) r.problems.push('production needs DATABASE_URL (the embedded PostgreSQL is for development)');

  const port = r.int('PORT', 3000, 0, 65535);
  const config: AppConfig = {
    nodeEnv,
    isProduction,
    port,
    host: r.string('HOST') ?? '0.0.0.0',
    databaseUrl,
    dataDir: resolve(r.string('DATA_DIR') ?? '.data'),
    embeddedPostgresPort: r.int('EMBEDDED_PG_PORT', 0, 0, 65535),
    migrateOnStart: r.bool('MIGRATE_ON_START', embedded),
    seedDemoData,
    logLevel: r.oneOf('LOG_LEVEL', ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const, 'info'),
    anonymousRead: r.bool('ANONYMOUS_READ', false),
    operatorOrganisation: r.string('OPERATOR_ORGANISATION') ?? (seedDemoData ? 'itzbund' : null),
    heapGrowingPercent: r.int('HEAP_GROWING_PERCENT', 900, 0, 10_000),
    auth: {
      localEnabled,
      localSecret,
      oidc:
        oidcIssuer && oidcAudience
          ? {
              issuer: oidcIssuer,
              audience: oidcAudience,
              jwksUrl: r.url('OIDC_JWKS_URL', ['https:', 'http:']) ?? null,
              rolesClaim: r.string('OIDC_ROLES_CLAIM') ?? 'roles',
              organisationClaim: r.string('OIDC_ORGANISATION_CLAIM') ?? 'organisation',
            }
          : null,
    },
    jobs: {
      work: r.bool('WORKER', true),
      pollingIntervalSeconds: r.int('JOB_POLL_INTERVAL_MS', 2000, 500, 60_000) / 1000,
      retryLimit: r.int('JOB_RETRY_LIMIT', 8, 0, 100),
      retryDelaySeconds: r.int('JOB_RETRY_DELAY_SECONDS', 5, 1, 3600),
      expireSeconds: r.int('JOB_EXPIRE_SECONDS', 300, 1, 86_400),
      maintenanceIntervalSeconds: r.int('JOB_MAINTENANCE_SECONDS', 60, 1, 3600),
      digestCron: r.string('DIGEST_CRON') ?? '0 7 * * *',
    },
    notifications: {
      redisUrl: r.url('REDIS_URL', ['redis:', 'rediss:']) ?? null,
      smtpUrl: r.url('SMTP_URL', ['smtp:', 'smtps:']) ?? null,
      mailFrom: r.string('MAIL_FROM') ?? 'ki-marktplatz <noreply@ki-marktplatz.example>',
      publicUrl: (r.url('PUBLIC_URL', ['http:', 'https:']) ?? `http://localhost:${port}`).replace(/\/+$/, ''),
      secret: r.string('NOTIFICATION_SECRET') ?? null,
      webhookAllowPrivate: r.bool('WEBHOOK_ALLOW_PRIVATE', false),
      webhookMaxFailures: r.int('WEBHOOK_MAX_FAILURES', 10, 1, 1000),
      webhookTimeoutMs: r.int('WEBHOOK_TIMEOUT_MS', 5000, 100, 60_000),
    },
    graphql: {
      maxDepth: r.int('GRAPHQL_MAX_DEPTH', 10, 1, 100),
      maxAliases: r.int('GRAPHQL_MAX_ALIASES', 15, 0, 1000),
      maxCost: r.int('GRAPHQL_MAX_COST', 5000, 1, 1_000_000),
      maxTokens: r.int('GRAPHQL_MAX_TOKENS', 2000, 10, 100_000),
      maxDirectives: r.int('GRAPHQL_MAX_DIRECTIVES', 20, 0, 1000),
      maxBatch: r.int('GRAPHQL_MAX_BATCH', 10, 1, 100),
      maxBodyBytes: r.int('GRAPHQL_MAX_BODY_BYTES', 100_000, 1_000, 10_000_000),
      introspection: r.bool('GRAPHQL_INTROSPECTION', !isProduction),
      playground: r.bool('GRAPHQL_PLAYGROUND', !isProduction),
    },
  };
  if (config.notifications.secret !== null && config.notifications.secret.length < 32) r.problems.push('NOTIFICATION_SECRET must be at least 32 characters');
  if (isProduction && config.notifications.smtpUrl !== null && config.notifications.secret === null) {
    r.problems.push('SMTP_URL in production needs NOTIFICATION_SECRET (it signs unsubscribe links)');
  }
  if (isProduction && config.notifications.webhookAllowPrivate) r.problems.push('WEBHOOK_ALLOW_PRIVATE=true is not allowed in production');
  if (isProduction && config.notifications.secret !== null && PLACEHOLDER_SECRETS.has(config.notifications.secret)) {
    r.problems.push('NOTIFICATION_SECRET is a published example value; set your own long random value (openssl rand -hex 32)');
  }
  if (!config.jobs.work && config.notifications.redisUrl === null && !r.bool('LIVE_WITHOUT_REDIS', false)) {
    r.problems.push("WORKER=false needs REDIS_URL: the workers' live notifications would never reach this api's subscribers (LIVE_WITHOUT_REDIS=true accepts that, e.g. in tests)");
  }
  if (!oidcIssuer && !localEnabled) r.problems.push('no token issuer configured: set OIDC_ISSUER or LOCAL_AUTH=true');
  if (r.problems.length > 0) throw new ConfigError(r.problems);
  return config;
}

/** loadConfig for a process entry point: a bad configuration prints its message and exits with 1. */
export function loadConfigOrExit(): AppConfig {
  try {
    return loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }
}

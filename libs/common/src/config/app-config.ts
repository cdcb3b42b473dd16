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

  const config: AppConfig = {
    nodeEnv,
    isProduction,
    port: r.int('PORT', 3000, 0, 65535),
    host: r.string('HOST') ?? '0.0.0.0',
    databaseUrl,
    dataDir: resolve(r.string('DATA_DIR') ?? '.data'),
    embeddedPostgresPort: r.int('EMBEDDED_PG_PORT', 0, 0, 65535),
    migrateOnStart: r.bool('MIGRATE_ON_START', embedded),
    seedDemoData,
    logLevel: r.oneOf('LOG_LEVEL', ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const, 'info'),
    anonymousRead: r.bool('ANONYMOUS_READ', false),
    operatorOrganisation: r.string('OPERATOR_ORGANISATION') ?? (seedDemoData ? 'itzbund' : null),
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
  if (!oidcIssuer && !localEnabled) r.problems.push('no token issuer configured: set OIDC_ISSUER or LOCAL_AUTH=true');
  if (r.problems.length > 0) throw new ConfigError(r.problems);
  return config;
}

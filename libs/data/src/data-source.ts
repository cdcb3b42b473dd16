import { DataSource, type DataSourceOptions } from 'typeorm';
import { AuditLogEntity } from './entities/audit-log.entity.js';
import { OrganisationEntity } from './entities/organisation.entity.js';
import { UserEntity } from './entities/user.entity.js';
import { CreateOrganisationsUsersAuditLog1763900000000 } from './migrations/1763900000000-create-organisations-users-audit-log.js';
import { CreateCatalogue1763900100000 } from './migrations/1763900100000-create-catalogue.js';
import { CreateReuseRequestsAndRatings1763900200000 } from './migrations/1763900200000-create-reuse-requests-and-ratings.js';
import { AddReuseApprovalExpiryNotice1763900300000 } from './migrations/1763900300000-add-reuse-approval-expiry-notice.js';
import { AddCatalogueGeneration1763900400000 } from './migrations/1763900400000-add-catalogue-generation.js';
import { InstallJobEngine1763900500000 } from './migrations/1763900500000-install-job-engine.js';
import { CreateNotifications1763900600000 } from './migrations/1763900600000-create-notifications.js';
import { CreateEmailDeliveries1763900700000 } from './migrations/1763900700000-create-email-deliveries.js';
import { CreateWebhooks1763900800000 } from './migrations/1763900800000-create-webhooks.js';
import { AddWebhookDeliveryClaim1763900900000 } from './migrations/1763900900000-add-webhook-delivery-claim.js';
import { CoverFiltersInOrderIndexes1763901000000 } from './migrations/1763901000000-cover-filters-in-order-indexes.js';
import { SnakeNamingStrategy } from './naming-strategy.js';
import { PgClient } from './pg-client.js';

export const entities = [OrganisationEntity, UserEntity, AuditLogEntity];

/** In order; a migration is never edited after it landed. */
export const migrations = [
  CreateOrganisationsUsersAuditLog1763900000000,
  CreateCatalogue1763900100000,
  CreateReuseRequestsAndRatings1763900200000,
  AddReuseApprovalExpiryNotice1763900300000,
  AddCatalogueGeneration1763900400000,
  InstallJobEngine1763900500000,
  CreateNotifications1763900600000,
  CreateEmailDeliveries1763900700000,
  CreateWebhooks1763900800000,
  AddWebhookDeliveryClaim1763900900000,
  CoverFiltersInOrderIndexes1763901000000,
];

export function dataSourceOptions(url: string, overrides: { poolSize?: number; applicationName?: string } = {}): DataSourceOptions {
  return {
    type: 'postgres',
    url,
    entities,
    migrations,
    migrationsTableName: 'schema_migration',
    migrationsTransactionMode: 'each',
    synchronize: false,
    migrationsRun: false,
    namingStrategy: new SnakeNamingStrategy(),
    logging: false,
    poolSize: overrides.poolSize ?? 10,
    applicationName: overrides.applicationName ?? 'ki-marktplatz',
    // Connections stay open once made (pg-pool closes idle ones after 10 s by default). At a steady rate the pool
    // hands out its most recently used connection, so the rest idled out and were opened again on the next burst:
    // a new PostgreSQL backend (fork, authentication, cold catalogue caches, statements prepared again) on exactly
    // the requests that already wait — 24 new connections in 20 s of the search benchmark, with stalls of 0.3–2 s.
    // TCP keep-alive lets a connection a network device dropped fail and be replaced instead of hanging.
    // PgClient: query results die young instead of going to the old generation (pg-client.ts, ADR 0005).
    extra: { connectionTimeoutMillis: 5000, idleTimeoutMillis: 0, keepAlive: true, Client: PgClient },
  };
}

export function createDataSource(url: string, overrides: { poolSize?: number; applicationName?: string } = {}): DataSource {
  return new DataSource(dataSourceOptions(url, overrides));
}

/** Runs pending migrations; returns the names it applied. */
export async function runMigrations(dataSource: DataSource): Promise<string[]> {
  const applied = await dataSource.runMigrations({ transaction: 'each' });
  return applied.map((m) => m.name);
}

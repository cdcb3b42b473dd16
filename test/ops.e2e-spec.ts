import pg from 'pg';
import request from 'supertest';
import { testHarnessEnv } from '@app/common';
import { demoAiSystems, demoOrganisations, demoUsers, migrations, seedDemoData } from '@app/data';
import { DemoCatalogueSeeder } from '../apps/api/src/catalogue/demo-catalogue.seed.js';
import { createTestApp, type TestApp } from '@app/testing';

async function admin<T>(work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: testHarnessEnv().adminUrl });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

describe('health and readiness', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp();
  });

  afterAll(async () => {
    await admin((c) => c.query(`ALTER DATABASE "${t.databaseName}" ALLOW_CONNECTIONS true`));
    await t.close();
  });

  it('answers /health without a token and /ready with database and migrations up', async () => {
    await request(t.app.getHttpServer()).get('/health').expect(200, { status: 'ok', info: {}, error: {}, details: {} });
    const ready = await request(t.app.getHttpServer()).get('/ready').expect(200);
    expect(ready.body.info.database.status).toBe('up');
    expect(ready.body.info.migrations).toMatchObject({ status: 'up', applied: migrations.length });
  });

  it('turns /ready unready (503) while the database refuses connections, and ready again after', async () => {
    await admin(async (c) => {
      await c.query(`ALTER DATABASE "${t.databaseName}" ALLOW_CONNECTIONS false`);
      await c.query(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1`, [t.databaseName]);
    });
    const down = await request(t.app.getHttpServer()).get('/ready').expect(503);
    expect(down.body.status).toBe('error');
    expect(down.body.error.database.status).toBe('down');
    expect(JSON.stringify(down.body)).not.toMatch(/\n\s+at /);
    await request(t.app.getHttpServer()).get('/health').expect(200);

    await admin((c) => c.query(`ALTER DATABASE "${t.databaseName}" ALLOW_CONNECTIONS true`));
    await request(t.app.getHttpServer()).get('/ready').expect(200);
  });
});

describe('demo seed', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp();
  });

  afterAll(async () => {
    await t.close();
  });

  it('is idempotent and gives every organisation a publisher, a reviewer and an agency user', async () => {
    expect(await seedDemoData(t.dataSource)).toEqual({ organisations: demoOrganisations.length, users: demoUsers.length });
    expect(await seedDemoData(t.dataSource)).toEqual({ organisations: 0, users: 0 });
    const rows: Array<{ slug: string; roles: string[] }> = await t.dataSource.query(
      `SELECT o.slug, array_agg(DISTINCT r ORDER BY r) AS roles
       FROM organisation o JOIN app_user u ON u.organisation_id = o.id LEFT JOIN LATERAL unnest(u.roles) r ON true
       GROUP BY o.slug`,
    );
    const counts: Array<{ slug: string; users: string }> = await t.dataSource.query(
      `SELECT o.slug, count(*) AS users FROM organisation o JOIN app_user u ON u.organisation_id = o.id GROUP BY o.slug`,
    );
    for (const org of demoOrganisations.filter((o) => o.slug !== 'itzbund')) {
      expect(rows.find((r) => r.slug === org.slug)?.roles).toEqual(['PUBLISHER', 'REVIEWER', null]);
      expect(counts.find((c) => c.slug === org.slug)?.users).toBe('3');
    }
    expect(rows.find((r) => r.slug === 'itzbund')?.roles).toEqual(['ADMIN', 'PUBLISHER', 'REVIEWER']);
  });

  it('publishes the demo catalogue once, reviewed by each organisation\'s reviewer and indexed for search', async () => {
    await seedDemoData(t.dataSource);
    const seeder = t.app.get(DemoCatalogueSeeder);
    expect(await seeder.seed()).toBe(demoAiSystems.length);
    expect(await seeder.seed()).toBe(0);
    const [counts]: Array<{ all: string; listed: string; indexed: string; revisions: string }> = await t.dataSource.query(
      `SELECT count(*) AS all, count(*) FILTER (WHERE listed) AS listed, count(*) FILTER (WHERE search_vector IS NOT NULL) AS indexed,
              (SELECT count(*) FROM ai_system_revision WHERE outcome = 'APPROVED' AND reviewed_by <> submitted_by) AS revisions
       FROM ai_system`,
    );
    const published = String(demoAiSystems.filter((d) => d.publishedDaysAgo !== null).length);
    expect(counts).toEqual({ all: String(demoAiSystems.length), listed: published, indexed: published, revisions: published });
  });
});

describe('local GraphiQL', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp({ NODE_ENV: 'development' });
  });

  afterAll(async () => {
    await t.close();
  });

  it('serves GraphiQL at GET /graphql for browsers, with every asset from this server (no CDN)', async () => {
    const page = await request(t.app.getHttpServer()).get('/graphql').set('accept', 'text/html').expect(200);
    expect(page.text).toContain('GraphiQL');
    const sources = [...page.text.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1] as string);
    expect(sources.length).toBeGreaterThanOrEqual(4);
    for (const source of sources) {
      expect(source).toMatch(/^\/graphiql-assets\//);
      await request(t.app.getHttpServer()).get(source).expect(200);
    }
    expect(page.text).not.toMatch(/https?:\/\//);
  });
});

import { Role } from '@app/common';
import { demoAiSystems, seedDemoData } from '@app/data';
import { createTestApp, makeUser, type TestApp } from '@app/testing';
import { DemoCatalogueSeeder } from '../apps/api/src/catalogue/demo-catalogue.seed.js';

describe('catalogueStats', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp();
    await seedDemoData(t.dataSource);
    await t.app.get(DemoCatalogueSeeder).seed();
  });

  afterAll(async () => {
    await t.close();
  });

  it('gives the key figures of the published catalogue, as the database counts them', async () => {
    const user = await makeUser(t.dataSource, { roles: [Role.PUBLISHER] });
    const res = await t.gql<{ catalogueStats: Record<string, unknown> }>(
      `{ catalogueStats { publishedCount newThisMonth organisationCount byLifecycle { key count } byGovernmentLevel { key count }
         byPolicyArea { key count } byRiskClass { key count } } }`,
      {},
      await t.tokenFor(user),
    );
    expect(res.errors).toBeUndefined();
    const stats = res.data?.catalogueStats;
    const published = demoAiSystems.filter((d) => d.publishedDaysAgo !== null);
    expect(stats?.publishedCount).toBe(published.length);
    expect(stats?.organisationCount).toBe(new Set(published.map((d) => d.organisation)).size);

    const [month]: Array<{ count: number }> = await t.dataSource.query(
      `SELECT count(*)::int AS count FROM ai_system WHERE listed
         AND first_published_at >= date_trunc('month', now() AT TIME ZONE 'Europe/Berlin') AT TIME ZONE 'Europe/Berlin'`,
    );
    expect(stats?.newThisMonth).toBe(month?.count);

    const lifecycle = new Map<string, number>();
    const policy = new Map<string, number>();
    for (const entry of published) {
      lifecycle.set(entry.content.lifecycle, (lifecycle.get(entry.content.lifecycle) ?? 0) + 1);
      for (const area of entry.content.policyAreas) policy.set(area, (policy.get(area) ?? 0) + 1);
    }
    const asMap = (list: unknown) => new Map((list as Array<{ key: string; count: number }>).map((s) => [s.key, s.count]));
    expect(asMap(stats?.byLifecycle)).toEqual(lifecycle);
    expect(asMap(stats?.byPolicyArea)).toEqual(policy);
    const levels: Array<{ key: string; count: number }> = await t.dataSource.query(
      `SELECT o.level AS key, count(*)::int AS count FROM ai_system s JOIN organisation o ON o.id = s.organisation_id WHERE s.listed GROUP BY o.level`,
    );
    expect(asMap(stats?.byGovernmentLevel)).toEqual(asMap(levels));
    const risk = (stats?.byRiskClass as Array<{ count: number }>).reduce((sum, s) => sum + s.count, 0);
    expect(risk).toBe(published.length);
  });

  it('is refused to anonymous callers unless anonymous reading is on', async () => {
    const res = await t.gql('{ catalogueStats { publishedCount } }');
    expect(res.errors?.[0]?.extensions.code).toBe('UNAUTHENTICATED');
  });
});

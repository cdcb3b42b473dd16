import { Injectable } from '@nestjs/common';
import { TransactionService } from '@app/data';
import { CatalogueStats, type StatCount } from './catalogue-stats.type.js';

const groups = {
  byLifecycle: 'SELECT lifecycle FROM published',
  byGovernmentLevel: 'SELECT organisation_level FROM published',
  byPolicyArea: 'SELECT unnest(policy_areas) FROM published',
  byRiskClass: 'SELECT ai_act_risk_class FROM published',
} as const;

@Injectable()
export class CatalogueStatsService {
  constructor(private readonly tx: TransactionService) {}

  /** One statement over the listed entries; everyone who may search may see these numbers. */
  async stats(): Promise<CatalogueStats> {
    const grouped = Object.entries(groups)
      .map(([name, select]) => `SELECT '${name}' AS stat, g.key, count(*)::int AS count FROM (${select}) AS g(key) WHERE g.key IS NOT NULL GROUP BY g.key`)
      .join(' UNION ALL ');
    const rows: Array<{ stat: string; key: string | null; count: number }> = await this.tx.manager.query(`
      WITH published AS MATERIALIZED (
        SELECT lifecycle, organisation_level, policy_areas, ai_act_risk_class, organisation_id, first_published_at FROM ai_system WHERE listed
      )
      SELECT 'publishedCount' AS stat, NULL AS key, count(*)::int AS count FROM published
      UNION ALL SELECT 'newThisMonth', NULL, count(*)::int FROM published
        WHERE first_published_at >= date_trunc('month', now() AT TIME ZONE 'Europe/Berlin') AT TIME ZONE 'Europe/Berlin'
      UNION ALL SELECT 'organisationCount', NULL, count(DISTINCT organisation_id)::int FROM published
      UNION ALL ${grouped}`);
    const stats: CatalogueStats = Object.assign(new CatalogueStats(), {
      publishedCount: 0,
      newThisMonth: 0,
      organisationCount: 0,
      byLifecycle: [],
      byGovernmentLevel: [],
      byPolicyArea: [],
      byRiskClass: [],
    });
    for (const row of rows) {
      if (row.key === null) (stats as unknown as Record<string, number>)[row.stat] = row.count;
      else (stats[row.stat as keyof typeof groups] as StatCount[]).push({ key: row.key, count: row.count });
    }
    for (const name of Object.keys(groups) as Array<keyof typeof groups>) {
      stats[name].sort((a, b) => b.count - a.count || a.key.localeCompare(b.key));
    }
    return stats;
  }
}

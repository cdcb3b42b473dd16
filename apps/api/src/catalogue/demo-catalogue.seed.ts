import { Injectable } from '@nestjs/common';
import { demoAiSystems, TransactionService } from '@app/data';
import { EntrySearchIndex } from './entry-search-index.service.js';

/**
 * Demo entries for the embedded default: published ones arrive as if their organisation's publisher had
 * submitted them and its reviewer had approved them. Idempotent by slug.
 */
@Injectable()
export class DemoCatalogueSeeder {
  constructor(
    private readonly tx: TransactionService,
    private readonly searchIndex: EntrySearchIndex,
  ) {}

  async seed(): Promise<number> {
    const published: string[] = [];
    let inserted = 0;
    for (const demo of demoAiSystems) {
      await this.tx.run(async (manager) => {
        const people: Array<{ organisationId: string; publisherId: string; reviewerId: string }> = await manager.query(
          `SELECT o.id AS "organisationId", p.id AS "publisherId", r.id AS "reviewerId"
           FROM organisation o
           JOIN app_user p ON p.organisation_id = o.id AND p.email = 'publisher@' || o.slug || '.example'
           JOIN app_user r ON r.organisation_id = o.id AND r.email = 'reviewer@' || o.slug || '.example'
           WHERE o.slug = $1`,
          [demo.organisation],
        );
        const who = people[0];
        if (who === undefined) return;
        const at = new Date(Date.now() - (demo.publishedDaysAgo ?? 0) * 86_400_000);
        const rows: Array<{ id: string }> = await manager.query(
          `INSERT INTO ai_system (slug, organisation_id, status, draft, created_by, updated_by, created_at, updated_at)
           VALUES ($1, $2, $3, $4, $5, $5, $6, $6) ON CONFLICT (slug) DO NOTHING RETURNING id`,
          [demo.slug, who.organisationId, demo.publishedDaysAgo === null ? 'DRAFT' : 'PUBLISHED', demo.content, who.publisherId, at],
        );
        const id = rows[0]?.id;
        if (id === undefined) return;
        inserted++;
        if (demo.publishedDaysAgo === null) return;
        const revisions: Array<{ id: string }> = await manager.query(
          `INSERT INTO ai_system_revision (ai_system_id, number, content, submitted_by, submitted_at, outcome, reviewed_by, reviewed_at)
           VALUES ($1, 1, $2, $3, $4, 'APPROVED', $5, $4) RETURNING id`,
          [id, demo.content, who.publisherId, at, who.reviewerId],
        );
        await manager.query(
          `UPDATE ai_system SET published = draft, published_revision_id = $2, published_at = $3, first_published_at = $3, listed = true WHERE id = $1`,
          [id, revisions[0]?.id, at],
        );
        await this.searchIndex.index(id);
        published.push(id);
      });
    }
    // Once every entry is in the vocabulary, index again so compounds split against the whole catalogue.
    for (const id of published) await this.tx.run(() => this.searchIndex.reindex(id));
    return inserted;
  }
}

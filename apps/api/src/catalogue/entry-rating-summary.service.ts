import { Injectable } from '@nestjs/common';
import { fromGlobalId, type Actor } from '@app/common';
import { TransactionService } from '@app/data';
import { canSee } from './entry-access.js';
import { EntryPublishingService } from './entry-publishing.service.js';
import type { RatingSummary } from './ai-system.type.js';
import { EntryStore } from './entry-store.js';

export interface RatingSummaryValues {
  count: number;
  sum: number;
  histogram: number[];
  verifiedCount: number;
}

export interface RatableEntry {
  id: string;
  organisationId: string;
  listed: boolean;
}

/**
 * What the review workflow may do with entries: lock one it is about to rate (so concurrent ratings
 * serialise on it) and store the rating summary that search filters and sorts by.
 */
@Injectable()
export class EntryRatingSummaryService {
  constructor(
    private readonly tx: TransactionService,
    private readonly store: EntryStore,
    private readonly publishing: EntryPublishingService,
  ) {}

  /** Null when the entry does not exist or the actor may not see it. Must run inside the rating's transaction. */
  async lockVisible(globalId: string, field: string, actor: Actor): Promise<RatableEntry | null> {
    const row = await this.store.findById(fromGlobalId(globalId, 'AiSystem', field), { lock: true });
    if (row === null || !canSee(actor, row, await this.publishing.operator())) return null;
    return { id: row.id, organisationId: row.organisationId, listed: row.listed };
  }

  /** Locks the entry row for a summary change made without a viewer (e.g. an approval verifying ratings). */
  async lock(id: string): Promise<void> {
    await this.tx.manager.query(`SELECT 1 FROM ai_system WHERE id = $1 FOR UPDATE`, [id]);
  }

  async findVisible(id: string, actor: Actor | null): Promise<RatableEntry | null> {
    const row = await this.store.findById(id);
    if (row === null || !canSee(actor, row, await this.publishing.operator())) return null;
    return { id: row.id, organisationId: row.organisationId, listed: row.listed };
  }

  /** Stores the summary and returns it as readers see it (the average is the column PostgreSQL derives). */
  async write(aiSystemId: string, summary: RatingSummaryValues): Promise<RatingSummary> {
    // TypeORM answers an UPDATE … RETURNING with [rows, affected].
    const [rows]: [Array<{ average: string | null }>, number] = await this.tx.manager.query(
      `UPDATE ai_system SET rating_count = $2, rating_sum = $3, rating_histogram = $4, rating_verified_count = $5 WHERE id = $1
       RETURNING rating_average AS average`,
      [aiSystemId, summary.count, summary.sum, summary.histogram, summary.verifiedCount],
    );
    const average = rows[0]?.average ?? null;
    return { count: summary.count, average: average === null ? null : Number(average), histogram: summary.histogram, verifiedCount: summary.verifiedCount };
  }
}

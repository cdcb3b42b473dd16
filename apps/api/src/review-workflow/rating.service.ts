import { Injectable } from '@nestjs/common';
import {
  assertCursorFits,
  encodeCursor,
  Forbidden,
  fromGlobalId,
  hasRole,
  InvalidStateTransition,
  NotFound,
  Role,
  toGlobalId,
  type Actor,
  type ConnectionShape,
  type PageRequest,
} from '@app/common';
import { AuditLogService, DomainEventService, TransactionService } from '@app/data';
import type { RatingSummary } from '../catalogue/ai-system.type.js';
import { EntryRatingSummaryService, type RatingSummaryValues } from '../catalogue/entry-rating-summary.service.js';
import { RatingOrder, type RateAiSystemInput, type ReplyToRatingInput } from './rating.inputs.js';
import { Rating } from './rating.types.js';
import { RatingAdded, RatingReplied } from './review-workflow.events.js';
import type { RequestOrigin } from './reuse-request.service.js';

interface RatingRow {
  id: string;
  aiSystemId: string;
  userId: string;
  organisationId: string;
  stars: number;
  title: string | null;
  text: string | null;
  verifiedReuse: boolean;
  reply: string | null;
  repliedAt: Date | null;
  helpfulCount: number;
  createdAt: Date;
  updatedAt: Date;
  sortKey: string | number;
}

const ratingColumns = `
  g.id, g.ai_system_id AS "aiSystemId", g.user_id AS "userId", g.organisation_id AS "organisationId", g.stars, g.title, g.text,
  g.verified_reuse AS "verifiedReuse", g.reply, g.replied_at AS "repliedAt", g.helpful_count AS "helpfulCount",
  g.created_at AS "createdAt", g.updated_at AS "updatedAt"`;

const orders: Record<RatingOrder, { key: string; keySql: string; kind: 'timestamp' | 'float' }> = {
  [RatingOrder.NEWEST]: { key: 'g.updated_at', keySql: `to_char(g.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`, kind: 'timestamp' },
  [RatingOrder.MOST_HELPFUL]: { key: 'g.helpful_count', keySql: 'g.helpful_count', kind: 'float' },
};

function toRating(row: RatingRow): Rating {
  return Object.assign(new Rating(), { ...row, uuid: row.id, id: toGlobalId('Rating', row.id) });
}

/** Ratings: one per user and system, by other organisations only, with the summary kept exact on the entry. */
@Injectable()
export class RatingService {
  constructor(
    private readonly tx: TransactionService,
    private readonly entries: EntryRatingSummaryService,
    private readonly audit: AuditLogService,
    private readonly events: DomainEventService,
  ) {}

  async rate(input: RateAiSystemInput, origin: RequestOrigin): Promise<{ rating: Rating; summary: RatingSummary }> {
    const { actor } = origin;
    return this.tx.run(async (manager) => {
      // Locking the entry first serialises concurrent ratings, so each recount sees all committed ones.
      const entry = await this.entries.lockVisible(input.aiSystemId, 'input.aiSystemId', actor);
      if (entry === null) throw new NotFound('AiSystem', input.aiSystemId);
      if (entry.organisationId === actor.organisationId) throw new Forbidden('your organisation owns this system; others rate it');
      if (!entry.listed) throw new InvalidStateTransition('AiSystem', 'unpublished', 'be rated');
      const rows: Array<RatingRow & { inserted: boolean }> = await manager.query(
        `INSERT INTO rating AS g (ai_system_id, user_id, organisation_id, stars, title, text, verified_reuse)
         VALUES ($1, $2, $3, $4, $5, $6, EXISTS (SELECT 1 FROM current_reuse_approval WHERE ai_system_id = $1 AND organisation_id = $3))
         ON CONFLICT (ai_system_id, user_id) DO UPDATE SET stars = EXCLUDED.stars, title = EXCLUDED.title, text = EXCLUDED.text,
           organisation_id = EXCLUDED.organisation_id, verified_reuse = g.verified_reuse OR EXCLUDED.verified_reuse, updated_at = now()
         RETURNING ${ratingColumns}, (xmax = 0) AS inserted`,
        [entry.id, actor.userId, actor.organisationId, input.stars, input.title?.trim() || null, input.text?.trim() || null],
      );
      const row = rows[0];
      if (row === undefined) throw new Error('rating was not written');
      const summary = await this.refreshSummary(entry.id);
      await this.audit.record({ actorUserId: actor.userId, action: row.inserted ? 'rating.added' : 'rating.updated', entityType: 'Rating', entityId: row.id, after: { stars: row.stars }, requestId: origin.requestId });
      await this.events.record(
        new RatingAdded(row.id, { aiSystemId: entry.id, owningOrganisationId: entry.organisationId, raterId: actor.userId, stars: row.stars, updated: !row.inserted }),
        { actorUserId: actor.userId, requestId: origin.requestId },
      );
      return { rating: toRating(row), summary };
    });
  }

  async reply(input: ReplyToRatingInput, origin: RequestOrigin): Promise<Rating> {
    const { actor } = origin;
    return this.tx.run(async (manager) => {
      const rating = await this.find(input.ratingId, 'input.ratingId', actor);
      const entry = await this.entries.findVisible(rating.aiSystemId, actor);
      if (entry === null) throw new NotFound('Rating', input.ratingId);
      if (entry.organisationId !== actor.organisationId || !hasRole(actor, Role.PUBLISHER)) {
        throw new Forbidden('only publishers of the owning organisation reply to ratings');
      }
      // TypeORM answers an UPDATE … RETURNING with [rows, affected].
      const [rows]: [RatingRow[], number] = await manager.query(
        `UPDATE rating g SET reply = $2, replied_by = $3, replied_at = now() WHERE g.id = $1 RETURNING ${ratingColumns}`,
        [rating.uuid, input.reply.trim(), actor.userId],
      );
      const row = rows[0];
      if (row === undefined) throw new NotFound('Rating', input.ratingId);
      await this.audit.record({ actorUserId: actor.userId, action: 'rating.replied', entityType: 'Rating', entityId: row.id, before: { reply: rating.reply }, after: { reply: row.reply }, requestId: origin.requestId });
      await this.events.record(
        new RatingReplied(row.id, { aiSystemId: row.aiSystemId, raterId: row.userId, owningOrganisationId: entry.organisationId }),
        { actorUserId: actor.userId, requestId: origin.requestId },
      );
      return toRating(row);
    });
  }

  /** Idempotent: a user counts once per rating; not for one's own rating. */
  async markHelpful(ratingId: string, origin: RequestOrigin): Promise<Rating> {
    const { actor } = origin;
    return this.tx.run(async (manager) => {
      const rating = await this.find(ratingId, 'input.ratingId', actor);
      if (rating.userId === actor.userId) throw new Forbidden('you cannot mark your own rating as helpful');
      const voted: unknown[] = await manager.query(
        `INSERT INTO rating_helpful_vote (rating_id, user_id) VALUES ($1, $2) ON CONFLICT DO NOTHING RETURNING rating_id`,
        [rating.uuid, actor.userId],
      );
      if (voted.length > 0) await manager.query(`UPDATE rating SET helpful_count = helpful_count + 1 WHERE id = $1`, [rating.uuid]);
      return this.find(ratingId, 'input.ratingId', actor);
    });
  }

  /** A rating exists for whoever may see its entry. */
  async find(globalId: string, field: string, actor: Actor | null): Promise<Rating> {
    const rating = await this.findVisible(fromGlobalId(globalId, 'Rating', field), actor);
    if (rating === null) throw new NotFound('Rating', globalId);
    return rating;
  }

  async findVisible(id: string, actor: Actor | null): Promise<Rating | null> {
    const rows: RatingRow[] = await this.tx.manager.query(`SELECT ${ratingColumns} FROM rating g WHERE g.id = $1`, [id]);
    const row = rows[0];
    if (row === undefined || (await this.entries.findVisible(row.aiSystemId, actor)) === null) return null;
    return toRating(row);
  }

  async list(aiSystemId: string, page: PageRequest, order: RatingOrder): Promise<ConnectionShape<Rating>> {
    const { key, keySql, kind } = orders[order];
    assertCursorFits(page, kind, 'uuid');
    const params: unknown[] = [aiSystemId, page.limit + 1];
    let after = '';
    if (page.cursor) {
      params.push(page.cursor.v, page.cursor.i);
      after = ` AND (${key}, g.id) < ($3${kind === 'timestamp' ? '::timestamptz' : '::numeric'}, $4::uuid)`;
    }
    const [rows, counts]: [RatingRow[], Array<{ count: number }>] = await Promise.all([
      this.tx.manager.query(
        `SELECT ${ratingColumns}, ${keySql} AS "sortKey" FROM rating g WHERE g.ai_system_id = $1${after} ORDER BY ${key} DESC, g.id DESC LIMIT $2`,
        params,
      ),
      this.tx.manager.query(`SELECT count(*)::int AS count FROM rating WHERE ai_system_id = $1`, [aiSystemId]),
    ]);
    const hasMore = rows.length > page.limit;
    const edges = rows.slice(0, page.limit).map((row) => ({ cursor: encodeCursor(row.sortKey, row.id), node: toRating(row) }));
    return {
      edges,
      nodes: edges.map((edge) => edge.node),
      totalCount: counts[0]?.count ?? 0,
      pageInfo: { hasNextPage: hasMore, hasPreviousPage: page.cursor !== null, startCursor: edges[0]?.cursor ?? null, endCursor: edges.at(-1)?.cursor ?? null },
    };
  }

  /** An approval makes the organisation's existing ratings verified; the summary follows in the same transaction. */
  async refreshVerified(aiSystemId: string, organisationId: string): Promise<void> {
    await this.entries.lock(aiSystemId);
    await this.tx.manager.query(`UPDATE rating SET verified_reuse = true WHERE ai_system_id = $1 AND organisation_id = $2 AND NOT verified_reuse`, [
      aiSystemId,
      organisationId,
    ]);
    await this.refreshSummary(aiSystemId);
  }

  private async refreshSummary(aiSystemId: string): Promise<RatingSummary> {
    const rows: RatingSummaryValues[] = await this.tx.manager.query(
      `SELECT count(*)::int AS count, coalesce(sum(stars), 0)::int AS sum,
              ARRAY[count(*) FILTER (WHERE stars = 1), count(*) FILTER (WHERE stars = 2), count(*) FILTER (WHERE stars = 3),
                    count(*) FILTER (WHERE stars = 4), count(*) FILTER (WHERE stars = 5)]::int[] AS histogram,
              count(*) FILTER (WHERE verified_reuse)::int AS "verifiedCount"
       FROM rating WHERE ai_system_id = $1`,
      [aiSystemId],
    );
    return this.entries.write(aiSystemId, rows[0] ?? { count: 0, sum: 0, histogram: [0, 0, 0, 0, 0], verifiedCount: 0 });
  }
}

import { Injectable } from '@nestjs/common';
import { EntryStatus, TransactionService } from '@app/data';
import { emptyDraft, type DraftContent } from './ai-system-content.rules.js';

/** Every key of an entry's content. */
const contentKeys = Object.keys(emptyDraft());

/**
 * The content keys to leave out when a query selects only `selected` of the content's fields; gatedDetails always
 * stays (it decides `gated`).
 */
export function omittedContentKeys(selected: readonly string[]): string[] {
  const kept = new Set([...selected, 'gatedDetails']);
  return contentKeys.filter((key) => !kept.has(key));
}

/** One ai_system row as the catalogue services use it. */
export interface EntryRow {
  id: string;
  slug: string;
  organisationId: string;
  status: EntryStatus;
  version: number;
  draft: DraftContent;
  published: DraftContent | null;
  publishedRevisionId: string | null;
  listed: boolean;
  createdBy: string;
  createdAt: Date;
  updatedBy: string;
  updatedAt: Date;
  publishedAt: Date | null;
  firstPublishedAt: Date | null;
  archivedAt: Date | null;
  ratingCount: number;
  ratingAverage: string | null;
  ratingHistogram: number[];
  ratingVerifiedCount: number;
  /** Set by queries that know the viewer: their organisation holds a current approved reuse request. */
  viewerApproved?: boolean;
}

export const entryColumns = `
  s.id, s.slug, s.organisation_id AS "organisationId", s.status, s.version, s.draft, s.published,
  s.published_revision_id AS "publishedRevisionId", s.listed, s.created_by AS "createdBy", s.created_at AS "createdAt",
  s.updated_by AS "updatedBy", s.updated_at AS "updatedAt", s.published_at AS "publishedAt",
  s.first_published_at AS "firstPublishedAt", s.archived_at AS "archivedAt", s.rating_count AS "ratingCount",
  s.rating_average AS "ratingAverage", s.rating_histogram AS "ratingHistogram", s.rating_verified_count AS "ratingVerifiedCount"`;

/**
 * entryColumns for lists that show the working copy to the owning organisation only (search): the draft is read
 * for the viewer's own entries and NULL for all others, so a page does not carry 20 drafts nobody may see.
 */
export function entryColumnsWithOwnDrafts(organisationParam: string | null, omittedKeysParam: string | null = null): string {
  const draft = organisationParam === null ? 'NULL::jsonb AS draft' : `CASE WHEN s.organisation_id = ${organisationParam}::uuid THEN s.draft END AS draft`;
  // Without the keys a query does not ask for: a list does not carry every long text.
  const published = omittedKeysParam === null ? 's.published' : `s.published - ${omittedKeysParam}::text[] AS published`;
  return entryColumns.replace('s.draft, s.published,', `${draft}, ${published},`);
}

/**
 * SQL: whether organisation `$param` may see the gated details of entry `s` through a current approved request.
 * The organisation's approvals are read once per statement (an InitPlan), not once per row.
 */
export function viewerApprovedSql(organisationParam: string): string {
  return `s.id = ANY(ARRAY(SELECT a.ai_system_id FROM current_reuse_approval a WHERE a.organisation_id = ${organisationParam}::uuid))`;
}

export interface RevisionRow {
  id: string;
  aiSystemId: string;
  number: number;
  content: DraftContent;
  submittedBy: string;
  submittedAt: Date;
  outcome: string | null;
  reviewedBy: string | null;
  reviewedAt: Date | null;
  reviewComment: string | null;
}

export const revisionColumns = `
  r.id, r.ai_system_id AS "aiSystemId", r.number, r.content, r.submitted_by AS "submittedBy", r.submitted_at AS "submittedAt",
  r.outcome, r.reviewed_by AS "reviewedBy", r.reviewed_at AS "reviewedAt", r.review_comment AS "reviewComment"`;

/** Reads of ai_system rows, inside the current transaction when there is one. */
@Injectable()
export class EntryStore {
  constructor(private readonly tx: TransactionService) {}

  async findById(id: string, options: { lock?: boolean } = {}): Promise<EntryRow | null> {
    const rows: EntryRow[] = await this.tx.manager.query(
      `SELECT ${entryColumns} FROM ai_system s WHERE s.id = $1${options.lock ? ' FOR UPDATE' : ''}`,
      [id],
    );
    return rows[0] ?? null;
  }

  /** Whether `organisationId` holds a current approved reuse request for the entry (data-layer view, not review-workflow's tables). */
  async approvedFor(aiSystemId: string, organisationId: string): Promise<boolean> {
    const rows: unknown[] = await this.tx.manager.query(
      `SELECT 1 FROM current_reuse_approval WHERE ai_system_id = $1 AND organisation_id = $2`,
      [aiSystemId, organisationId],
    );
    return rows.length > 0;
  }

  async findBySlug(slug: string): Promise<EntryRow | null> {
    const rows: EntryRow[] = await this.tx.manager.query(`SELECT ${entryColumns} FROM ai_system s WHERE s.slug = $1`, [slug]);
    return rows[0] ?? null;
  }

  async findByIds(ids: readonly string[]): Promise<EntryRow[]> {
    return this.tx.manager.query(`SELECT ${entryColumns} FROM ai_system s WHERE s.id = ANY($1::uuid[])`, [ids]);
  }

  async revisions(aiSystemId: string): Promise<RevisionRow[]> {
    return this.tx.manager.query(`SELECT ${revisionColumns} FROM ai_system_revision r WHERE r.ai_system_id = $1 ORDER BY r.number DESC`, [
      aiSystemId,
    ]);
  }

  async pendingRevision(aiSystemId: string): Promise<RevisionRow | null> {
    const rows: RevisionRow[] = await this.tx.manager.query(
      `SELECT ${revisionColumns} FROM ai_system_revision r WHERE r.ai_system_id = $1 AND r.outcome IS NULL ORDER BY r.number DESC LIMIT 1`,
      [aiSystemId],
    );
    return rows[0] ?? null;
  }
}

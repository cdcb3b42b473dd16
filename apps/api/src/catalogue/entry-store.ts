import { Injectable } from '@nestjs/common';
import { EntryStatus, TransactionService } from '@app/data';
import type { DraftContent } from './ai-system-content.rules.js';

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
}

export const entryColumns = `
  s.id, s.slug, s.organisation_id AS "organisationId", s.status, s.version, s.draft, s.published,
  s.published_revision_id AS "publishedRevisionId", s.listed, s.created_by AS "createdBy", s.created_at AS "createdAt",
  s.updated_by AS "updatedBy", s.updated_at AS "updatedAt", s.published_at AS "publishedAt",
  s.first_published_at AS "firstPublishedAt", s.archived_at AS "archivedAt"`;

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

import { Injectable } from '@nestjs/common';
import { BadUserInput, fromGlobalId, NotFound, toGlobalId, type Actor } from '@app/common';
import { AiSystem, AiSystemContent, AiSystemRevision } from './ai-system.type.js';
import { canSee, canSeeWorkingCopy, isOwner, type Operator } from './entry-access.js';
import { EntryPublishingService } from './entry-publishing.service.js';
import { EntryStore, type EntryRow, type RevisionRow } from './entry-store.js';

/** Reading entries: what exists for the caller, and which parts of it (working copy, gated details). */
@Injectable()
export class EntryQueryService {
  constructor(
    private readonly store: EntryStore,
    private readonly publishing: EntryPublishingService,
  ) {}

  async find(actor: Actor | null, ref: { id?: string | null; slug?: string | null }): Promise<AiSystem> {
    if ((ref.id ? 1 : 0) + (ref.slug ? 1 : 0) !== 1) throw new BadUserInput('give either id or slug', [{ field: 'id', message: 'give either id or slug' }]);
    const row = ref.id ? await this.store.findById(fromGlobalId(ref.id, 'AiSystem')) : await this.store.findBySlug(ref.slug ?? '');
    const entry = row === null ? null : this.view(await this.withApproval(row, actor), actor, await this.publishing.operator());
    if (entry === null) throw new NotFound('AiSystem', ref.id ?? ref.slug ?? '');
    return entry;
  }

  /** The node fetcher: null when missing or invisible. */
  async findVisible(id: string, actor: Actor | null): Promise<AiSystem | null> {
    const row = await this.store.findById(id);
    return row === null ? null : this.view(await this.withApproval(row, actor), actor, await this.publishing.operator());
  }

  /** Looks up the viewer's approved reuse only where it can change what they see: listed entries of other organisations. */
  private async withApproval(row: EntryRow, actor: Actor | null): Promise<EntryRow> {
    if (actor === null || !row.listed || isOwner(actor, row)) return row;
    return { ...row, viewerApproved: await this.store.approvedFor(row.id, actor.organisationId) };
  }

  async revisions(entry: AiSystem, actor: Actor | null): Promise<AiSystemRevision[] | null> {
    if (!entry.ownerView) return null;
    const rows = await this.store.revisions(entry.uuid);
    return rows.map((row) => this.revision(row, isOwner(actor, entry)));
  }

  /** Maps a row for the caller, or null when the caller may not see it at all. */
  view(row: EntryRow, actor: Actor | null, operator: Operator): AiSystem | null {
    if (!canSee(actor, row, operator)) return null;
    const ownerView = canSeeWorkingCopy(actor, row, operator);
    const showGated = isOwner(actor, row);
    const showPublishedGated = showGated || row.viewerApproved === true;
    return Object.assign(new AiSystem(), {
      id: toGlobalId('AiSystem', row.id),
      uuid: row.id,
      organisationId: row.organisationId,
      ownerView,
      slug: row.slug,
      status: row.status,
      version: row.version,
      listed: row.listed,
      published: row.published === null ? null : AiSystemContent.from(row.published, showPublishedGated),
      ratingSummary: {
        count: row.ratingCount,
        average: row.ratingAverage === null ? null : Number(row.ratingAverage),
        histogram: row.ratingHistogram,
        verifiedCount: row.ratingVerifiedCount,
      },
      draft: ownerView ? AiSystemContent.from(row.draft, showGated) : null,
      publishedAt: row.publishedAt,
      firstPublishedAt: row.firstPublishedAt,
      archivedAt: row.archivedAt,
      createdAt: row.createdAt,
      updatedAt: row.updatedAt,
    });
  }

  private revision(row: RevisionRow, showGated: boolean): AiSystemRevision {
    return Object.assign(new AiSystemRevision(), {
      id: toGlobalId('AiSystemRevision', row.id),
      number: row.number,
      content: AiSystemContent.from(row.content, showGated),
      submittedById: row.submittedBy,
      submittedAt: row.submittedAt,
      outcome: row.outcome,
      reviewedById: row.reviewedBy,
      reviewedAt: row.reviewedAt,
      reviewComment: row.reviewComment,
    });
  }
}

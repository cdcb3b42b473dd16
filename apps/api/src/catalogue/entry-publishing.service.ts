import { Inject, Injectable } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import {
  APP_CONFIG,
  BadUserInput,
  Conflict,
  Forbidden,
  fromGlobalId,
  NotFound,
  type Actor,
  type AppConfig,
  type FieldProblem,
} from '@app/common';
import { AuditLogService, DomainEventService, EntryStatus, TransactionService, type DomainEvent } from '@app/data';
import type { AiSystemContentInput } from './ai-system-content.input.js';
import { applyPatch, emptyDraft, slugify, submissionProblems, type DraftContent } from './ai-system-content.rules.js';
import { ChangesRequested, EntryArchived, EntryPublished, EntrySubmitted, EntryUpdated } from './catalogue.events.js';
import { canEdit, canReview, canSee, canSeeWorkingCopy, type Operator } from './entry-access.js';
import { EntrySearchIndex } from './entry-search-index.service.js';
import { nextEntryStatus, type EntryAction } from './entry-state.machine.js';
import { EntryStore, type EntryRow } from './entry-store.js';
import {
  ReviewDecision,
  type ArchiveAiSystemInput,
  type CreateAiSystemDraftInput,
  type ReviewAiSystemInput,
  type SubmitAiSystemForReviewInput,
  type UpdateAiSystemDraftInput,
} from './publishing.inputs.js';

export interface RequestOrigin {
  actor: Actor;
  requestId: string | null;
}

function changedFields(before: DraftContent, after: DraftContent): { before: Record<string, unknown>; after: Record<string, unknown> } {
  const diff = { before: {} as Record<string, unknown>, after: {} as Record<string, unknown> };
  for (const key of Object.keys(after) as Array<keyof DraftContent>) {
    if (JSON.stringify(before[key]) !== JSON.stringify(after[key])) {
      diff.before[key] = before[key];
      diff.after[key] = after[key];
    }
  }
  return diff;
}

/** Drafting, review and archiving of catalogue entries: every write checks access, state and version. */
@Injectable()
export class EntryPublishingService {
  constructor(
    private readonly tx: TransactionService,
    private readonly store: EntryStore,
    private readonly audit: AuditLogService,
    private readonly events: DomainEventService,
    private readonly searchIndex: EntrySearchIndex,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async operator(): Promise<Operator> {
    if (this.config.operatorOrganisation === null) return { organisationId: null };
    const rows: Array<{ id: string }> = await this.tx.manager.query(`SELECT id FROM organisation WHERE slug = $1`, [this.config.operatorOrganisation]);
    return { organisationId: rows[0]?.id ?? null };
  }

  async createDraft(input: CreateAiSystemDraftInput, origin: RequestOrigin): Promise<EntryRow> {
    const { actor } = origin;
    const draft = applyPatch(emptyDraft(), input.content);
    if (draft.name === null) throw BadUserInput.field('input.content.name', 'is required to start a draft');
    if (!canEdit(actor, { organisationId: actor.organisationId, status: EntryStatus.DRAFT, listed: false })) {
      throw new Forbidden('only publishers create entries for their organisation');
    }
    const derived = input.slug ?? slugify(draft.name);
    if (derived.length < 3) throw BadUserInput.field('input.slug', 'cannot be derived from the name; give one');
    return this.tx.run(async (manager) => {
      let slug = derived;
      for (let attempt = 0; ; attempt++) {
        const rows: Array<{ id: string }> = await manager.query(
          `INSERT INTO ai_system (slug, organisation_id, status, draft, created_by, updated_by)
           VALUES ($1, $2, 'DRAFT', $3, $4, $4) ON CONFLICT (slug) DO NOTHING RETURNING id`,
          [slug, actor.organisationId, draft, actor.userId],
        );
        const id = rows[0]?.id;
        if (id !== undefined) {
          await this.audit.record({ actorUserId: actor.userId, action: 'ai_system.created', entityType: 'AiSystem', entityId: id, after: { slug, draft }, requestId: origin.requestId });
          return this.requireRow(id);
        }
        if (input.slug || attempt >= 3) throw new Conflict(`an entry with slug "${slug}" already exists`, { field: 'input.slug' });
        slug = `${derived.slice(0, 90)}-${randomBytes(2).toString('hex')}`;
      }
    });
  }

  async updateDraft(input: UpdateAiSystemDraftInput, origin: RequestOrigin): Promise<EntryRow> {
    return this.tx.run(async () => {
      const { entry, next } = await this.begin(input, 'edit', origin, (e) => canEdit(origin.actor, e), 'only publishers of the owning organisation edit it');
      const draft = applyPatch(entry.draft, input.content);
      if (draft.name === null) throw BadUserInput.field('input.content.name', 'cannot be removed');
      const diff = changedFields(entry.draft, draft);
      await this.write(entry, { status: next, draft }, origin);
      await this.audit.record({ actorUserId: origin.actor.userId, action: 'ai_system.draft_updated', entityType: 'AiSystem', entityId: entry.id, ...diff, requestId: origin.requestId });
      await this.emit(new EntryUpdated(entry.id, { organisationId: entry.organisationId, slug: entry.slug, fields: Object.keys(diff.after) }), origin);
      return this.requireRow(entry.id);
    });
  }

  async validate(globalId: string, actor: Actor | null): Promise<FieldProblem[]> {
    const entry = await this.store.findById(fromGlobalId(globalId, 'AiSystem'));
    const operator = await this.operator();
    if (entry === null || !canSee(actor, entry, operator)) throw new NotFound('AiSystem', globalId);
    if (!canSeeWorkingCopy(actor, entry, operator)) throw new Forbidden('only the owning organisation validates its drafts');
    return submissionProblems(entry.draft);
  }

  async submit(input: SubmitAiSystemForReviewInput, origin: RequestOrigin): Promise<EntryRow> {
    return this.tx.run(async (manager) => {
      const { entry, next } = await this.begin(input, 'submit', origin, (e) => canEdit(origin.actor, e), 'only publishers of the owning organisation submit it');
      const problems = submissionProblems(entry.draft);
      if (problems.length > 0) throw new BadUserInput(`the entry is not complete: ${problems.map((p) => p.field).join(', ')}`, problems);
      const rows: Array<{ id: string; number: number }> = await manager.query(
        `INSERT INTO ai_system_revision (ai_system_id, number, content, submitted_by)
         SELECT $1, coalesce(max(number), 0) + 1, $2, $3 FROM ai_system_revision WHERE ai_system_id = $1
         RETURNING id, number`,
        [entry.id, entry.draft, origin.actor.userId],
      );
      const revision = rows[0];
      if (revision === undefined) throw new Error('revision was not written');
      await this.write(entry, { status: next }, origin);
      await this.audit.record({ actorUserId: origin.actor.userId, action: 'ai_system.submitted', entityType: 'AiSystem', entityId: entry.id, after: { revision: revision.number }, requestId: origin.requestId });
      await this.emit(new EntrySubmitted(entry.id, { organisationId: entry.organisationId, slug: entry.slug, revisionId: revision.id, revision: revision.number, submittedBy: origin.actor.userId }), origin);
      return this.requireRow(entry.id);
    });
  }

  async review(input: ReviewAiSystemInput, origin: RequestOrigin): Promise<EntryRow> {
    const approve = input.decision === ReviewDecision.APPROVE;
    const comment = input.comment?.trim() || null;
    if (!approve && comment === null) throw BadUserInput.field('input.comment', 'is required when requesting changes');
    return this.tx.run(async (manager) => {
      const action: EntryAction = approve ? 'approve' : 'requestChanges';
      const { entry, next } = await this.begin(input, action, origin, (e, operator) => canReview(origin.actor, e, operator),
        'only reviewers of the owning organisation or of the operator review it',
      );
      const revision = await this.store.pendingRevision(entry.id);
      if (revision === null) throw new Error(`entry ${entry.id} is in review without a pending revision`);
      if (revision.submittedBy === origin.actor.userId) throw new Forbidden('four-eyes principle: you cannot review a revision you submitted yourself');
      await manager.query(
        `UPDATE ai_system_revision SET outcome = $2, reviewed_by = $3, reviewed_at = now(), review_comment = $4 WHERE id = $1`,
        [revision.id, approve ? 'APPROVED' : 'CHANGES_REQUESTED', origin.actor.userId, comment],
      );
      if (approve) {
        await this.write(entry, { status: next, published: revision.content, publishedRevisionId: revision.id }, origin);
        await this.searchIndex.index(entry.id, entry.listed ? entry.published : null);
      } else {
        await this.write(entry, { status: next }, origin);
      }
      await this.audit.record({
        actorUserId: origin.actor.userId,
        action: approve ? 'ai_system.published' : 'ai_system.changes_requested',
        entityType: 'AiSystem',
        entityId: entry.id,
        after: { revision: revision.number, comment },
        requestId: origin.requestId,
      });
      const payload = { organisationId: entry.organisationId, slug: entry.slug, revisionId: revision.id, revision: revision.number, submittedBy: revision.submittedBy, reviewedBy: origin.actor.userId, comment };
      await this.emit(approve ? new EntryPublished(entry.id, payload) : new ChangesRequested(entry.id, payload), origin);
      return this.requireRow(entry.id);
    });
  }

  async archive(input: ArchiveAiSystemInput, origin: RequestOrigin): Promise<EntryRow> {
    return this.tx.run(async () => {
      const { entry, next } = await this.begin(input, 'archive', origin, (e) => canEdit(origin.actor, e), 'only publishers of the owning organisation archive it');
      const reason = input.reason?.trim() || null;
      await this.write(entry, { status: next, archived: true }, origin);
      if (entry.listed && entry.published !== null) await this.searchIndex.remove(entry.published);
      await this.audit.record({ actorUserId: origin.actor.userId, action: 'ai_system.archived', entityType: 'AiSystem', entityId: entry.id, before: { status: entry.status }, after: { reason }, requestId: origin.requestId });
      await this.emit(new EntryArchived(entry.id, { organisationId: entry.organisationId, slug: entry.slug, reason }), origin);
      return this.requireRow(entry.id);
    });
  }

  /**
   * Loads and locks the entry, then checks in the order a client can act on: exists for you (NOT_FOUND),
   * allowed (FORBIDDEN), current (CONFLICT), possible in this state (INVALID_STATE_TRANSITION).
   */
  private async begin(
    input: { id: string; expectedVersion: number },
    action: EntryAction,
    origin: RequestOrigin,
    permitted: (entry: EntryRow, operator: Operator) => boolean,
    refusal: string,
  ): Promise<{ entry: EntryRow; next: EntryStatus }> {
    const id = fromGlobalId(input.id, 'AiSystem', 'input.id');
    const entry = await this.store.findById(id, { lock: true });
    const operator = await this.operator();
    if (entry === null || !canSee(origin.actor, entry, operator)) throw new NotFound('AiSystem', input.id);
    if (!permitted(entry, operator)) throw new Forbidden(refusal);
    if (entry.version !== input.expectedVersion) {
      throw new Conflict(`the entry changed meanwhile (version ${entry.version}, you sent ${input.expectedVersion}); reload and retry`, {
        field: 'input.expectedVersion',
        currentVersion: entry.version,
      });
    }
    return { entry, next: nextEntryStatus(entry.status, action) };
  }

  private async write(
    entry: EntryRow,
    change: { status: EntryStatus; draft?: DraftContent; published?: DraftContent; publishedRevisionId?: string; archived?: boolean },
    origin: RequestOrigin,
  ): Promise<void> {
    const result: [unknown[], number] = await this.tx.manager.query(
      `UPDATE ai_system SET
         status = $3, version = version + 1, updated_by = $4, updated_at = now(),
         draft = coalesce($5, draft),
         published = coalesce($6, published),
         published_revision_id = coalesce($7, published_revision_id),
         published_at = CASE WHEN $7::uuid IS NOT NULL THEN now() ELSE published_at END,
         first_published_at = CASE WHEN $7::uuid IS NOT NULL THEN coalesce(first_published_at, now()) ELSE first_published_at END,
         archived_at = CASE WHEN $8 THEN now() ELSE archived_at END,
         listed = CASE WHEN $8 THEN false WHEN $7::uuid IS NOT NULL THEN true ELSE listed END
       WHERE id = $1 AND version = $2`,
      [entry.id, entry.version, change.status, origin.actor.userId, change.draft ?? null, change.published ?? null, change.publishedRevisionId ?? null, change.archived ?? false],
    );
    if (result[1] !== 1) throw new Conflict('the entry changed meanwhile; reload and retry', { field: 'input.expectedVersion' });
  }

  private async emit(event: DomainEvent, origin: RequestOrigin): Promise<void> {
    await this.events.record(event, { actorUserId: origin.actor.userId, requestId: origin.requestId });
  }

  private async requireRow(id: string): Promise<EntryRow> {
    const row = await this.store.findById(id);
    if (row === null) throw new Error(`entry ${id} vanished inside its own transaction`);
    return row;
  }
}

import { Injectable } from '@nestjs/common';
import { BadUserInput, Conflict, Forbidden, fromGlobalId, InvalidStateTransition, NotFound, type Actor } from '@app/common';
import { AuditLogService, DomainEventService, TransactionService, type DomainEvent } from '@app/data';
import { EntryRatingSummaryService } from '../catalogue/entry-rating-summary.service.js';
import { RatingService } from './rating.service.js';
import { canDecide, canWithdraw, isOwnerSide, isParty } from './reuse-request-access.js';
import { ReuseRequestStore, type ReuseRequestRow } from './reuse-request-store.js';
import { nextReuseRequestStatus, ReuseRequestStatus, type ReuseRequestAction } from './reuse-request.machine.js';
import {
  ReuseDecision,
  type AddReuseRequestMessageInput,
  type DecideReuseRequestInput,
  type RequestReuseInput,
  type WithdrawReuseRequestInput,
} from './reuse-request.inputs.js';
import { ApprovalExpiring, ReuseRequestDecided, ReuseRequested, ReuseRequestMessageAdded, ReuseRequestWithdrawn } from './review-workflow.events.js';

export interface RequestOrigin {
  actor: Actor;
  requestId: string | null;
}

/** Filing, deciding, withdrawing and discussing reuse requests; every write checks access, version and state. */
@Injectable()
export class ReuseRequestService {
  constructor(
    private readonly tx: TransactionService,
    private readonly store: ReuseRequestStore,
    private readonly entries: EntryRatingSummaryService,
    private readonly ratings: RatingService,
    private readonly audit: AuditLogService,
    private readonly events: DomainEventService,
  ) {}

  async request(input: RequestReuseInput, origin: RequestOrigin): Promise<ReuseRequestRow> {
    const { actor } = origin;
    return this.tx.run(async (manager) => {
      const key = input.clientMutationId ?? null;
      if (key !== null) {
        const earlier = await this.store.findByIdempotencyKey(actor.userId, key);
        if (earlier !== null) return this.sameRequest(earlier, input);
      }
      const entry = await this.entries.lockVisible(input.aiSystemId, 'input.aiSystemId', actor);
      if (entry === null) throw new NotFound('AiSystem', input.aiSystemId);
      if (entry.organisationId === actor.organisationId) throw new Forbidden('your organisation owns this system; it needs no reuse request');
      if (!entry.listed) throw new InvalidStateTransition('AiSystem', 'unpublished', 'be requested for reuse');
      const previous = input.previousRequestId ? await this.previous(input.previousRequestId, entry.id, actor) : null;
      const rows: Array<{ id: string }> = await manager.query(
        `INSERT INTO reuse_request (ai_system_id, requesting_organisation_id, requester_id, purpose, intended_use, expected_users,
           contact_email, list_as_user, status, previous_request_id, client_mutation_id)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'SUBMITTED', $9, $10)
         ON CONFLICT DO NOTHING RETURNING id`,
        [
          entry.id,
          actor.organisationId,
          actor.userId,
          input.purpose.trim(),
          input.intendedUse.trim(),
          input.expectedUsers ?? null,
          input.contactEmail?.trim().toLowerCase() ?? null,
          input.listAsUser ?? true,
          previous,
          key,
        ],
      );
      const id = rows[0]?.id;
      if (id === undefined) {
        // A concurrent retry with the same key won, or an open request exists already.
        const retried = key === null ? null : await this.store.findByIdempotencyKey(actor.userId, key);
        if (retried !== null) return this.sameRequest(retried, input);
        throw new Conflict('your organisation already has an open request for this system', { field: 'input.aiSystemId' });
      }
      const created = await this.require(id);
      await this.audit.record({ actorUserId: actor.userId, action: 'reuse_request.submitted', entityType: 'ReuseRequest', entityId: id, after: { aiSystemId: entry.id, previous }, requestId: origin.requestId });
      await this.emit(new ReuseRequested(id, this.parties(created)), origin);
      return created;
    });
  }

  async decide(input: DecideReuseRequestInput, origin: RequestOrigin): Promise<ReuseRequestRow> {
    const approve = input.decision === ReuseDecision.APPROVE;
    const note = input.note?.trim() || null;
    if (!approve && note === null) throw BadUserInput.field('input.note', 'is required when rejecting');
    if (!approve && input.expiresAt) throw BadUserInput.field('input.expiresAt', 'only an approval can expire');
    if (input.expiresAt && input.expiresAt.getTime() <= Date.now()) throw BadUserInput.field('input.expiresAt', 'must lie in the future');
    return this.tx.run(async () => {
      const row = await this.begin(input, approve ? 'approve' : 'reject', origin, canDecide, 'only reviewers of the owning organisation decide reuse requests');
      await this.write(row, input.expectedVersion, approve ? ReuseRequestStatus.APPROVED : ReuseRequestStatus.REJECTED, {
        decision_note: note,
        conditions: input.conditions?.trim() || null,
        expires_at: input.expiresAt ?? null,
        decided_by: origin.actor.userId,
      });
      if (approve) await this.ratings.refreshVerified(row.aiSystemId, row.requestingOrganisationId);
      await this.audit.record({
        actorUserId: origin.actor.userId,
        action: approve ? 'reuse_request.approved' : 'reuse_request.rejected',
        entityType: 'ReuseRequest',
        entityId: row.id,
        before: { status: row.status },
        after: { note, conditions: input.conditions ?? null, expiresAt: input.expiresAt ?? null },
        requestId: origin.requestId,
      });
      await this.emit(new ReuseRequestDecided(row.id, { ...this.parties(row), decision: input.decision, note, expiresAt: input.expiresAt ?? null }), origin);
      return this.require(row.id);
    });
  }

  async withdraw(input: WithdrawReuseRequestInput, origin: RequestOrigin): Promise<ReuseRequestRow> {
    return this.tx.run(async () => {
      const row = await this.begin(input, 'withdraw', origin, canWithdraw, 'only the person who filed the request withdraws it');
      await this.write(row, input.expectedVersion, ReuseRequestStatus.WITHDRAWN, {});
      await this.audit.record({ actorUserId: origin.actor.userId, action: 'reuse_request.withdrawn', entityType: 'ReuseRequest', entityId: row.id, before: { status: row.status }, requestId: origin.requestId });
      await this.emit(new ReuseRequestWithdrawn(row.id, this.parties(row)), origin);
      return this.require(row.id);
    });
  }

  async addMessage(input: AddReuseRequestMessageInput, origin: RequestOrigin): Promise<{ messageId: string; request: ReuseRequestRow }> {
    const { actor } = origin;
    const body = input.body.trim();
    if (body === '') throw BadUserInput.field('input.body', 'must not be empty');
    return this.tx.run(async (manager) => {
      const id = fromGlobalId(input.reuseRequestId, 'ReuseRequest', 'input.reuseRequestId');
      const row = await this.store.findById(id, { lock: true });
      if (row === null || !isParty(actor, row)) throw new NotFound('ReuseRequest', input.reuseRequestId);
      if (row.status === ReuseRequestStatus.WITHDRAWN) throw new InvalidStateTransition('ReuseRequest', row.status, 'receive messages');
      const rows: Array<{ id: string }> = await manager.query(
        `INSERT INTO reuse_request_message (reuse_request_id, author_id, body) VALUES ($1, $2, $3) RETURNING id`,
        [row.id, actor.userId, body],
      );
      const messageId = rows[0]?.id;
      if (messageId === undefined) throw new Error('message was not written');
      if (row.status === ReuseRequestStatus.SUBMITTED && isOwnerSide(actor, row)) {
        await this.write(row, row.version, nextReuseRequestStatus(row.status, 'startReview'), {});
      }
      await this.audit.record({ actorUserId: actor.userId, action: 'reuse_request.message_added', entityType: 'ReuseRequest', entityId: row.id, after: { messageId }, requestId: origin.requestId });
      await this.emit(new ReuseRequestMessageAdded(row.id, { ...this.parties(row), messageId, authorId: actor.userId, fromOwner: isOwnerSide(actor, row) }), origin);
      return { messageId, request: await this.require(row.id) };
    });
  }

  /**
   * Records ApprovalExpiring once for every approval that ends within `withinMs`. Claiming rows with
   * UPDATE … WHERE expiry_announced_at IS NULL makes concurrent runs (several api replicas) announce each once.
   */
  async announceExpiringApprovals(withinMs: number): Promise<number> {
    return this.tx.run(async (manager) => {
      const [claimed]: [Array<ReuseRequestRow>, number] = await manager.query(
        `UPDATE reuse_request r SET expiry_announced_at = now()
         FROM ai_system s
         WHERE s.id = r.ai_system_id AND r.status = 'APPROVED' AND r.expiry_announced_at IS NULL
           AND r.expires_at > now() AND r.expires_at <= now() + ($1 || ' milliseconds')::interval
         RETURNING r.id, r.ai_system_id AS "aiSystemId", s.organisation_id AS "owningOrganisationId",
           r.requesting_organisation_id AS "requestingOrganisationId", r.requester_id AS "requesterId", r.expires_at AS "expiresAt"`,
        [String(withinMs)],
      );
      for (const row of claimed) {
        await this.events.record(new ApprovalExpiring(row.id, { ...this.parties(row), expiresAt: row.expiresAt }), { actorUserId: null, requestId: null });
      }
      return claimed.length;
    });
  }

  /** Locks the request; then: exists for you (NOT_FOUND), allowed (FORBIDDEN), current (CONFLICT), possible (INVALID_STATE_TRANSITION). */
  private async begin(
    input: { id: string; expectedVersion: number },
    action: ReuseRequestAction,
    origin: RequestOrigin,
    permitted: (actor: Actor, row: ReuseRequestRow) => boolean,
    refusal: string,
  ): Promise<ReuseRequestRow> {
    const row = await this.store.findById(fromGlobalId(input.id, 'ReuseRequest', 'input.id'), { lock: true });
    if (row === null || !isParty(origin.actor, row)) throw new NotFound('ReuseRequest', input.id);
    if (!permitted(origin.actor, row)) throw new Forbidden(refusal);
    if (row.version !== input.expectedVersion) {
      throw new Conflict(`the request changed meanwhile (version ${row.version}, you sent ${input.expectedVersion}); reload and retry`, {
        field: 'input.expectedVersion',
        currentVersion: row.version,
      });
    }
    nextReuseRequestStatus(row.status, action);
    return row;
  }

  /** Optimistic locking: UPDATE … WHERE version = expected; nothing updated means someone else won. */
  private async write(row: ReuseRequestRow, expectedVersion: number, status: ReuseRequestStatus, decision: Partial<Record<'decision_note' | 'conditions' | 'expires_at' | 'decided_by', unknown>>): Promise<void> {
    const result: [unknown[], number] = await this.tx.manager.query(
      `UPDATE reuse_request SET status = $3, version = version + 1, updated_at = now(),
         decision_note = coalesce($4, decision_note), conditions = coalesce($5, conditions),
         expires_at = coalesce($6, expires_at), decided_by = coalesce($7, decided_by),
         decided_at = CASE WHEN $7::uuid IS NULL THEN decided_at ELSE now() END
       WHERE id = $1 AND version = $2`,
      [row.id, expectedVersion, status, decision.decision_note ?? null, decision.conditions ?? null, decision.expires_at ?? null, decision.decided_by ?? null],
    );
    if (result[1] !== 1) throw new Conflict('the request changed meanwhile; reload and retry', { field: 'input.expectedVersion' });
  }

  private async previous(globalId: string, aiSystemId: string, actor: Actor): Promise<string> {
    const row = await this.store.findById(fromGlobalId(globalId, 'ReuseRequest', 'input.previousRequestId'));
    if (row === null || row.requestingOrganisationId !== actor.organisationId) throw new NotFound('ReuseRequest', globalId);
    if (row.aiSystemId !== aiSystemId) throw BadUserInput.field('input.previousRequestId', 'belongs to another system');
    if (row.status !== ReuseRequestStatus.REJECTED) throw BadUserInput.field('input.previousRequestId', 'only a rejected request can be followed up');
    return row.id;
  }

  /** An idempotent retry must repeat the same request; the same key for another one is a client bug. */
  private sameRequest(earlier: ReuseRequestRow, input: RequestReuseInput): ReuseRequestRow {
    const aiSystemId = fromGlobalId(input.aiSystemId, 'AiSystem', 'input.aiSystemId');
    if (earlier.aiSystemId !== aiSystemId) {
      throw new Conflict('this clientMutationId was already used for another request', { field: 'input.clientMutationId' });
    }
    return earlier;
  }

  private parties(row: ReuseRequestRow): Record<string, unknown> {
    return {
      aiSystemId: row.aiSystemId,
      owningOrganisationId: row.owningOrganisationId,
      requestingOrganisationId: row.requestingOrganisationId,
      requesterId: row.requesterId,
    };
  }

  private async emit(event: DomainEvent, origin: RequestOrigin): Promise<void> {
    await this.events.record(event, { actorUserId: origin.actor.userId, requestId: origin.requestId });
  }

  private async require(id: string): Promise<ReuseRequestRow> {
    const row = await this.store.findById(id);
    if (row === null) throw new Error(`reuse request ${id} vanished inside its own transaction`);
    return row;
  }
}

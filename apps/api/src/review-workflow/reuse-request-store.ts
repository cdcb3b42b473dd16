import { Injectable } from '@nestjs/common';
import { toGlobalId } from '@app/common';
import { TransactionService } from '@app/data';
import { ReuseRequestStatus } from './reuse-request.machine.js';
import { ReuseRequest, ReuseRequestState } from './reuse-request.types.js';

export interface ReuseRequestRow {
  id: string;
  aiSystemId: string;
  owningOrganisationId: string;
  requestingOrganisationId: string;
  requesterId: string;
  purpose: string;
  intendedUse: string;
  expectedUsers: number | null;
  contactEmail: string | null;
  listAsUser: boolean;
  status: ReuseRequestStatus;
  decisionNote: string | null;
  conditions: string | null;
  expiresAt: Date | null;
  decidedAt: Date | null;
  previousRequestId: string | null;
  clientMutationId: string | null;
  version: number;
  createdAt: Date;
  /** Exact creation time as text, for cursors. */
  createdAtKey: string;
}

export const reuseRequestColumns = `
  r.id, r.ai_system_id AS "aiSystemId", s.organisation_id AS "owningOrganisationId",
  r.requesting_organisation_id AS "requestingOrganisationId", r.requester_id AS "requesterId", r.purpose,
  r.intended_use AS "intendedUse", r.expected_users AS "expectedUsers", r.contact_email AS "contactEmail",
  r.list_as_user AS "listAsUser", r.status, r.decision_note AS "decisionNote", r.conditions, r.expires_at AS "expiresAt",
  r.decided_at AS "decidedAt", r.previous_request_id AS "previousRequestId", r.client_mutation_id AS "clientMutationId",
  r.version, r.created_at AS "createdAt", to_char(r.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS "createdAtKey"`;

/** The state a client sees: an approval past its expiry is EXPIRED. */
export function visibleState(row: Pick<ReuseRequestRow, 'status' | 'expiresAt'>, now = new Date()): ReuseRequestState {
  if (row.status === ReuseRequestStatus.APPROVED && row.expiresAt !== null && row.expiresAt <= now) return ReuseRequestState.EXPIRED;
  return row.status as unknown as ReuseRequestState;
}

export function toReuseRequest(row: ReuseRequestRow): ReuseRequest {
  return Object.assign(new ReuseRequest(), {
    id: toGlobalId('ReuseRequest', row.id),
    uuid: row.id,
    aiSystemId: row.aiSystemId,
    requestingOrganisationId: row.requestingOrganisationId,
    requesterId: row.requesterId,
    previousRequestId: row.previousRequestId,
    storedStatus: row.status,
    status: visibleState(row),
    purpose: row.purpose,
    intendedUse: row.intendedUse,
    expectedUsers: row.expectedUsers,
    contactEmail: row.contactEmail,
    listAsUser: row.listAsUser,
    decisionNote: row.decisionNote,
    conditions: row.conditions,
    expiresAt: row.expiresAt,
    decidedAt: row.decidedAt,
    version: row.version,
    createdAt: row.createdAt,
    clientMutationId: row.clientMutationId,
  });
}

@Injectable()
export class ReuseRequestStore {
  constructor(private readonly tx: TransactionService) {}

  async findById(id: string, options: { lock?: boolean } = {}): Promise<ReuseRequestRow | null> {
    const rows: ReuseRequestRow[] = await this.tx.manager.query(
      `SELECT ${reuseRequestColumns} FROM reuse_request r JOIN ai_system s ON s.id = r.ai_system_id WHERE r.id = $1${options.lock ? ' FOR UPDATE OF r' : ''}`,
      [id],
    );
    return rows[0] ?? null;
  }

  async findByIdempotencyKey(requesterId: string, key: string): Promise<ReuseRequestRow | null> {
    const rows: ReuseRequestRow[] = await this.tx.manager.query(
      `SELECT ${reuseRequestColumns} FROM reuse_request r JOIN ai_system s ON s.id = r.ai_system_id WHERE r.requester_id = $1 AND r.client_mutation_id = $2`,
      [requesterId, key],
    );
    return rows[0] ?? null;
  }
}

import { Injectable } from '@nestjs/common';
import { TransactionService } from './transaction.service.js';

export interface AuditEntry {
  actorUserId: string | null;
  action: string;
  entityType: string;
  entityId: string;
  before?: object | null;
  after?: object | null;
  requestId?: string | null;
}

/** Writes audit entries into the caller's transaction, so a rolled-back change leaves no entry behind. */
@Injectable()
export class AuditLogService {
  constructor(private readonly tx: TransactionService) {}

  async record(entry: AuditEntry): Promise<void> {
    if (!this.tx.inTransaction) throw new Error('audit entries are written inside the transaction of the change');
    await this.tx.manager.query(
      `INSERT INTO audit_log (actor_user_id, action, entity_type, entity_id, before, after, request_id)
       VALUES ($1, $2, $3, $4, $5, $6, $7)`,
      [entry.actorUserId, entry.action, entry.entityType, entry.entityId, entry.before ?? null, entry.after ?? null, entry.requestId ?? null],
    );
  }
}

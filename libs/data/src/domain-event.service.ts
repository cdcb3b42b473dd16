import { Injectable } from '@nestjs/common';
import { TransactionService } from './transaction.service.js';

/** A fact other modules may react to; written in the transaction that caused it (transactional outbox). */
export interface DomainEvent {
  readonly type: string;
  readonly aggregateType: string;
  readonly aggregateId: string;
  readonly payload: Record<string, unknown>;
}

export interface EventOrigin {
  actorUserId: string | null;
  requestId: string | null;
}

@Injectable()
export class DomainEventService {
  constructor(private readonly tx: TransactionService) {}

  /** Rolls back with the change that raised it; consumers read the outbox after commit. */
  async record(event: DomainEvent, origin: EventOrigin): Promise<void> {
    if (!this.tx.inTransaction) throw new Error(`${event.type} must be recorded inside the transaction of its change`);
    await this.tx.manager.query(
      `INSERT INTO domain_event (type, aggregate_type, aggregate_id, payload, actor_user_id, request_id) VALUES ($1, $2, $3, $4, $5, $6)`,
      [event.type, event.aggregateType, event.aggregateId, event.payload, origin.actorUserId, origin.requestId],
    );
  }
}

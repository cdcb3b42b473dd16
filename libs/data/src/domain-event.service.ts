import { Injectable, OnModuleInit } from '@nestjs/common';
import { JobQueue } from './jobs/job-queue.service.js';
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

/** Queue of recorded events: one job per event, enqueued in the event's transaction. */
export const DOMAIN_EVENT_QUEUE = 'domain-event';

export interface DomainEventJob {
  eventId: string;
  type: string;
}

@Injectable()
export class DomainEventService implements OnModuleInit {
  constructor(
    private readonly tx: TransactionService,
    private readonly jobs: JobQueue,
  ) {}

  async onModuleInit(): Promise<void> {
    await this.jobs.define({ name: DOMAIN_EVENT_QUEUE, retryBackoff: true, deadLetter: `${DOMAIN_EVENT_QUEUE}-dead` });
  }

  /** Rolls back with the change that raised it; the job that hands it to consumers commits with it. */
  async record(event: DomainEvent, origin: EventOrigin): Promise<string> {
    if (!this.tx.inTransaction) throw new Error(`${event.type} must be recorded inside the transaction of its change`);
    const rows: Array<{ id: string }> = await this.tx.manager.query(
      `INSERT INTO domain_event (type, aggregate_type, aggregate_id, payload, actor_user_id, request_id) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`,
      [event.type, event.aggregateType, event.aggregateId, event.payload, origin.actorUserId, origin.requestId],
    );
    const eventId = rows[0]?.id;
    if (eventId === undefined) throw new Error(`${event.type} was not written`);
    await this.jobs.send(DOMAIN_EVENT_QUEUE, { eventId, type: event.type } satisfies DomainEventJob, { id: eventId });
    return eventId;
  }
}

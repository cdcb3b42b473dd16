import { Inject, Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { APP_CONFIG, isRole, type AppConfig, type Role } from '@app/common';
import { DOMAIN_EVENT_QUEUE, JobQueue, TransactionService, type DomainEventJob } from '@app/data';
import { deliveryId } from './notification-id.js';
import { isNotificationEventType } from './notification-events.js';
import { notificationColumns, toNotification, type NotificationRow } from './notification-inbox.service.js';
import type { NotificationParams } from './notification-texts.js';
import { audiencesOf, recipientsOf, type Candidate, type EventFacts } from './recipient-rules.js';
import type { Notification } from './notification.types.js';

interface EventRow {
  id: string;
  type: string;
  aggregateType: string;
  aggregateId: string;
  payload: Record<string, unknown>;
  actorUserId: string | null;
  actorName: string | null;
  occurredAt: Date;
}

export interface FannedOutEvent {
  event: EventRow;
  facts: EventFacts;
  params: NotificationParams;
  aiSystemId: string;
  recipients: Candidate[];
}

/** A further channel (e-mail, webhooks) that enqueues its own work inside the fan-out's transaction. */
export interface FanoutChannel {
  enqueue(fanned: FannedOutEvent, created: ReadonlySet<string>): Promise<void>;
}

/** Another process (or replica) is told of new notifications after commit: the live channel. */
export interface NotificationListener {
  notificationsCreated(notifications: Notification[]): Promise<void>;
}

const str = (value: unknown): string | null => (typeof value === 'string' ? value : null);

/**
 * Consumes `domain-event` jobs: decides who hears of the event and writes their inbox entries with deterministic
 * ids in one transaction, together with the jobs of the other channels. A redelivered job finds the rows there
 * and creates nothing, so nothing downstream happens twice.
 */
@Injectable()
export class NotificationFanoutService implements OnModuleInit {
  private readonly logger = new Logger(NotificationFanoutService.name);
  private readonly channels: FanoutChannel[] = [];
  private readonly listeners: NotificationListener[] = [];

  constructor(
    private readonly tx: TransactionService,
    private readonly jobs: JobQueue,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async onModuleInit(): Promise<void> {
    await this.jobs.work<DomainEventJob>(DOMAIN_EVENT_QUEUE, (job) => this.handle(job.eventId).then(() => undefined), { batchSize: 5 });
  }

  addChannel(channel: FanoutChannel): void {
    this.channels.push(channel);
  }

  addListener(listener: NotificationListener): void {
    this.listeners.push(listener);
  }

  /** Returns the notifications this run created (none when a previous run of the same job already did). */
  async handle(eventId: string): Promise<Notification[]> {
    const created = await this.tx.run(async (manager) => {
      const events: EventRow[] = await manager.query(
        `SELECT e.id, e.type, e.aggregate_type AS "aggregateType", e.aggregate_id AS "aggregateId", e.payload, e.actor_user_id AS "actorUserId",
           u.display_name AS "actorName", e.occurred_at AS "occurredAt"
         FROM domain_event e LEFT JOIN app_user u ON u.id = e.actor_user_id WHERE e.id = $1`,
        [eventId],
      );
      const event = events[0];
      if (event === undefined || !isNotificationEventType(event.type)) return [];
      const fanned = await this.facts(event);
      if (fanned === null) return [];
      const rows: NotificationRow[] =
        fanned.recipients.length === 0
          ? []
          : await manager.query(
              `WITH inserted AS (
                 INSERT INTO notification (id, recipient_id, event_id, event_type, subject_type, subject_id, ai_system_id, params, created_at)
                 SELECT r.id, r.recipient_id, $1, $2, $3, $4, $5, $6, $7
                 FROM jsonb_to_recordset($8) AS r (id uuid, recipient_id uuid)
                 ON CONFLICT DO NOTHING
                 RETURNING *
               )
               SELECT ${notificationColumns} FROM inserted n`,
              [
                event.id,
                event.type,
                event.aggregateType,
                event.aggregateId,
                fanned.aiSystemId,
                fanned.params,
                event.occurredAt,
                JSON.stringify(fanned.recipients.map((r) => ({ id: deliveryId(event.id, r.userId, 'IN_APP'), recipient_id: r.userId }))),
              ],
            );
      const createdFor = new Set(rows.map((row) => row.recipientId));
      for (const channel of this.channels) await channel.enqueue(fanned, createdFor);
      return rows.map(toNotification);
    });
    for (const listener of this.listeners) {
      // After commit; the inbox already holds them, so a lost live message costs only immediacy.
      await listener.notificationsCreated(created).catch((error: unknown) => this.logger.warn(`live delivery failed: ${error instanceof Error ? error.message : String(error)}`));
    }
    return created;
  }

  private async facts(event: EventRow): Promise<FannedOutEvent | null> {
    if (!isNotificationEventType(event.type)) return null;
    const p = event.payload;
    const aiSystemId = event.aggregateType === 'AiSystem' ? event.aggregateId : str(p.aiSystemId);
    if (aiSystemId === null) return null;
    const manager = this.tx.manager;
    const entries: Array<{ organisationId: string; status: string; listed: boolean; name: string | null; organisation: string }> = await manager.query(
      `SELECT s.organisation_id AS "organisationId", s.status, s.listed, coalesce(s.published->>'name', s.draft->>'name') AS name, o.name AS organisation
       FROM ai_system s JOIN organisation o ON o.id = s.organisation_id WHERE s.id = $1`,
      [aiSystemId],
    );
    const entry = entries[0];
    if (entry === undefined) return null;
    const requestingOrganisationId = str(p.requestingOrganisationId);
    const orgs: Array<{ id: string; name: string; slug: string }> = await manager.query(`SELECT id, name, slug FROM organisation WHERE id = ANY($1) OR slug = $2`, [
      [requestingOrganisationId].filter((id): id is string => id !== null),
      this.config.operatorOrganisation,
    ]);
    const facts: EventFacts = {
      type: event.type,
      actorUserId: event.actorUserId,
      owningOrganisationId: entry.organisationId,
      operatorOrganisationId: orgs.find((o) => o.slug === this.config.operatorOrganisation)?.id ?? null,
      entryListed: entry.listed,
      entryUnderReview: entry.status === 'IN_REVIEW' || entry.status === 'CHANGES_REQUESTED',
      requestingOrganisationId,
      requesterId: str(p.requesterId),
      submittedBy: str(p.submittedBy),
      raterId: str(p.raterId),
      fromOwner: p.fromOwner === true,
    };
    const params: NotificationParams = {
      entryName: entry.name,
      owningOrganisation: entry.organisation,
      requestingOrganisation: orgs.find((o) => o.id === requestingOrganisationId)?.name ?? null,
      actorName: event.actorName,
      decision: str(p.decision),
      note: str(p.note) ?? str(p.comment) ?? str(p.reason),
      stars: typeof p.stars === 'number' ? p.stars : null,
      expiresAt: p.expiresAt === undefined || p.expiresAt === null ? null : new Date(p.expiresAt as string).toISOString(),
    };
    const audiences = audiencesOf(facts);
    const users = audiences.flatMap((a) => (a.kind === 'user' ? [a.userId] : []));
    const organisations = audiences.flatMap((a) => (a.kind === 'user' ? [] : [a.organisationId]));
    const candidates: Array<{ id: string; organisationId: string; roles: string[] }> =
      audiences.length === 0
        ? []
        : await manager.query(`SELECT id, organisation_id AS "organisationId", roles FROM app_user WHERE id = ANY($1) OR organisation_id = ANY($2) ORDER BY id`, [users, organisations]);
    const recipients = recipientsOf(
      facts,
      candidates.map((c) => ({ userId: c.id, organisationId: c.organisationId, roles: new Set(c.roles.filter(isRole)) as ReadonlySet<Role> })),
    );
    return { event, facts, params, aiSystemId, recipients };
  }
}

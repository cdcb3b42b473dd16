import { createHmac } from 'node:crypto';
import { Inject, Injectable, Logger, OnModuleInit } from '@nestjs/common';
import {
  APP_CONFIG,
  assertCursorFits,
  BadUserInput,
  encodeCursor,
  Forbidden,
  hasAnyRole,
  parsePageRequest,
  Role,
  toGlobalId,
  type Actor,
  type AppConfig,
  type ConnectionShape,
  type FieldProblem,
} from '@app/common';
import { JobQueue, TransactionService } from '@app/data';
import { deliveryId } from './notification-id.js';
import { isNotificationEventType, NOTIFICATION_EVENT_TYPES } from './notification-events.js';
import { NotificationFanoutService, type FannedOutEvent, type FanoutChannel } from './notification-fanout.service.js';
import { postJson, webhookUrlProblem } from './webhook-target.js';
import { Webhook, WebhookDelivery, WebhookDeliveryStatus, type RegisterWebhookInput, type WebhookDeliveriesArgs } from './webhook.types.js';

export const WEBHOOK_DELIVERY_QUEUE = 'webhook-delivery';

interface WebhookRow {
  id: string;
  url: string;
  events: string[];
  enabled: boolean;
  consecutiveFailures: number;
  createdAt: Date;
  disabledAt: Date | null;
}

const webhookColumns = `id, url, events, enabled, consecutive_failures AS "consecutiveFailures", created_at AS "createdAt", disabled_at AS "disabledAt"`;

function toWebhook(row: WebhookRow): Webhook {
  return Object.assign(new Webhook(), { ...row, id: toGlobalId('Webhook', row.id), uuid: row.id });
}

/** `X-KIM-Signature: sha256=<hex HMAC-SHA256 of "<timestamp>.<body>">` with the webhook's secret. */
export function webhookSignature(secret: string, timestamp: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

/**
 * Webhooks per organisation: registered by its publishers or reviewers; told about the events that concern the
 * organisation (it owns the system, or it asked to reuse it). Deliveries retry with exponential backoff; too many
 * failures in a row disable the webhook.
 */
@Injectable()
export class WebhookService implements FanoutChannel, OnModuleInit {
  private readonly logger = new Logger(WebhookService.name);

  constructor(
    private readonly tx: TransactionService,
    private readonly jobs: JobQueue,
    private readonly fanout: NotificationFanoutService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async onModuleInit(): Promise<void> {
    this.fanout.addChannel(this);
    await this.jobs.define({ name: WEBHOOK_DELIVERY_QUEUE, retryBackoff: true, deadLetter: `${WEBHOOK_DELIVERY_QUEUE}-dead` });
    await this.jobs.work<{ deliveryId: string }>(WEBHOOK_DELIVERY_QUEUE, (data, job) => this.deliver(data.deliveryId, job.retryCount));
  }

  async register(actor: Actor, input: RegisterWebhookInput): Promise<Webhook> {
    if (!hasAnyRole(actor, [Role.PUBLISHER, Role.REVIEWER])) throw new Forbidden('only publishers and reviewers register webhooks for their organisation');
    const problems: FieldProblem[] = [];
    const urlProblem = await webhookUrlProblem(input.url, { allowPrivate: this.config.notifications.webhookAllowPrivate });
    if (urlProblem !== null) problems.push({ field: 'input.url', message: urlProblem });
    input.events.forEach((name, index) => {
      if (!isNotificationEventType(name)) problems.push({ field: `input.events.${index}`, message: `is not an event type (one of ${NOTIFICATION_EVENT_TYPES.join(', ')})` });
    });
    if (problems.length > 0) throw new BadUserInput(problems.map((p) => `${p.field}: ${p.message}`).join('; '), problems);
    return this.tx.run(async (manager) => {
      const rows: WebhookRow[] = await manager.query(
        `INSERT INTO webhook (organisation_id, url, events, secret, created_by) VALUES ($1, $2, $3, $4, $5) RETURNING ${webhookColumns}`,
        [actor.organisationId, input.url, [...new Set(input.events)], input.secret, actor.userId],
      );
      return toWebhook(rows[0] as WebhookRow);
    });
  }

  async list(actor: Actor): Promise<Webhook[]> {
    const rows: WebhookRow[] = await this.tx.manager.query(`SELECT ${webhookColumns} FROM webhook WHERE organisation_id = $1 ORDER BY created_at, id`, [actor.organisationId]);
    return rows.map(toWebhook);
  }

  async deliveries(webhook: Webhook, args: WebhookDeliveriesArgs): Promise<ConnectionShape<WebhookDelivery>> {
    const page = parsePageRequest({ first: args.first, after: args.after });
    assertCursorFits(page, 'timestamp', 'uuid');
    const params: unknown[] = [webhook.uuid];
    let after = '';
    if (page.cursor) {
      params.push(page.cursor.v, page.cursor.i);
      after = ` AND (created_at, id) < ($2::timestamptz, $3::uuid)`;
    }
    params.push(page.limit + 1);
    const [rows, counts]: [Array<WebhookDelivery & { key: string }>, Array<{ n: number }>] = await Promise.all([
      this.tx.manager.query(
        `SELECT id, event_type AS "eventType", status, attempts, last_status_code AS "lastStatusCode", last_error AS "lastError", created_at AS "createdAt",
           delivered_at AS "deliveredAt", to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS key
         FROM webhook_delivery WHERE webhook_id = $1${after} ORDER BY created_at DESC, id DESC LIMIT $${params.length}`,
        params,
      ),
      this.tx.manager.query(`SELECT count(*)::int AS n FROM webhook_delivery WHERE webhook_id = $1`, [webhook.uuid]),
    ]);
    const hasMore = rows.length > page.limit;
    const edges = rows.slice(0, page.limit).map(({ key, ...row }) => ({ cursor: encodeCursor(key, row.id), node: Object.assign(new WebhookDelivery(), row) }));
    return {
      edges,
      nodes: edges.map((e) => e.node),
      totalCount: counts[0]?.n ?? 0,
      pageInfo: { hasNextPage: hasMore, hasPreviousPage: page.cursor !== null, startCursor: edges[0]?.cursor ?? null, endCursor: edges.at(-1)?.cursor ?? null },
    };
  }

  /** In the fan-out's transaction: one delivery and one job per enabled webhook that subscribed to the event. */
  async enqueue(fanned: FannedOutEvent): Promise<void> {
    const { event, facts } = fanned;
    const organisations = [facts.owningOrganisationId, ...(facts.requestingOrganisationId === null ? [] : [facts.requestingOrganisationId])];
    const hooks: Array<{ id: string }> = await this.tx.manager.query(`SELECT id FROM webhook WHERE organisation_id = ANY($1) AND enabled AND $2 = ANY(events)`, [
      organisations,
      event.type,
    ]);
    if (hooks.length === 0) return;
    const payload = {
      event: event.type,
      eventId: event.id,
      occurredAt: new Date(event.occurredAt).toISOString(),
      aiSystem: { id: toGlobalId('AiSystem', fanned.aiSystemId), name: fanned.params.entryName ?? null },
      subject: { type: event.aggregateType, id: toGlobalId(event.aggregateType, event.aggregateId) },
    };
    const rows: Array<{ id: string }> = await this.tx.manager.query(
      `INSERT INTO webhook_delivery (id, webhook_id, event_id, event_type, payload)
       SELECT d.id, d.webhook_id, $2, $3, $4 FROM jsonb_to_recordset($1) AS d (id uuid, webhook_id uuid)
       ON CONFLICT DO NOTHING RETURNING id`,
      [JSON.stringify(hooks.map((h) => ({ id: deliveryId(event.id, h.id, 'WEBHOOK'), webhook_id: h.id }))), event.id, event.type, payload],
    );
    for (const row of rows) await this.jobs.send(WEBHOOK_DELIVERY_QUEUE, { deliveryId: row.id }, { id: row.id });
  }

  /**
   * One attempt in three steps, so no transaction or row lock is held while a receiver answers: claim the delivery
   * (a short transaction that counts the attempt and holds it until the deadline), POST outside any transaction
   * within WEBHOOK_TIMEOUT_MS, then record the outcome (a second transaction that only changes a PENDING delivery,
   * so a repeated run records nothing twice). A failure is recorded and then thrown, so the job engine retries with
   * backoff; the last retry marks it FAILED.
   */
  async deliver(id: string, retryCount: number): Promise<void> {
    const claimed = await this.claim(id);
    if (claimed === null) return;
    const body = JSON.stringify({ deliveryId: id, ...claimed.payload });
    const timestamp = String(Math.floor(Date.now() / 1000));
    const headers = { 'x-kim-event': claimed.eventType, 'x-kim-delivery': id, 'x-kim-timestamp': timestamp, 'x-kim-signature': webhookSignature(claimed.secret, timestamp, body) };
    let status: number | null = null;
    let error: string | null = null;
    try {
      status = (await postJson(claimed.url, body, headers, this.config.notifications.webhookTimeoutMs, { allowPrivate: this.config.notifications.webhookAllowPrivate })).status;
      if (status < 200 || status > 299) error = `answered HTTP ${status}`;
    } catch (cause) {
      error = cause instanceof Error ? cause.message : String(cause);
    }
    const last = retryCount >= this.config.jobs.retryLimit;
    await this.record(id, claimed.webhookId, status, error, last);
    if (error !== null && !last) throw new Error(`webhook delivery ${id} failed: ${error}`);
  }

  /** The delivery to attempt now, or null when there is nothing to do; throws while another run holds it. */
  private claim(id: string): Promise<{ payload: object; eventType: string; webhookId: string; url: string; secret: string } | null> {
    return this.tx.run(async (manager) => {
      const rows: Array<{ status: string; payload: object; eventType: string; webhookId: string; url: string; secret: string; enabled: boolean; claimed: boolean }> =
        await manager.query(
          `SELECT d.status, d.payload, d.event_type AS "eventType", w.id AS "webhookId", w.url, w.secret, w.enabled, coalesce(d.claimed_until > now(), false) AS claimed
           FROM webhook_delivery d JOIN webhook w ON w.id = d.webhook_id WHERE d.id = $1 FOR UPDATE OF d`,
          [id],
        );
      const row = rows[0];
      if (row === undefined || row.status !== WebhookDeliveryStatus.PENDING) return null;
      if (!row.enabled) {
        await manager.query(`UPDATE webhook_delivery SET status = 'FAILED', last_error = 'the webhook is disabled', claimed_until = NULL WHERE id = $1`, [id]);
        return null;
      }
      if (row.claimed) throw new Error(`webhook delivery ${id} is being attempted by another run`);
      // A little beyond the deadline, so the claim outlives the POST that holds it.
      await manager.query(`UPDATE webhook_delivery SET attempts = attempts + 1, last_attempt_at = now(), claimed_until = now() + make_interval(secs => $2) WHERE id = $1`, [
        id,
        this.config.notifications.webhookTimeoutMs / 1000 + 5,
      ]);
      return { payload: row.payload, eventType: row.eventType, webhookId: row.webhookId, url: row.url, secret: row.secret };
    });
  }

  /** Records one attempt's outcome on a still PENDING delivery, and the webhook's failures in a row. */
  private async record(id: string, webhookId: string, status: number | null, error: string | null, last: boolean): Promise<void> {
    await this.tx.run(async (manager) => {
      if (error === null) {
        const [, changed]: [unknown[], number] = await manager.query(
          `UPDATE webhook_delivery SET status = 'SUCCEEDED', last_status_code = $2, last_error = NULL, delivered_at = now(), claimed_until = NULL WHERE id = $1 AND status = 'PENDING'`,
          [id, status],
        );
        if (changed > 0) await manager.query(`UPDATE webhook SET consecutive_failures = 0 WHERE id = $1`, [webhookId]);
        return;
      }
      const [, changed]: [unknown[], number] = await manager.query(
        `UPDATE webhook_delivery SET status = $2, last_status_code = $3, last_error = $4, claimed_until = NULL WHERE id = $1 AND status = 'PENDING'`,
        [id, last ? WebhookDeliveryStatus.FAILED : WebhookDeliveryStatus.PENDING, status, error.slice(0, 500)],
      );
      if (changed === 0) return;
      const [updated]: [Array<{ enabled: boolean }>, number] = await manager.query(
        `UPDATE webhook SET consecutive_failures = consecutive_failures + 1,
           enabled = consecutive_failures + 1 < $2, disabled_at = CASE WHEN consecutive_failures + 1 >= $2 THEN now() ELSE disabled_at END
         WHERE id = $1 RETURNING enabled`,
        [webhookId, this.config.notifications.webhookMaxFailures],
      );
      if (updated[0]?.enabled === false) this.logger.warn(`webhook ${webhookId} disabled after ${this.config.notifications.webhookMaxFailures} failures in a row`);
    });
  }
}

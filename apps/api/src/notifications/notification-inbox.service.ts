import { Injectable } from '@nestjs/common';
import { assertCursorFits, BadUserInput, encodeCursor, fromGlobalId, NotFound, parsePageRequest, toGlobalId, type Actor, type ConnectionShape } from '@app/common';
import { TransactionService } from '@app/data';
import type { MarkNotificationsReadInput, NotificationsArgs } from './notification.inputs.js';
import type { NotificationParams } from './notification-texts.js';
import { Notification } from './notification.types.js';

export interface NotificationRow {
  id: string;
  recipientId: string;
  eventType: string;
  subjectType: string;
  subjectId: string;
  aiSystemId: string | null;
  params: NotificationParams;
  createdAt: Date;
  readAt: Date | null;
  /** Exact creation time as text, for cursors. */
  createdAtKey: string;
}

export const notificationColumns = `n.id, n.recipient_id AS "recipientId", n.event_type AS "eventType", n.subject_type AS "subjectType",
  n.subject_id AS "subjectId", n.ai_system_id AS "aiSystemId", n.params, n.created_at AS "createdAt", n.read_at AS "readAt",
  to_char(n.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS "createdAtKey"`;

export function toNotification(row: NotificationRow): Notification {
  return Object.assign(new Notification(), {
    id: toGlobalId('Notification', row.id),
    uuid: row.id,
    recipientId: row.recipientId,
    params: row.params,
    eventType: row.eventType,
    subjectId: toGlobalId(row.subjectType, row.subjectId),
    aiSystemId: row.aiSystemId === null ? null : toGlobalId('AiSystem', row.aiSystemId),
    createdAt: row.createdAt,
    readAt: row.readAt,
    read: row.readAt !== null,
  });
}

/** The caller's own inbox: nobody reads or marks another person's notifications (they are NOT_FOUND). */
@Injectable()
export class NotificationInboxService {
  constructor(private readonly tx: TransactionService) {}

  async findVisible(id: string, actor: Actor | null): Promise<Notification | null> {
    if (actor === null) return null;
    const rows: NotificationRow[] = await this.tx.manager.query(`SELECT ${notificationColumns} FROM notification n WHERE n.id = $1 AND n.recipient_id = $2`, [id, actor.userId]);
    return rows[0] ? toNotification(rows[0]) : null;
  }

  async list(actor: Actor, args: NotificationsArgs): Promise<ConnectionShape<Notification> & { unreadCount: number }> {
    const page = parsePageRequest({ first: args.first, after: args.after });
    assertCursorFits(page, 'timestamp', 'uuid');
    const filter = `n.recipient_id = $1${args.unreadOnly ? ' AND n.read_at IS NULL' : ''}`;
    const params: unknown[] = [actor.userId];
    let after = '';
    if (page.cursor) {
      params.push(page.cursor.v, page.cursor.i);
      after = ` AND (n.created_at, n.id) < ($2::timestamptz, $3::uuid)`;
    }
    params.push(page.limit + 1);
    const [rows, counts]: [NotificationRow[], Array<{ total: number; unread: number }>] = await Promise.all([
      this.tx.manager.query(`SELECT ${notificationColumns} FROM notification n WHERE ${filter}${after} ORDER BY n.created_at DESC, n.id DESC LIMIT $${params.length}`, params),
      this.tx.manager.query(
        `SELECT count(*) FILTER (WHERE ${args.unreadOnly ? 'n.read_at IS NULL' : 'true'})::int AS total, count(*) FILTER (WHERE n.read_at IS NULL)::int AS unread
         FROM notification n WHERE n.recipient_id = $1`,
        [actor.userId],
      ),
    ]);
    const hasMore = rows.length > page.limit;
    const edges = rows.slice(0, page.limit).map((row) => ({ cursor: encodeCursor(row.createdAtKey, row.id), node: toNotification(row) }));
    return {
      edges,
      nodes: edges.map((edge) => edge.node),
      totalCount: counts[0]?.total ?? 0,
      unreadCount: counts[0]?.unread ?? 0,
      pageInfo: { hasNextPage: hasMore, hasPreviousPage: page.cursor !== null, startCursor: edges[0]?.cursor ?? null, endCursor: edges.at(-1)?.cursor ?? null },
    };
  }

  async unreadCount(actor: Actor): Promise<number> {
    const rows: Array<{ n: number }> = await this.tx.manager.query(`SELECT count(*)::int AS n FROM notification WHERE recipient_id = $1 AND read_at IS NULL`, [actor.userId]);
    return rows[0]?.n ?? 0;
  }

  /** Marks the given notifications (all of them the caller's) or all unread ones; already read ones stay as they were. */
  async markRead(actor: Actor, input: MarkNotificationsReadInput): Promise<{ marked: number; unreadCount: number }> {
    const hasIds = input.ids !== undefined && input.ids !== null;
    if (hasIds === Boolean(input.all)) {
      throw new BadUserInput('give either ids or all: true', [{ field: hasIds ? 'input.all' : 'input.ids', message: hasIds ? 'cannot be combined with ids' : 'is required unless all is true' }]);
    }
    return this.tx.run(async (manager) => {
      let result: [unknown[], number];
      if (hasIds) {
        const globalIds = input.ids ?? [];
        const ids = globalIds.map((id, index) => fromGlobalId(id, 'Notification', `input.ids.${index}`));
        const own: Array<{ id: string }> = await manager.query(`SELECT id FROM notification WHERE id = ANY($1) AND recipient_id = $2`, [ids, actor.userId]);
        const found = new Set(own.map((row) => row.id));
        const missing = ids.findIndex((id) => !found.has(id));
        if (missing >= 0) throw new NotFound('Notification', globalIds[missing] ?? '');
        result = await manager.query(`UPDATE notification SET read_at = now() WHERE id = ANY($1) AND recipient_id = $2 AND read_at IS NULL`, [ids, actor.userId]);
      } else {
        result = await manager.query(`UPDATE notification SET read_at = now() WHERE recipient_id = $1 AND read_at IS NULL`, [actor.userId]);
      }
      return { marked: result[1], unreadCount: await this.unreadCount(actor) };
    });
  }
}

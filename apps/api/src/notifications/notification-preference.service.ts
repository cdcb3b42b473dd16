import { Injectable } from '@nestjs/common';
import { BadUserInput, type Actor, type FieldProblem } from '@app/common';
import { TransactionService } from '@app/data';
import { isNotificationEventType, NOTIFICATION_EVENT_TYPES } from './notification-events.js';
import { DEFAULT_EMAIL_DELIVERY, EmailDelivery, NotificationPreference, type UpdateNotificationPreferencesInput } from './notification-preference.types.js';

/** Per user and event type: e-mail immediately, in a daily digest, or not at all. Absent rows mean the default. */
@Injectable()
export class NotificationPreferenceService {
  constructor(private readonly tx: TransactionService) {}

  async list(userId: string): Promise<NotificationPreference[]> {
    const rows: Array<{ eventType: string; email: EmailDelivery }> = await this.tx.manager.query(
      `SELECT event_type AS "eventType", email FROM notification_preference WHERE user_id = $1`,
      [userId],
    );
    const chosen = new Map(rows.map((row) => [row.eventType, row.email]));
    return NOTIFICATION_EVENT_TYPES.map((eventType) => Object.assign(new NotificationPreference(), { eventType, inApp: true, email: chosen.get(eventType) ?? DEFAULT_EMAIL_DELIVERY }));
  }

  async update(actor: Actor, input: UpdateNotificationPreferencesInput): Promise<NotificationPreference[]> {
    const problems: FieldProblem[] = [];
    const seen = new Set<string>();
    input.preferences.forEach((preference, index) => {
      const field = `input.preferences.${index}.eventType`;
      if (!isNotificationEventType(preference.eventType)) problems.push({ field, message: `is not an event type (one of ${NOTIFICATION_EVENT_TYPES.join(', ')})` });
      else if (seen.has(preference.eventType)) problems.push({ field, message: 'is listed twice' });
      seen.add(preference.eventType);
    });
    if (problems.length > 0) throw new BadUserInput(problems.map((p) => `${p.field}: ${p.message}`).join('; '), problems);
    await this.tx.run(async (manager) => {
      await manager.query(
        `INSERT INTO notification_preference (user_id, event_type, email)
         SELECT $1, p.event_type, p.email FROM jsonb_to_recordset($2) AS p (event_type text, email text)
         ON CONFLICT (user_id, event_type) DO UPDATE SET email = excluded.email, updated_at = now()`,
        [actor.userId, JSON.stringify(input.preferences.map((p) => ({ event_type: p.eventType, email: p.email })))],
      );
    });
    return this.list(actor.userId);
  }

  /** Turns e-mail off for one event type, or for all of them (the unsubscribe link). */
  async unsubscribe(userId: string, eventType: string | null): Promise<void> {
    const types = eventType === null ? [...NOTIFICATION_EVENT_TYPES] : [eventType];
    await this.tx.run((manager) =>
      manager.query(
        `INSERT INTO notification_preference (user_id, event_type, email) SELECT $1, t, 'OFF' FROM unnest($2::text[]) AS t
         ON CONFLICT (user_id, event_type) DO UPDATE SET email = 'OFF', updated_at = now()`,
        [userId, types],
      ),
    );
  }

  /** Each recipient's e-mail choice for `eventType`. */
  async emailDeliveries(userIds: string[], eventType: string): Promise<Map<string, EmailDelivery>> {
    const rows: Array<{ userId: string; email: EmailDelivery }> = await this.tx.manager.query(
      `SELECT user_id AS "userId", email FROM notification_preference WHERE user_id = ANY($1) AND event_type = $2`,
      [userIds, eventType],
    );
    const chosen = new Map(rows.map((row) => [row.userId, row.email]));
    return new Map(userIds.map((id) => [id, chosen.get(id) ?? DEFAULT_EMAIL_DELIVERY]));
  }
}

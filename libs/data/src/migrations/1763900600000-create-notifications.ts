import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * In-app inbox and per-user preferences. A notification's id is derived from event, recipient and channel
 * (uuid v5), so a redelivered fan-out job inserts nothing new (ON CONFLICT DO NOTHING).
 */
export class CreateNotifications1763900600000 implements MigrationInterface {
  name = 'CreateNotifications1763900600000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE notification (
        id uuid PRIMARY KEY,
        recipient_id uuid NOT NULL REFERENCES app_user (id) ON DELETE CASCADE,
        event_id uuid NOT NULL REFERENCES domain_event (id),
        event_type text NOT NULL,
        subject_type text NOT NULL,
        subject_id uuid NOT NULL,
        ai_system_id uuid REFERENCES ai_system (id),
        params jsonb NOT NULL DEFAULT '{}',
        created_at timestamptz NOT NULL DEFAULT now(),
        read_at timestamptz,
        UNIQUE (event_id, recipient_id)
      )`);
    await q.query(`CREATE INDEX notification_inbox_idx ON notification (recipient_id, created_at DESC, id DESC)`);
    await q.query(`CREATE INDEX notification_unread_idx ON notification (recipient_id, created_at DESC, id DESC) WHERE read_at IS NULL`);
    await q.query(`
      CREATE TABLE notification_preference (
        user_id uuid NOT NULL REFERENCES app_user (id) ON DELETE CASCADE,
        event_type text NOT NULL,
        email text NOT NULL CHECK (email IN ('IMMEDIATE', 'DAILY_DIGEST', 'OFF')),
        updated_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (user_id, event_type)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE notification_preference`);
    await q.query(`DROP TABLE notification`);
  }
}

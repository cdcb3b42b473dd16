import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * One row per notification that goes out by e-mail, keyed like the notification (uuid v5 of event, recipient,
 * EMAIL): the send job marks it SENT, so a redelivered job does not mail twice. Digest rows are claimed by exactly
 * one email_digest, so a day's events appear in one digest once.
 */
export class CreateEmailDeliveries1763900700000 implements MigrationInterface {
  name = 'CreateEmailDeliveries1763900700000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE email_digest (
        id uuid PRIMARY KEY,
        recipient_id uuid NOT NULL REFERENCES app_user (id) ON DELETE CASCADE,
        status text NOT NULL DEFAULT 'PENDING' CHECK (status IN ('PENDING', 'SENT')),
        created_at timestamptz NOT NULL DEFAULT now(),
        sent_at timestamptz
      )`);
    await q.query(`
      CREATE TABLE email_delivery (
        id uuid PRIMARY KEY,
        notification_id uuid NOT NULL UNIQUE REFERENCES notification (id) ON DELETE CASCADE,
        recipient_id uuid NOT NULL REFERENCES app_user (id) ON DELETE CASCADE,
        mode text NOT NULL CHECK (mode IN ('IMMEDIATE', 'DAILY_DIGEST')),
        status text NOT NULL DEFAULT 'PENDING' CHECK (status IN ('PENDING', 'SENT', 'SKIPPED')),
        digest_id uuid REFERENCES email_digest (id) ON DELETE SET NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        sent_at timestamptz,
        CHECK (mode = 'DAILY_DIGEST' OR digest_id IS NULL)
      )`);
    await q.query(`CREATE INDEX email_delivery_digest_due_idx ON email_delivery (recipient_id) WHERE mode = 'DAILY_DIGEST' AND digest_id IS NULL`);
    await q.query(`CREATE INDEX email_delivery_digest_idx ON email_delivery (digest_id) WHERE digest_id IS NOT NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE email_delivery`);
    await q.query(`DROP TABLE email_digest`);
  }
}

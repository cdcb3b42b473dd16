import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Webhooks per organisation and their deliveries. A delivery's id is the uuid v5 of event, webhook and WEBHOOK, so
 * the fan-out creates it once; attempts are counted on it, failures in a row on the webhook (which is disabled
 * after WEBHOOK_MAX_FAILURES of them).
 */
export class CreateWebhooks1763900800000 implements MigrationInterface {
  name = 'CreateWebhooks1763900800000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE webhook (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        organisation_id uuid NOT NULL REFERENCES organisation (id),
        url text NOT NULL,
        events text[] NOT NULL CHECK (cardinality(events) > 0),
        secret text NOT NULL,
        enabled boolean NOT NULL DEFAULT true,
        consecutive_failures integer NOT NULL DEFAULT 0,
        disabled_at timestamptz,
        created_by uuid REFERENCES app_user (id),
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX webhook_organisation_idx ON webhook (organisation_id, created_at, id)`);
    await q.query(`
      CREATE TABLE webhook_delivery (
        id uuid PRIMARY KEY,
        webhook_id uuid NOT NULL REFERENCES webhook (id) ON DELETE CASCADE,
        event_id uuid NOT NULL REFERENCES domain_event (id),
        event_type text NOT NULL,
        payload jsonb NOT NULL,
        status text NOT NULL DEFAULT 'PENDING' CHECK (status IN ('PENDING', 'SUCCEEDED', 'FAILED')),
        attempts integer NOT NULL DEFAULT 0,
        last_status_code integer,
        last_error text,
        created_at timestamptz NOT NULL DEFAULT now(),
        last_attempt_at timestamptz,
        delivered_at timestamptz
      )`);
    await q.query(`CREATE INDEX webhook_delivery_list_idx ON webhook_delivery (webhook_id, created_at DESC, id DESC)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE webhook_delivery`);
    await q.query(`DROP TABLE webhook`);
  }
}

import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Review workflow: reuse requests with their message threads, and ratings with the rating summary kept on
 * ai_system (written in the rating's transaction) so search can filter and sort by it.
 */
export class CreateReuseRequestsAndRatings1763900200000 implements MigrationInterface {
  name = 'CreateReuseRequestsAndRatings1763900200000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE reuse_request (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        ai_system_id uuid NOT NULL REFERENCES ai_system (id),
        requesting_organisation_id uuid NOT NULL REFERENCES organisation (id),
        requester_id uuid NOT NULL REFERENCES app_user (id),
        purpose text NOT NULL CHECK (length(purpose) BETWEEN 1 AND 5000),
        intended_use text NOT NULL CHECK (length(intended_use) BETWEEN 1 AND 5000),
        expected_users integer CHECK (expected_users > 0),
        contact_email text CHECK (length(contact_email) <= 254),
        list_as_user boolean NOT NULL DEFAULT true,
        status text NOT NULL CHECK (status IN ('SUBMITTED', 'IN_REVIEW', 'APPROVED', 'REJECTED', 'WITHDRAWN')),
        decision_note text CHECK (length(decision_note) <= 5000),
        conditions text CHECK (length(conditions) <= 5000),
        expires_at timestamptz,
        decided_by uuid REFERENCES app_user (id),
        decided_at timestamptz,
        previous_request_id uuid REFERENCES reuse_request (id),
        client_mutation_id text CHECK (length(client_mutation_id) <= 100),
        version integer NOT NULL DEFAULT 1,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT reuse_request_idempotency UNIQUE (requester_id, client_mutation_id),
        CONSTRAINT reuse_request_rejection_has_note CHECK (status <> 'REJECTED' OR decision_note IS NOT NULL)
      )`);
    // At most one open request per system and requesting organisation, also under concurrent requests.
    await q.query(`
      CREATE UNIQUE INDEX reuse_request_one_open_idx ON reuse_request (ai_system_id, requesting_organisation_id)
      WHERE status IN ('SUBMITTED', 'IN_REVIEW')`);
    // The data layer's contract for "who may see gated details and is listed as a user": current approvals only.
    await q.query(`
      CREATE VIEW current_reuse_approval AS
      SELECT ai_system_id, requesting_organisation_id AS organisation_id, bool_or(list_as_user) AS listed_as_user
      FROM reuse_request
      WHERE status = 'APPROVED' AND (expires_at IS NULL OR expires_at > now())
      GROUP BY ai_system_id, requesting_organisation_id`);
    await q.query(`CREATE INDEX reuse_request_requester_org_idx ON reuse_request (requesting_organisation_id, created_at DESC, id DESC)`);
    await q.query(`CREATE INDEX reuse_request_system_idx ON reuse_request (ai_system_id, status)`);
    await q.query(`
      CREATE TABLE reuse_request_message (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        reuse_request_id uuid NOT NULL REFERENCES reuse_request (id),
        author_id uuid NOT NULL REFERENCES app_user (id),
        body text NOT NULL CHECK (length(body) BETWEEN 1 AND 5000),
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX reuse_request_message_thread_idx ON reuse_request_message (reuse_request_id, created_at, id)`);
    await q.query(`
      CREATE TABLE rating (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        ai_system_id uuid NOT NULL REFERENCES ai_system (id),
        user_id uuid NOT NULL REFERENCES app_user (id),
        organisation_id uuid NOT NULL REFERENCES organisation (id),
        stars smallint NOT NULL CHECK (stars BETWEEN 1 AND 5),
        title text CHECK (length(title) <= 200),
        text text CHECK (length(text) <= 5000),
        verified_reuse boolean NOT NULL,
        reply text CHECK (length(reply) <= 5000),
        replied_by uuid REFERENCES app_user (id),
        replied_at timestamptz,
        helpful_count integer NOT NULL DEFAULT 0 CHECK (helpful_count >= 0),
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT rating_one_per_user UNIQUE (ai_system_id, user_id)
      )`);
    await q.query(`CREATE INDEX rating_helpful_idx ON rating (ai_system_id, helpful_count DESC, id DESC)`);
    await q.query(`
      CREATE TABLE rating_helpful_vote (
        rating_id uuid NOT NULL REFERENCES rating (id),
        user_id uuid NOT NULL REFERENCES app_user (id),
        created_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (rating_id, user_id)
      )`);
    await q.query(`CREATE INDEX rating_newest_idx ON rating (ai_system_id, updated_at DESC, id DESC)`);
    await q.query(`
      ALTER TABLE ai_system
        ADD COLUMN rating_count integer NOT NULL DEFAULT 0,
        ADD COLUMN rating_sum integer NOT NULL DEFAULT 0,
        ADD COLUMN rating_histogram integer[] NOT NULL DEFAULT '{0,0,0,0,0}',
        ADD COLUMN rating_verified_count integer NOT NULL DEFAULT 0,
        ADD COLUMN rating_average numeric(3, 2) GENERATED ALWAYS AS (
          CASE WHEN rating_count = 0 THEN NULL ELSE round(rating_sum::numeric / rating_count, 2) END
        ) STORED`);
    await q.query(`CREATE INDEX ai_system_rating_idx ON ai_system ((coalesce(rating_average, 0)) DESC, id DESC) WHERE listed`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX ai_system_rating_idx`);
    await q.query(`
      ALTER TABLE ai_system DROP COLUMN rating_average, DROP COLUMN rating_verified_count, DROP COLUMN rating_histogram,
        DROP COLUMN rating_sum, DROP COLUMN rating_count`);
    await q.query(`DROP TABLE rating_helpful_vote`);
    await q.query(`DROP TABLE rating`);
    await q.query(`DROP TABLE reuse_request_message`);
    await q.query(`DROP VIEW current_reuse_approval`);
    await q.query(`DROP TABLE reuse_request`);
  }
}

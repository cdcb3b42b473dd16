import type { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateOrganisationsUsersAuditLog1763900000000 implements MigrationInterface {
  name = 'CreateOrganisationsUsersAuditLog1763900000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE organisation (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        name text NOT NULL CHECK (length(name) BETWEEN 2 AND 200),
        slug text NOT NULL UNIQUE CHECK (slug ~ '^[a-z0-9]+(-[a-z0-9]+)*$' AND length(slug) <= 80),
        level text NOT NULL CHECK (level IN ('BUND', 'LAND', 'KOMMUNE', 'OTHER')),
        state text CHECK (state IN ('BW','BY','BE','BB','HB','HH','HE','MV','NI','NW','RP','SL','SN','ST','SH','TH')),
        created_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT organisation_state_matches_level CHECK (
          (level IN ('LAND', 'KOMMUNE') AND state IS NOT NULL) OR (level = 'BUND' AND state IS NULL) OR level = 'OTHER'
        )
      )`);
    await q.query(`CREATE INDEX organisation_name_id_idx ON organisation (name, id)`);
    await q.query(`
      CREATE TABLE app_user (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        issuer text NOT NULL,
        subject text NOT NULL,
        email text NOT NULL,
        display_name text NOT NULL,
        organisation_id uuid NOT NULL REFERENCES organisation (id) ON DELETE RESTRICT,
        roles text[] NOT NULL DEFAULT '{}'
          CHECK (roles <@ ARRAY['AGENCY_USER', 'PUBLISHER', 'REVIEWER', 'ADMIN']::text[]),
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT app_user_identity_unique UNIQUE (issuer, subject)
      )`);
    await q.query(`CREATE INDEX app_user_organisation_idx ON app_user (organisation_id, display_name, id)`);
    await q.query(`CREATE INDEX app_user_email_idx ON app_user (lower(email))`);
    await q.query(`
      CREATE TABLE audit_log (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        occurred_at timestamptz NOT NULL DEFAULT now(),
        actor_user_id uuid REFERENCES app_user (id),
        action text NOT NULL,
        entity_type text NOT NULL,
        entity_id text NOT NULL,
        before jsonb,
        after jsonb,
        request_id text
      )`);
    await q.query(`CREATE INDEX audit_log_entity_idx ON audit_log (entity_type, entity_id, id)`);
    await q.query(`
      CREATE FUNCTION audit_log_is_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'audit_log is append-only' USING ERRCODE = 'insufficient_privilege';
      END $$`);
    await q.query(`
      CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON audit_log
      FOR EACH STATEMENT EXECUTE FUNCTION audit_log_is_append_only()`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE audit_log`);
    await q.query(`DROP FUNCTION audit_log_is_append_only()`);
    await q.query(`DROP TABLE app_user`);
    await q.query(`DROP TABLE organisation`);
  }
}

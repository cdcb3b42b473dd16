import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Catalogue: one ai_system row per entry (working copy + the published content denormalised for search),
 * immutable ai_system_revision rows for every submitted version, the transactional outbox for domain
 * events, and the vocabulary behind typo suggestions.
 */
export class CreateCatalogue1763900100000 implements MigrationInterface {
  name = 'CreateCatalogue1763900100000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE EXTENSION IF NOT EXISTS pg_trgm`);
    await q.query(`
      CREATE TABLE ai_system (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        slug text NOT NULL UNIQUE CHECK (slug ~ '^[a-z0-9]+(-[a-z0-9]+)*$' AND length(slug) <= 100),
        organisation_id uuid NOT NULL REFERENCES organisation (id),
        status text NOT NULL CHECK (status IN ('DRAFT', 'IN_REVIEW', 'CHANGES_REQUESTED', 'PUBLISHED', 'ARCHIVED')),
        version integer NOT NULL DEFAULT 1,
        draft jsonb NOT NULL,
        created_by uuid NOT NULL REFERENCES app_user (id),
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_by uuid NOT NULL REFERENCES app_user (id),
        updated_at timestamptz NOT NULL DEFAULT now(),
        published_revision_id uuid,
        published jsonb,
        first_published_at timestamptz,
        published_at timestamptz,
        archived_at timestamptz,
        listed boolean NOT NULL DEFAULT false,
        name text,
        lifecycle text,
        ai_act_risk_class text,
        policy_areas text[] NOT NULL DEFAULT '{}',
        ai_techniques text[] NOT NULL DEFAULT '{}',
        tags text[] NOT NULL DEFAULT '{}',
        licence text,
        deployment_modes text[] NOT NULL DEFAULT '{}',
        languages text[] NOT NULL DEFAULT '{}',
        processes_personal_data boolean,
        has_source_code boolean,
        reuse_potential text,
        organisation_level text,
        organisation_state text,
        search_vector tsvector,
        CONSTRAINT ai_system_listed_when_published CHECK (NOT listed OR (published IS NOT NULL AND archived_at IS NULL))
      )`);
    // German and English stems, weighted name > short description > description > tags and techniques.
    await q.query(`
      CREATE FUNCTION ai_system_search_vector(content jsonb, extra text) RETURNS tsvector
      LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
        SELECT setweight(to_tsvector('german', coalesce(content->>'name', '')), 'A')
          || setweight(to_tsvector('english', coalesce(content->>'nameEn', '')), 'A')
          || setweight(to_tsvector('german', coalesce(content->>'shortDescription', '')), 'B')
          || setweight(to_tsvector('english', coalesce(content->>'shortDescriptionEn', '')), 'B')
          || setweight(to_tsvector('german', coalesce(content->>'description', '')), 'C')
          || setweight(to_tsvector('english', coalesce(content->>'descriptionEn', '')), 'C')
          || setweight(to_tsvector('german', coalesce(extra, '')), 'D')
      $$`);
    await q.query(`CREATE INDEX ai_system_organisation_idx ON ai_system (organisation_id, status)`);
    await q.query(`CREATE INDEX ai_system_search_idx ON ai_system USING gin (search_vector) WHERE listed`);
    await q.query(`CREATE INDEX ai_system_newest_idx ON ai_system (published_at DESC, id DESC) WHERE listed`);
    await q.query(`CREATE INDEX ai_system_name_idx ON ai_system (lower(name), id) WHERE listed`);
    await q.query(`CREATE INDEX ai_system_arrays_idx ON ai_system USING gin (policy_areas, ai_techniques, tags, deployment_modes, languages) WHERE listed`);
    await q.query(`
      CREATE TABLE ai_system_revision (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        ai_system_id uuid NOT NULL REFERENCES ai_system (id),
        number integer NOT NULL CHECK (number > 0),
        content jsonb NOT NULL,
        submitted_by uuid NOT NULL REFERENCES app_user (id),
        submitted_at timestamptz NOT NULL DEFAULT now(),
        outcome text CHECK (outcome IN ('APPROVED', 'CHANGES_REQUESTED')),
        reviewed_by uuid REFERENCES app_user (id),
        reviewed_at timestamptz,
        review_comment text,
        CONSTRAINT ai_system_revision_number_unique UNIQUE (ai_system_id, number),
        CONSTRAINT ai_system_revision_review_complete CHECK ((outcome IS NULL) = (reviewed_by IS NULL) AND (outcome IS NULL) = (reviewed_at IS NULL))
      )`);
    await q.query(`
      ALTER TABLE ai_system ADD CONSTRAINT ai_system_published_revision_fk
      FOREIGN KEY (published_revision_id) REFERENCES ai_system_revision (id)`);
    // A submitted revision never changes; only its review outcome is written, once.
    await q.query(`
      CREATE FUNCTION ai_system_revision_is_immutable() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF TG_OP = 'DELETE' OR OLD.outcome IS NOT NULL OR NEW.content IS DISTINCT FROM OLD.content
           OR NEW.number IS DISTINCT FROM OLD.number OR NEW.ai_system_id IS DISTINCT FROM OLD.ai_system_id
           OR NEW.submitted_by IS DISTINCT FROM OLD.submitted_by OR NEW.submitted_at IS DISTINCT FROM OLD.submitted_at THEN
          RAISE EXCEPTION 'ai_system_revision is immutable' USING ERRCODE = 'insufficient_privilege';
        END IF;
        RETURN NEW;
      END $$`);
    await q.query(`
      CREATE TRIGGER ai_system_revision_immutable BEFORE UPDATE OR DELETE ON ai_system_revision
      FOR EACH ROW EXECUTE FUNCTION ai_system_revision_is_immutable()`);
    await q.query(`
      CREATE TABLE domain_event (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        type text NOT NULL,
        aggregate_type text NOT NULL,
        aggregate_id uuid NOT NULL,
        payload jsonb NOT NULL,
        actor_user_id uuid REFERENCES app_user (id),
        request_id text,
        occurred_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX domain_event_aggregate_idx ON domain_event (aggregate_type, aggregate_id, occurred_at)`);
    await q.query(`
      CREATE TABLE search_vocabulary (
        word text PRIMARY KEY,
        documents integer NOT NULL CHECK (documents >= 0)
      )`);
    await q.query(`CREATE INDEX search_vocabulary_trgm_idx ON search_vocabulary USING gin (word gin_trgm_ops)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE search_vocabulary`);
    await q.query(`DROP TABLE domain_event`);
    await q.query(`ALTER TABLE ai_system DROP CONSTRAINT ai_system_published_revision_fk`);
    await q.query(`DROP TABLE ai_system_revision`);
    await q.query(`DROP FUNCTION ai_system_revision_is_immutable()`);
    await q.query(`DROP TABLE ai_system`);
    await q.query(`DROP FUNCTION ai_system_search_vector(jsonb, text)`);
  }
}

import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A counter that every committed change of ai_system moves on, so search can keep totals and facet counts per
 * query and reuse them exactly until the catalogue changes. A statement-level trigger bumps it inside the
 * changing transaction: readers see the new value exactly when they see the change (MVCC), never before.
 */
export class AddCatalogueGeneration1763900400000 implements MigrationInterface {
  name = 'AddCatalogueGeneration1763900400000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE catalogue_generation (
        singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
        value bigint NOT NULL
      )`);
    await q.query(`INSERT INTO catalogue_generation (value) VALUES (0)`);
    await q.query(`
      CREATE FUNCTION bump_catalogue_generation() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        UPDATE catalogue_generation SET value = value + 1;
        RETURN NULL;
      END $$`);
    await q.query(`
      CREATE TRIGGER ai_system_catalogue_generation AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON ai_system
      FOR EACH STATEMENT EXECUTE FUNCTION bump_catalogue_generation()`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TRIGGER ai_system_catalogue_generation ON ai_system`);
    await q.query(`DROP FUNCTION bump_catalogue_generation()`);
    await q.query(`DROP TABLE catalogue_generation`);
  }
}

import { Role } from '@app/common';
import { GovernmentLevel } from '@app/data';
import { createTestApp, makeUser, type TestApp } from '@app/testing';

describe('one mutation, one transaction', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp();
  });

  afterAll(async () => {
    await t.close();
  });

  it('rolls back every write of a mutation that fails half-way, and answers without internals', async () => {
    const admin = await makeUser(t.dataSource, { roles: [Role.ADMIN] });
    // The audit entry is the mutation's last write: make the database refuse it.
    await t.dataSource.query(`
      CREATE FUNCTION refuse_organisation_audit() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF NEW.entity_type = 'Organisation' THEN RAISE EXCEPTION 'audit storage unavailable'; END IF;
        RETURN NEW;
      END $$`);
    await t.dataSource.query(`CREATE TRIGGER refuse_organisation_audit BEFORE INSERT ON audit_log FOR EACH ROW EXECUTE FUNCTION refuse_organisation_audit()`);
    try {
      const res = await t.gql(
        `mutation($input: CreateOrganisationInput!) { createOrganisation(input: $input) { organisation { id } } }`,
        { input: { name: 'Landkreis Halbfertig', slug: 'landkreis-halbfertig', level: GovernmentLevel.KOMMUNE, state: 'NI' } },
        await t.tokenFor(admin),
      );
      expect(res.errors?.[0]?.extensions.code).toBe('INTERNAL_SERVER_ERROR');
      expect(res.errors?.[0]?.message).toBe('Internal server error');
      expect(JSON.stringify(res.body)).not.toContain('audit storage unavailable');
      const rows: unknown[] = await t.dataSource.query(`SELECT 1 FROM organisation WHERE slug = 'landkreis-halbfertig'`);
      expect(rows).toHaveLength(0);
    } finally {
      await t.dataSource.query(`DROP TRIGGER refuse_organisation_audit ON audit_log`);
      await t.dataSource.query(`DROP FUNCTION refuse_organisation_audit()`);
    }
  });
});

import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Remembers that an approval's coming expiry was announced, so ApprovalExpiring is recorded once. */
export class AddReuseApprovalExpiryNotice1763900300000 implements MigrationInterface {
  name = 'AddReuseApprovalExpiryNotice1763900300000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE reuse_request ADD COLUMN expiry_announced_at timestamptz`);
    await q.query(`CREATE INDEX reuse_request_expiring_idx ON reuse_request (expires_at) WHERE status = 'APPROVED' AND expiry_announced_at IS NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX reuse_request_expiring_idx`);
    await q.query(`ALTER TABLE reuse_request DROP COLUMN expiry_announced_at`);
  }
}

import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A webhook attempt now POSTs outside any transaction: the run that claimed a delivery holds it until
 * `claimed_until` (its deadline), so a second run of the same job does not POST beside it; a claim that lapses
 * (the process died) is taken over by the retry.
 */
export class AddWebhookDeliveryClaim1763900900000 implements MigrationInterface {
  name = 'AddWebhookDeliveryClaim1763900900000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE webhook_delivery ADD COLUMN claimed_until timestamptz`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE webhook_delivery DROP COLUMN claimed_until`);
  }
}

import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { JobQueue } from '@app/data';
import { ReuseRequestService } from './reuse-request.service.js';

export const EXPIRY_NOTICE_MS = 14 * 24 * 3600 * 1000;
export const APPROVAL_EXPIRY_QUEUE = 'approval-expiry-scan';

/**
 * Hourly, on the job engine's schedule: announce approvals that end within 14 days. pg-boss fires each slot
 * once across all workers, and rows are claimed once anyway, so a manual run next to it does no harm.
 */
@Injectable()
export class ApprovalExpiryScheduler implements OnModuleInit {
  private readonly logger = new Logger(ApprovalExpiryScheduler.name);

  constructor(
    private readonly requests: ReuseRequestService,
    private readonly jobs: JobQueue,
  ) {}

  async onModuleInit(): Promise<void> {
    await this.jobs.define({ name: APPROVAL_EXPIRY_QUEUE, retryLimit: 2 });
    this.jobs.schedule(APPROVAL_EXPIRY_QUEUE, '0 * * * *');
    await this.jobs.work(APPROVAL_EXPIRY_QUEUE, async () => {
      await this.requests.announceExpiringApprovals(EXPIRY_NOTICE_MS);
    });
  }

  async run(): Promise<number> {
    try {
      return await this.requests.announceExpiringApprovals(EXPIRY_NOTICE_MS);
    } catch (error) {
      this.logger.error(`announcing expiring approvals failed: ${error instanceof Error ? error.message : String(error)}`);
      return 0;
    }
  }
}

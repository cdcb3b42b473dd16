import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { ReuseRequestService } from './reuse-request.service.js';

export const EXPIRY_NOTICE_MS = 14 * 24 * 3600 * 1000;
const CHECK_EVERY_MS = 3600 * 1000;

/**
 * Hourly: announce approvals that end within 14 days. Safe on every replica (rows are claimed once);
 * moves to the job engine's schedule when the notifications issue brings one.
 */
@Injectable()
export class ApprovalExpiryScheduler implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(ApprovalExpiryScheduler.name);
  private timer: NodeJS.Timeout | null = null;

  constructor(private readonly requests: ReuseRequestService) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => void this.run(), CHECK_EVERY_MS);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    if (this.timer !== null) clearInterval(this.timer);
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

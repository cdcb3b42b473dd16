import { DynamicModule, Global, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuditLogService } from './audit-log.service.js';
import { dataSourceOptions } from './data-source.js';
import { DomainEventService } from './domain-event.service.js';
import { DATABASE_URL, JobQueue } from './jobs/job-queue.service.js';
import { TransactionService } from './transaction.service.js';

@Global()
@Module({})
export class DatabaseModule {
  static forRoot(url: string): DynamicModule {
    return {
      module: DatabaseModule,
      imports: [TypeOrmModule.forRoot({ ...dataSourceOptions(url), retryAttempts: 0 })],
      providers: [{ provide: DATABASE_URL, useValue: url }, TransactionService, AuditLogService, JobQueue, DomainEventService],
      exports: [DATABASE_URL, TransactionService, AuditLogService, JobQueue, DomainEventService],
    };
  }
}

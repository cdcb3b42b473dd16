import { DynamicModule, Global, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuditLogService } from './audit-log.service.js';
import { dataSourceOptions } from './data-source.js';
import { DomainEventService } from './domain-event.service.js';
import { TransactionService } from './transaction.service.js';

@Global()
@Module({})
export class DatabaseModule {
  static forRoot(url: string): DynamicModule {
    return {
      module: DatabaseModule,
      imports: [TypeOrmModule.forRoot({ ...dataSourceOptions(url), retryAttempts: 0 })],
      providers: [TransactionService, AuditLogService, DomainEventService],
      exports: [TransactionService, AuditLogService, DomainEventService],
    };
  }
}

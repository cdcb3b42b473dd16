import { Module } from '@nestjs/common';
import { AuditLogQueryService } from './audit-log.query.service.js';
import { AuditLogResolver } from './audit-log.resolver.js';

@Module({ providers: [AuditLogQueryService, AuditLogResolver] })
export class AuditModule {}

import { Args, Query, Resolver } from '@nestjs/graphql';
import { Allow, CurrentActor, mapConnection, parsePageRequest, Role, type Actor } from '@app/common';
import { AuditLogEntry, AuditLogEntryConnection } from './audit-log-entry.type.js';
import { AuditLogArgs } from './audit-log.args.js';
import { AuditLogQueryService } from './audit-log.query.service.js';

@Resolver()
export class AuditLogResolver {
  constructor(private readonly entries: AuditLogQueryService) {}

  @Query(() => AuditLogEntryConnection, { description: 'Who changed what and when, newest first (admins).' })
  @Allow(Role.ADMIN)
  async auditLog(@Args() args: AuditLogArgs, @CurrentActor() actor: Actor): Promise<AuditLogEntryConnection> {
    return mapConnection(await this.entries.list(actor, parsePageRequest(args), { entityType: args.entityType }), AuditLogEntry.from);
  }
}

import { Field, ObjectType } from '@nestjs/graphql';
import { GraphQLJSON } from './json.scalar.js';
import { Connection, toGlobalId } from '@app/common';
import type { AuditLogEntity } from '@app/data';

@ObjectType('AuditLogEntry')
export class AuditLogEntry {
  @Field()
  id!: string;

  @Field()
  occurredAt!: Date;

  @Field(() => String, { nullable: true, description: 'Global id of the user who acted; null for the system.' })
  actorId!: string | null;

  @Field()
  action!: string;

  @Field()
  entityType!: string;

  @Field()
  entityId!: string;

  @Field(() => GraphQLJSON, { nullable: true })
  before!: Record<string, unknown> | null;

  @Field(() => GraphQLJSON, { nullable: true })
  after!: Record<string, unknown> | null;

  @Field(() => String, { nullable: true })
  requestId!: string | null;

  static from(entity: AuditLogEntity): AuditLogEntry {
    return Object.assign(new AuditLogEntry(), {
      id: entity.id,
      occurredAt: entity.occurredAt,
      actorId: entity.actorUserId === null ? null : toGlobalId('User', entity.actorUserId),
      action: entity.action,
      entityType: entity.entityType,
      entityId: entity.entityId,
      before: entity.before,
      after: entity.after,
      requestId: entity.requestId,
    });
  }
}

@ObjectType()
export class AuditLogEntryConnection extends Connection(AuditLogEntry) {}

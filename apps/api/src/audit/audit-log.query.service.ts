import { Injectable } from '@nestjs/common';
import { findPage, Forbidden, hasRole, Role, type Actor, type ConnectionShape, type PageRequest } from '@app/common';
import { AuditLogEntity, TransactionService } from '@app/data';

@Injectable()
export class AuditLogQueryService {
  constructor(private readonly tx: TransactionService) {}

  /** Newest first; admins only. */
  async list(actor: Actor, page: PageRequest, filter: { entityType?: string | null }): Promise<ConnectionShape<AuditLogEntity>> {
    if (!hasRole(actor, Role.ADMIN)) throw new Forbidden('only admins read the audit log');
    const query = this.tx.manager.getRepository(AuditLogEntity).createQueryBuilder('a');
    if (filter.entityType) query.where('a.entity_type = :entityType', { entityType: filter.entityType });
    // The identity id orders like time and is unique, so it serves as both sort key and tie-breaker.
    return findPage(query, { key: 'a.id', keyKind: 'bigint', id: 'a.id', idKind: 'bigint', descending: true, valueOf: (a) => a.id, idOf: (a) => a.id }, page);
  }
}

import { Injectable } from '@nestjs/common';
import { assertCursorFits, encodeCursor, fromGlobalId, NotFound, toGlobalId, type Actor, type ConnectionShape, type PageRequest } from '@app/common';
import { TransactionService } from '@app/data';
import { isParty } from './reuse-request-access.js';
import { ReuseRequestRole, type ReuseRequestFilter } from './reuse-request.inputs.js';
import { reuseRequestColumns, ReuseRequestStore, toReuseRequest, type ReuseRequestRow } from './reuse-request-store.js';
import { ReuseRequestMessage, ReuseRequestState, type ReuseRequest } from './reuse-request.types.js';

/** Reading requests: only the two organisations involved know a request exists. */
@Injectable()
export class ReuseRequestQueryService {
  constructor(
    private readonly tx: TransactionService,
    private readonly store: ReuseRequestStore,
  ) {}

  async find(globalId: string, actor: Actor | null, field = 'id'): Promise<ReuseRequest> {
    const row = await this.store.findById(fromGlobalId(globalId, 'ReuseRequest', field));
    if (row === null || !isParty(actor, row)) throw new NotFound('ReuseRequest', globalId);
    return toReuseRequest(row);
  }

  async findVisible(id: string, actor: Actor | null): Promise<ReuseRequest | null> {
    const row = await this.store.findById(id);
    return row !== null && isParty(actor, row) ? toReuseRequest(row) : null;
  }

  /** Newest first; REQUESTER = your organisation's requests, OWNER = requests for your organisation's systems. */
  async list(actor: Actor, filter: ReuseRequestFilter, page: PageRequest): Promise<ConnectionShape<ReuseRequest>> {
    assertCursorFits(page, 'timestamp', 'uuid');
    const params: unknown[] = [actor.organisationId];
    const where = [filter.role === ReuseRequestRole.REQUESTER ? 'r.requesting_organisation_id = $1' : 's.organisation_id = $1'];
    if (filter.aiSystemId) {
      params.push(fromGlobalId(filter.aiSystemId, 'AiSystem', 'filter.aiSystemId'));
      where.push(`r.ai_system_id = $${params.length}`);
    }
    if (filter.status) {
      if (filter.status === ReuseRequestState.EXPIRED) where.push(`r.status = 'APPROVED' AND r.expires_at <= now()`);
      else if (filter.status === ReuseRequestState.APPROVED) where.push(`r.status = 'APPROVED' AND (r.expires_at IS NULL OR r.expires_at > now())`);
      else {
        params.push(filter.status);
        where.push(`r.status = $${params.length}`);
      }
    }
    const filtered = where.join(' AND ');
    const pageParams = [...params];
    let after = '';
    if (page.cursor) {
      pageParams.push(page.cursor.v, page.cursor.i);
      after = ` AND (r.created_at, r.id) < ($${pageParams.length - 1}::timestamptz, $${pageParams.length}::uuid)`;
    }
    pageParams.push(page.limit + 1);
    const [rows, counts]: [ReuseRequestRow[], Array<{ count: number }>] = await Promise.all([
      this.tx.manager.query(
        `SELECT ${reuseRequestColumns} FROM reuse_request r JOIN ai_system s ON s.id = r.ai_system_id
         WHERE ${filtered}${after} ORDER BY r.created_at DESC, r.id DESC LIMIT $${pageParams.length}`,
        pageParams,
      ),
      this.tx.manager.query(`SELECT count(*)::int AS count FROM reuse_request r JOIN ai_system s ON s.id = r.ai_system_id WHERE ${filtered}`, params),
    ]);
    const hasMore = rows.length > page.limit;
    const edges = rows.slice(0, page.limit).map((row) => ({ cursor: encodeCursor(row.createdAtKey, row.id), node: toReuseRequest(row) }));
    return {
      edges,
      nodes: edges.map((edge) => edge.node),
      totalCount: counts[0]?.count ?? 0,
      pageInfo: { hasNextPage: hasMore, hasPreviousPage: page.cursor !== null, startCursor: edges[0]?.cursor ?? null, endCursor: edges.at(-1)?.cursor ?? null },
    };
  }

  async messages(request: ReuseRequest): Promise<ReuseRequestMessage[]> {
    const rows: Array<{ id: string; author: string; authorOrganisation: string; body: string; createdAt: Date }> = await this.tx.manager.query(
      `SELECT m.id, u.display_name AS author, o.name AS "authorOrganisation", m.body, m.created_at AS "createdAt"
       FROM reuse_request_message m JOIN app_user u ON u.id = m.author_id JOIN organisation o ON o.id = u.organisation_id
       WHERE m.reuse_request_id = $1 ORDER BY m.created_at, m.id`,
      [request.uuid],
    );
    return rows.map((row) => Object.assign(new ReuseRequestMessage(), { ...row, id: toGlobalId('ReuseRequestMessage', row.id) }));
  }

  /** Organisations that reuse a system with a current approval and agreed to be listed. */
  async usedBy(aiSystemId: string): Promise<string[]> {
    const rows: Array<{ organisationId: string }> = await this.tx.manager.query(
      `SELECT a.organisation_id AS "organisationId" FROM current_reuse_approval a JOIN organisation o ON o.id = a.organisation_id
       WHERE a.ai_system_id = $1 AND a.listed_as_user ORDER BY o.name`,
      [aiSystemId],
    );
    return rows.map((row) => row.organisationId);
  }
}

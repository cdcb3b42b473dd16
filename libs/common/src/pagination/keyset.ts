import type { ObjectLiteral, SelectQueryBuilder } from 'typeorm';
import { BadUserInput } from '../errors/domain-error.js';
import type { ConnectionArgs, ConnectionShape } from './connection.js';

export const MAX_PAGE_SIZE = 100;

type SortValue = string | number;

interface CursorPayload {
  v: SortValue;
  i: string;
}

export interface PageRequest {
  forward: boolean;
  limit: number;
  cursor: CursorPayload | null;
}

export function encodeCursor(value: SortValue, id: string): string {
  return Buffer.from(JSON.stringify({ v: value, i: id } satisfies CursorPayload), 'utf8').toString('base64url');
}

function decodeCursor(cursor: string, field: string): CursorPayload {
  try {
    if (cursor.length > 1000) throw new Error('too long');
    const parsed: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (typeof parsed === 'object' && parsed !== null) {
      const { v, i } = parsed as Record<string, unknown>;
      if ((typeof v === 'string' || (typeof v === 'number' && Number.isFinite(v))) && typeof i === 'string' && /^[0-9A-Za-z-]{1,64}$/.test(i)) {
        return { v, i };
      }
    }
  } catch {
    // fall through to the error below
  }
  throw BadUserInput.field(field, 'is not a cursor of this connection');
}

/** Validates Relay arguments: exactly one of first/last in 1..100, the cursor matching its direction. */
export function parsePageRequest(args: ConnectionArgs): PageRequest {
  const { first, last, after, before } = args;
  const hasFirst = first !== undefined && first !== null;
  const hasLast = last !== undefined && last !== null;
  if (hasFirst === hasLast) {
    throw new BadUserInput('give either first or last (1..100)', [
      { field: hasFirst ? 'last' : 'first', message: hasFirst ? 'cannot be combined with first' : 'is required (1..100)' },
    ]);
  }
  const [field, size] = hasFirst ? ['first', first] : ['last', last];
  if (!Number.isInteger(size) || (size as number) < 1 || (size as number) > MAX_PAGE_SIZE) {
    throw BadUserInput.field(field, `must be between 1 and ${MAX_PAGE_SIZE}`);
  }
  if (hasFirst && before) throw BadUserInput.field('before', 'goes with last, not first');
  if (hasLast && after) throw BadUserInput.field('after', 'goes with first, not last');
  const raw = hasFirst ? after : before;
  return { forward: hasFirst, limit: size as number, cursor: raw ? decodeCursor(raw, hasFirst ? 'after' : 'before') : null };
}

/** Column types a cursor part may be compared with (add one when a connection sorts by another); a part that does not fit is a forged cursor. */
export type KeysetKind = 'text' | 'uuid' | 'bigint' | 'float' | 'timestamp';

/**
 * Cursors carry timestamps as PostgreSQL's to_char(…, 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') (microseconds) or as
 * Date#toISOString (milliseconds). JavaScript rolls impossible dates over (2024-02-30 becomes 2024-03-01) where
 * PostgreSQL fails, so the part up to the seconds must come back unchanged from Date; year 0 does not exist there.
 */
function isRealTimestamp(value: string): boolean {
  const match = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(\.\d{1,6})?Z$/.exec(value);
  if (match?.[1] === undefined || match[1].startsWith('0000')) return false;
  const date = new Date(`${match[1]}Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 19) === match[1];
}

const fitsKind: Record<KeysetKind, (value: SortValue) => boolean> = {
  // PostgreSQL text cannot hold NUL.
  text: (value) => typeof value === 'string' && !value.includes('\u0000'),
  uuid: (value) => typeof value === 'string' && /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(value),
  // PostgreSQL returns int8 as a string; 18 digits always fit.
  bigint: (value) => typeof value === 'string' && /^-?[0-9]{1,18}$/.test(value),
  float: (value) => typeof value === 'number' && Number.isFinite(value),
  timestamp: (value) => typeof value === 'string' && isRealTimestamp(value),
};

/** Refuses a cursor whose parts do not fit the columns it will be compared with (a forged cursor). */
export function assertCursorFits(page: PageRequest, keyKind: KeysetKind, idKind: KeysetKind): void {
  if (page.cursor && !(fitsKind[keyKind](page.cursor.v) && fitsKind[idKind](page.cursor.i))) {
    throw BadUserInput.field(page.forward ? 'after' : 'before', 'is not a cursor of this connection');
  }
}

export interface KeysetOrder<T> {
  /** SQL expression of the sort key, e.g. `o.name`. */
  key: string;
  /** Column type of the sort key; default text. */
  keyKind?: KeysetKind;
  /** SQL expression of the unique tie-breaker, e.g. `o.id`. */
  id: string;
  /** Column type of the tie-breaker; default uuid. */
  idKind?: KeysetKind;
  descending?: boolean;
  valueOf(row: T): SortValue;
  idOf(row: T): string;
}

/**
 * Keyset pagination on (sort key, id): fetches limit + 1 rows to learn whether more follow; no OFFSET,
 * so deep pages cost what the first does.
 */
export async function findPage<T extends ObjectLiteral>(
  query: SelectQueryBuilder<T>,
  order: KeysetOrder<T>,
  page: PageRequest,
): Promise<ConnectionShape<T>> {
  assertCursorFits(page, order.keyKind ?? 'text', order.idKind ?? 'uuid');
  const totalCount = await query.clone().getCount();
  const ascending = page.forward !== (order.descending ?? false);
  const paged = query.clone();
  if (page.cursor) {
    paged.andWhere(`(${order.key}, ${order.id}) ${ascending ? '>' : '<'} (:cursorValue, :cursorId)`, {
      cursorValue: page.cursor.v,
      cursorId: page.cursor.i,
    });
  }
  const direction = ascending ? 'ASC' : 'DESC';
  const rows = await paged.orderBy(order.key, direction).addOrderBy(order.id, direction).take(page.limit + 1).getMany();
  const hasMore = rows.length > page.limit;
  const pageRows = rows.slice(0, page.limit);
  if (!page.forward) pageRows.reverse();
  const edges = pageRows.map((node) => ({ cursor: encodeCursor(order.valueOf(node), order.idOf(node)), node }));
  return {
    edges,
    nodes: pageRows,
    totalCount,
    pageInfo: {
      hasNextPage: page.forward ? hasMore : page.cursor !== null,
      hasPreviousPage: page.forward ? page.cursor !== null : hasMore,
      startCursor: edges[0]?.cursor ?? null,
      endCursor: edges.at(-1)?.cursor ?? null,
    },
  };
}

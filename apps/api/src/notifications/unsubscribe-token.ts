import { createHmac, timingSafeEqual } from 'node:crypto';
import { BadUserInput } from '@app/common';
import { isNotificationEventType } from './notification-events.js';

export interface UnsubscribeRequest {
  userId: string;
  /** null: every event type. */
  eventType: string | null;
}

const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

function sign(secret: Uint8Array, payload: string): string {
  return createHmac('sha256', secret).update(`unsubscribe.${payload}`).digest('base64url');
}

/** `payload.signature`, both base64url; works without signing in, proves the link came from us. */
export function createUnsubscribeToken(secret: Uint8Array, request: UnsubscribeRequest): string {
  const payload = Buffer.from(JSON.stringify({ u: request.userId, e: request.eventType })).toString('base64url');
  return `${payload}.${sign(secret, payload)}`;
}

/** A token we did not sign, or one changed after signing, is BAD_USER_INPUT on `field`. */
export function verifyUnsubscribeToken(secret: Uint8Array, token: string, field = 'token'): UnsubscribeRequest {
  const invalid = () => BadUserInput.field(field, 'is not a valid unsubscribe link (it was altered or is incomplete)');
  const [payload, signature, ...rest] = token.length <= 1000 ? token.split('.') : [];
  if (payload === undefined || signature === undefined || rest.length > 0) throw invalid();
  const expected = Buffer.from(sign(secret, payload));
  const given = Buffer.from(signature);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) throw invalid();
  try {
    const parsed = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { u?: unknown; e?: unknown };
    const eventType = parsed.e === null ? null : typeof parsed.e === 'string' && isNotificationEventType(parsed.e) ? parsed.e : undefined;
    if (typeof parsed.u === 'string' && uuid.test(parsed.u) && eventType !== undefined) return { userId: parsed.u, eventType };
  } catch {
    // fall through: a signed payload we cannot read is still not a valid link
  }
  throw invalid();
}

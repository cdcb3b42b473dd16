import { createHash } from 'node:crypto';

/** Namespace of ki-marktplatz's deterministic notification ids (a random v4, fixed forever). */
const NAMESPACE = Buffer.from('3f0b6c52a1d94e0f8b1e6d2a7c4f9e11', 'hex');

export type DeliveryChannel = 'IN_APP' | 'EMAIL' | 'WEBHOOK';

/** RFC 4122 uuid v5 of `parts`: the same event, recipient and channel always give the same id. */
export function deterministicId(...parts: string[]): string {
  const hash = createHash('sha1').update(NAMESPACE).update(parts.join('\u001f')).digest();
  hash[6] = ((hash[6] ?? 0) & 0x0f) | 0x50;
  hash[8] = ((hash[8] ?? 0) & 0x3f) | 0x80;
  const hex = hash.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

export function deliveryId(eventId: string, recipientId: string, channel: DeliveryChannel): string {
  return deterministicId(eventId, recipientId, channel);
}

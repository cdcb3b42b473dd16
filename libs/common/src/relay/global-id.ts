import { BadUserInput } from '../errors/domain-error.js';

const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** Opaque Relay id: base64url of `Type:uuid`. */
export function toGlobalId(type: string, id: string): string {
  return Buffer.from(`${type}:${id}`, 'utf8').toString('base64url');
}

export interface DecodedGlobalId {
  type: string;
  id: string;
}

export function decodeGlobalId(globalId: string, field = 'id'): DecodedGlobalId {
  const decoded = globalId.length <= 200 ? Buffer.from(globalId, 'base64url').toString('utf8') : '';
  const separator = decoded.indexOf(':');
  const type = decoded.slice(0, separator);
  const id = decoded.slice(separator + 1);
  if (separator <= 0 || !/^[A-Za-z]+$/.test(type) || !uuid.test(id)) {
    throw BadUserInput.field(field, 'is not a valid id');
  }
  return { type, id };
}

/** Decodes an id that must denote `type`; an id of another type is bad input, not a lookup. */
export function fromGlobalId(globalId: string, type: string, field = 'id'): string {
  const decoded = decodeGlobalId(globalId, field);
  if (decoded.type !== type) throw BadUserInput.field(field, `is not a ${type} id`);
  return decoded.id;
}

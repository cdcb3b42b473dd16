import { registerEnumType } from '@nestjs/graphql';

export enum Role {
  /** Every signed-in member of an organisation holds this role implicitly. */
  AGENCY_USER = 'AGENCY_USER',
  PUBLISHER = 'PUBLISHER',
  REVIEWER = 'REVIEWER',
  ADMIN = 'ADMIN',
}

registerEnumType(Role, { name: 'Role', description: 'What a user may do besides reading and requesting reuse.' });

const known = new Set<string>(Object.values(Role));

export function isRole(value: string): value is Role {
  return known.has(value);
}

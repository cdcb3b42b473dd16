import { Role } from './role.js';

/** The signed-in user a request acts for; `null` for anonymous requests. */
export interface Actor {
  userId: string;
  subject: string;
  organisationId: string;
  roles: ReadonlySet<Role>;
}

export function hasRole(actor: Actor | null, role: Role): boolean {
  if (actor === null) return false;
  return role === Role.AGENCY_USER || actor.roles.has(role);
}

export function hasAnyRole(actor: Actor | null, roles: readonly Role[]): boolean {
  return roles.some((role) => hasRole(actor, role));
}

import { SetMetadata } from '@nestjs/common';
import { Role } from './role.js';

export const ALLOW_KEY = 'kim:allow';

/** Who may call an operation. The global guard denies every operation that declares nothing. */
export type Permission =
  | { kind: 'public' }
  | { kind: 'anonymous-read' }
  | { kind: 'roles'; roles: Role[] };

/** Signed-in users holding any of the roles (AGENCY_USER = every signed-in user). */
export const Allow = (...roles: Role[]) => SetMetadata(ALLOW_KEY, { kind: 'roles', roles } satisfies Permission);

/** Readable without a token when ANONYMOUS_READ is on; otherwise like Allow(AGENCY_USER). */
export const AllowAnonymousRead = () => SetMetadata(ALLOW_KEY, { kind: 'anonymous-read' } satisfies Permission);

/** No authentication at all (health, schema metadata). */
export const Public = () => SetMetadata(ALLOW_KEY, { kind: 'public' } satisfies Permission);

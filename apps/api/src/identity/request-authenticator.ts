import { Injectable } from '@nestjs/common';
import { Authenticator, LruCache, TokenVerifier, Unauthenticated, type Actor, type AppRequest } from '@app/common';
import { UserService } from './user.service.js';

/** How long the actor of a token is reused before the token is verified and its user looked up again. */
export const ACTOR_REUSE_MS = 60_000;
/** Tokens whose actor is kept per api process. */
const ACTOR_CACHE_SIZE = 10_000;

/**
 * Bearer token → verified claims → provisioned user; once per request, however many fields ask, and once per
 * ACTOR_REUSE_MS for the same token (never past its expiry). A token's claims cannot change, and the user row
 * changes only by provisioning from a token (whose claims decide it), so a kept actor is the one the lookup
 * would give: a client sending one token many times a second saves a verification and a statement per request.
 */
@Injectable()
export class RequestAuthenticator extends Authenticator {
  private readonly resolved = new WeakMap<AppRequest, Promise<Actor | null>>();
  private readonly recent = new LruCache<{ actor: Actor; until: number }>(ACTOR_CACHE_SIZE);

  constructor(
    private readonly verifier: TokenVerifier,
    private readonly users: UserService,
  ) {
    super();
  }

  actorFor(request: AppRequest): Promise<Actor | null> {
    let actor = this.resolved.get(request);
    if (actor === undefined) {
      actor = this.authenticate(request);
      this.resolved.set(request, actor);
    }
    return actor;
  }

  private async authenticate(request: AppRequest): Promise<Actor | null> {
    const header = request.headers.authorization;
    if (header === undefined || header === '') return null;
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    const token = match?.[1];
    if (token === undefined) throw new Unauthenticated('Authorization header must be "Bearer <token>"');
    const now = Date.now();
    const kept = this.recent.get(token);
    if (kept !== undefined && kept.until > now) return kept.actor;
    const claims = await this.verifier.verify(token);
    const actor = await this.users.provision(claims);
    this.recent.set(token, { actor, until: Math.min(now + ACTOR_REUSE_MS, claims.expiresAt?.getTime() ?? Infinity) });
    return actor;
  }
}

import { Injectable } from '@nestjs/common';
import { Authenticator, TokenVerifier, Unauthenticated, type Actor, type AppRequest } from '@app/common';
import { UserService } from './user.service.js';

/** Bearer token → verified claims → provisioned user; once per request, however many fields ask. */
@Injectable()
export class RequestAuthenticator extends Authenticator {
  private readonly resolved = new WeakMap<AppRequest, Promise<Actor | null>>();

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
    if (match?.[1] === undefined) throw new Unauthenticated('Authorization header must be "Bearer <token>"');
    const claims = await this.verifier.verify(match[1]);
    return this.users.provision(claims);
  }
}

import { CanActivate, ExecutionContext, Inject, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { GqlExecutionContext, type GqlContextType } from '@nestjs/graphql';
import type { AppConfig } from '../config/app-config.js';
import { APP_CONFIG } from '../config/config.module.js';
import { Forbidden, Unauthenticated } from '../errors/domain-error.js';
import { hasAnyRole } from './actor.js';
import { ALLOW_KEY, type Permission } from './allow.decorator.js';
import { Authenticator, type AppRequest } from './authenticator.js';

export function requestOf(context: ExecutionContext): AppRequest {
  if (context.getType<GqlContextType>() === 'graphql') {
    return GqlExecutionContext.create(context).getContext<{ req: AppRequest }>().req;
  }
  return context.switchToHttp().getRequest<AppRequest>();
}

/** Global guard, deny by default: an operation without @Allow/@AllowAnonymousRead/@Public is refused. */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly authenticator: Authenticator,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const permission = this.reflector.getAllAndOverride<Permission | undefined>(ALLOW_KEY, [context.getHandler(), context.getClass()]);
    if (permission === undefined) throw new Forbidden('this operation is not open to anyone');
    if (permission.kind === 'public') return true;
    const request = requestOf(context);
    const actor = await this.authenticator.actorFor(request);
    request.actor = actor;
    if (actor === null) {
      if (permission.kind === 'anonymous-read' && this.config.anonymousRead) return true;
      throw new Unauthenticated('sign in required: send Authorization: Bearer <token>');
    }
    if (permission.kind === 'roles' && !hasAnyRole(actor, permission.roles)) {
      throw new Forbidden(`requires the role ${permission.roles.join(' or ')}`);
    }
    return true;
  }
}

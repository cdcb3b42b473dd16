import type { GraphQLWsSubscriptionsConfig } from '@nestjs/graphql';
import { GraphQLError } from 'graphql';
import type { Context } from 'graphql-ws';
import type { Extra } from 'graphql-ws/use/ws';
import { decodeJwt } from 'jose';
import { Authenticator, DomainError, ErrorCode, type AppRequest } from '@app/common';
import type { GraphQLContext, LoaderFactory } from './loaders.js';
import type { SocketOperationHooks } from './subscription-operations.js';

/** Close codes of a refused subscription socket (graphql-ws reserves 4400–4499 for such). */
export const SOCKET_UNAUTHORIZED = 4401;
export const SOCKET_FORBIDDEN = 4403;

export type SocketContext = Context<
  Record<string, unknown> | undefined,
  Extra & { appRequest?: AppRequest; expiresAt?: number; expiryTimer?: NodeJS.Timeout }
>;

const TOKEN_EXPIRED = 'UNAUTHENTICATED: token has expired';
/** setTimeout fires at once for delays above 2^31 - 1 ms. */
const MAX_TIMER_MS = 2_147_483_647;

/** A WebSocket close reason is at most 123 bytes. */
function reason(text: string): string {
  const bytes = Buffer.from(text);
  return bytes.length <= 123 ? text : `${bytes.subarray(0, 120).toString('utf8').replace(/\uFFFD$/, '')}...`;
}

function refuse(ctx: SocketContext, code: number, message: string): false {
  ctx.extra.socket.close(code, reason(message));
  return false;
}

/** Closes the socket with 4401 when its token expires; the actor was read from that token once, at connection. */
function closeOnExpiry(ctx: SocketContext): void {
  const { expiresAt } = ctx.extra;
  if (expiresAt === undefined) return;
  const remaining = expiresAt - Date.now();
  ctx.extra.expiryTimer = setTimeout(() => (remaining > MAX_TIMER_MS ? closeOnExpiry(ctx) : refuse(ctx, SOCKET_UNAUTHORIZED, TOKEN_EXPIRED)), Math.max(0, Math.min(remaining, MAX_TIMER_MS)));
  ctx.extra.expiryTimer.unref();
}

/**
 * graphql-ws options: the connection_init payload carries the same bearer token as HTTP
 * (`{ "authorization": "Bearer …" }`); a socket without a usable one is closed with 4401 and the reason, and so is
 * one whose token expires while it is open. `operations` apply the HTTP endpoint's limits to every operation.
 */
export function graphqlWsOptions(authenticator: Authenticator, operations: SocketOperationHooks): GraphQLWsSubscriptionsConfig & Pick<SocketOperationHooks, 'onError'> {
  return {
    path: '/graphql',
    onSubscribe: (context, id, payload) => {
      const ctx = context as SocketContext;
      if (ctx.extra.expiresAt !== undefined && ctx.extra.expiresAt <= Date.now()) {
        refuse(ctx, SOCKET_UNAUTHORIZED, TOKEN_EXPIRED);
        return [new GraphQLError('token has expired', { extensions: { code: ErrorCode.UNAUTHENTICATED } })];
      }
      return operations.onSubscribe(context, id, payload);
    },
    onNext: operations.onNext,
    onError: operations.onError,
    onClose: (context) => clearTimeout((context as SocketContext).extra.expiryTimer),
    onConnect: async (context): Promise<boolean> => {
      const ctx = context as SocketContext;
      const given = ctx.connectionParams?.authorization ?? ctx.connectionParams?.Authorization;
      if (typeof given !== 'string' || given.trim() === '') {
        return refuse(ctx, SOCKET_UNAUTHORIZED, 'UNAUTHENTICATED: send connectionParams { authorization: "Bearer <token>" }');
      }
      const request = ctx.extra.request as AppRequest;
      request.headers.authorization = /^Bearer\s/i.test(given) ? given : `Bearer ${given}`;
      try {
        const actor = await authenticator.actorFor(request);
        if (actor === null) return refuse(ctx, SOCKET_UNAUTHORIZED, 'UNAUTHENTICATED: sign in required');
        request.actor = actor;
        ctx.extra.appRequest = request;
        // Verified just above; only its expiry is read again.
        const token = /^Bearer\s+(\S+)$/i.exec(request.headers.authorization)?.[1];
        const exp = token === undefined ? undefined : decodeJwt(token).exp;
        if (exp !== undefined) ctx.extra.expiresAt = exp * 1000;
        closeOnExpiry(ctx);
        return true;
      } catch (error) {
        if (!(error instanceof DomainError)) throw error;
        return refuse(ctx, error.code === ErrorCode.UNAUTHENTICATED ? SOCKET_UNAUTHORIZED : SOCKET_FORBIDDEN, `${error.code}: ${error.message}`);
      }
    },
  };
}

export function isSocketContext(value: object): value is SocketContext {
  return 'extra' in value && 'acknowledged' in value;
}

/** The resolvers' context for an operation on an authenticated socket (the same shape as over HTTP). */
export function socketContext(ctx: SocketContext, loaders: LoaderFactory): GraphQLContext {
  const req = ctx.extra.appRequest;
  if (req === undefined) throw new Error('subscription context without an authenticated connection');
  return { req, loaders: loaders.create() };
}

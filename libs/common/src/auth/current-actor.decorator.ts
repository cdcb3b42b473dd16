import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { Actor } from './actor.js';
import { requestOf } from './auth.guard.js';

/** The signed-in actor (set by the guard), or null on anonymous reads. */
export const CurrentActor = createParamDecorator((_: unknown, context: ExecutionContext): Actor | null => requestOf(context).actor ?? null);

/** The request id that the request log assigned (request-log.ts); goes into audit entries and logs. */
export const RequestId = createParamDecorator((_: unknown, context: ExecutionContext): string | null => requestOf(context).id ?? null);

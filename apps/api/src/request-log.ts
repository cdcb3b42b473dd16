import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { performance } from 'node:perf_hooks';
import type { AppLogger } from '@app/common';

const GIVEN_ID = /^[\w.-]{1,100}$/;
const UNLOGGED = new Set(['/health', '/ready']);

/**
 * Gives every request an id (the caller's well-formed `x-request-id`, else a new UUID), echoes it in the answer and
 * logs one line per request when it ends: `request completed` (info), `request errored` (error, status ≥ 500) or
 * `request aborted` (warn, the client left before the answer). Health probes are not logged.
 *
 * Replaces pino-http, whose per-request child logger (with the request serialised into its bindings) was the largest
 * share of what each request left for the garbage collector (bench/RESULTS.md). Nothing is allocated for the log line
 * unless info is enabled; the line is built from the request only when it is written.
 */
export function requestLog(logger: AppLogger) {
  return (req: IncomingMessage & { id?: string }, res: ServerResponse, next: () => void): void => {
    const given = req.headers['x-request-id'];
    const id = typeof given === 'string' && GIVEN_ID.test(given) ? given : randomUUID();
    req.id = id;
    res.setHeader('x-request-id', id);
    if (logger.isLevelEnabled('info') && !UNLOGGED.has(req.url ?? '')) {
      const started = performance.now();
      res.once('close', () => {
        const line = {
          reqId: id,
          req: { method: req.method, url: req.url },
          res: { statusCode: res.statusCode },
          responseTime: Math.round(performance.now() - started),
        };
        if (!res.writableFinished) logger.warn(line, 'request aborted');
        else if (res.statusCode >= 500) logger.error(line, 'request errored');
        else logger.info(line, 'request completed');
      });
    }
    next();
  };
}

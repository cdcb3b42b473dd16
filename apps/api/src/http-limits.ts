import express, { type NextFunction, type Request, type Response } from 'express';
import { ErrorCode } from '@app/common';

function reject(res: Response, status: number, code: ErrorCode, message: string): void {
  res.status(status).json({ errors: [{ message, extensions: { code } }] });
}

/** JSON bodies up to `limit` bytes; malformed or oversized bodies get a GraphQL-shaped 4xx, never a 500. */
export function jsonBody(limit: number) {
  const parse = express.json({ limit, strict: true });
  return (req: Request, res: Response, next: NextFunction): void => {
    parse(req, res, (error?: unknown) => {
      if (error === undefined || error === null) return next();
      const type = (error as { type?: string }).type;
      if (type === 'entity.too.large') return reject(res, 413, ErrorCode.PAYLOAD_TOO_LARGE, `request body exceeds ${limit} bytes`);
      if (type === 'entity.parse.failed') return reject(res, 400, ErrorCode.BAD_REQUEST, 'request body is not valid JSON');
      return reject(res, 400, ErrorCode.BAD_REQUEST, 'request body could not be read');
    });
  };
}

/** Batched operations are accepted up to `max` per request. */
export function batchLimit(max: number) {
  return (req: Request, res: Response, next: NextFunction): void => {
    const body: unknown = req.body;
    if (Array.isArray(body) && body.length === 0) return reject(res, 400, ErrorCode.BAD_REQUEST, 'a batch needs at least one operation');
    if (Array.isArray(body) && body.length > max) {
      return reject(res, 400, ErrorCode.BATCH_TOO_LARGE, `a batch holds at most ${max} operations (got ${body.length})`);
    }
    next();
  };
}

import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { requestLog } from './request-log.js';

interface Line {
  level: number;
  msg: string;
  reqId?: string;
  req?: { method: string; url: string };
  res?: { statusCode: number };
  responseTime?: number;
}

function capture(level: string) {
  const lines: Line[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const text of chunk.toString('utf8').split('\n')) if (text !== '') lines.push(JSON.parse(text) as Line);
      done();
    },
  });
  return { logger: pino({ level }, stream), lines };
}

async function serve(level: string, handler: (res: import('node:http').ServerResponse, req: import('node:http').IncomingMessage) => void) {
  const { logger, lines } = capture(level);
  const middleware = requestLog(logger);
  const seenIds: unknown[] = [];
  const server: Server = createServer((req, res) => {
    middleware(req, res, () => {
      seenIds.push((req as { id?: unknown }).id);
      handler(res, req);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  const get = (path: string, headers: Record<string, string> = {}) =>
    new Promise<{ status: number; id: string | undefined }>((resolve, reject) => {
      const req = httpRequest({ host: '127.0.0.1', port, path, headers }, (res) => {
        res.resume();
        res.on('end', () => resolve({ status: res.statusCode ?? 0, id: res.headers['x-request-id'] as string | undefined }));
      });
      req.on('error', reject);
      req.end();
    });
  const close = () => new Promise<void>((resolve) => server.close(() => resolve()));
  return { get, close, lines, seenIds, port };
}

/** Waits until the logger has written `n` lines (the finish event may come after the client saw the answer). */
async function untilLines(lines: Line[], n: number): Promise<void> {
  for (let i = 0; i < 100 && lines.length < n; i++) await new Promise((r) => setTimeout(r, 5));
}

describe('requestLog', () => {
  it('gives each request an id, echoes it in x-request-id and logs one line when it completes', async () => {
    const s = await serve('info', (res) => res.end('ok'));
    try {
      const answer = await s.get('/graphql?x=1');
      await untilLines(s.lines, 1);
      expect(answer.status).toBe(200);
      expect(answer.id).toMatch(/^[0-9a-f-]{36}$/);
      expect(s.seenIds).toEqual([answer.id]);
      expect(s.lines).toHaveLength(1);
      expect(s.lines[0]).toMatchObject({ level: 30, msg: 'request completed', reqId: answer.id, req: { method: 'GET', url: '/graphql?x=1' }, res: { statusCode: 200 } });
      expect(typeof s.lines[0]?.responseTime).toBe('number');
    } finally {
      await s.close();
    }
  });

  it('keeps a well-formed x-request-id from the caller and replaces a malformed one', async () => {
    const s = await serve('info', (res) => res.end('ok'));
    try {
      const kept = await s.get('/graphql', { 'x-request-id': 'req-abc.123_X' });
      const replaced = await s.get('/graphql', { 'x-request-id': 'bad id with spaces' });
      const tooLong = await s.get('/graphql', { 'x-request-id': 'a'.repeat(101) });
      expect(kept.id).toBe('req-abc.123_X');
      expect(replaced.id).toMatch(/^[0-9a-f-]{36}$/);
      expect(tooLong.id).toMatch(/^[0-9a-f-]{36}$/);
      expect(s.seenIds).toEqual([kept.id, replaced.id, tooLong.id]);
    } finally {
      await s.close();
    }
  });

  it('logs server errors at error level and leaves health probes out', async () => {
    const s = await serve('info', (res, req) => {
      res.statusCode = req.url === '/boom' ? 500 : 200;
      res.end();
    });
    try {
      await s.get('/health');
      await s.get('/ready');
      await s.get('/boom');
      await untilLines(s.lines, 1);
      expect(s.lines).toHaveLength(1);
      expect(s.lines[0]).toMatchObject({ level: 50, msg: 'request errored', req: { url: '/boom' }, res: { statusCode: 500 } });
    } finally {
      await s.close();
    }
  });

  it('logs a request the client abandoned before the answer', async () => {
    const s = await serve('info', () => undefined);
    try {
      await new Promise<void>((resolve) => {
        const req = httpRequest({ host: '127.0.0.1', port: s.port, path: '/graphql' });
        req.on('error', () => resolve());
        req.end();
        setTimeout(() => req.destroy(), 50);
      });
      await untilLines(s.lines, 1);
      expect(s.lines).toHaveLength(1);
      expect(s.lines[0]).toMatchObject({ level: 40, msg: 'request aborted', req: { method: 'GET', url: '/graphql' } });
    } finally {
      await s.close();
    }
  });

  it('writes nothing and still sets the id when info is below the configured level', async () => {
    const s = await serve('warn', (res) => res.end('ok'));
    try {
      const answer = await s.get('/graphql');
      await new Promise((r) => setTimeout(r, 20));
      expect(answer.id).toMatch(/^[0-9a-f-]{36}$/);
      expect(s.seenIds).toEqual([answer.id]);
      expect(s.lines).toEqual([]);
    } finally {
      await s.close();
    }
  });
});

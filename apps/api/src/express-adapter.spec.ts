import { IncomingMessage, ServerResponse, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Express } from 'express';
import { PrototypedExpressAdapter } from './express-adapter.js';

async function serve(options: Parameters<PrototypedExpressAdapter['initHttpServer']>[0]) {
  const adapter = new PrototypedExpressAdapter();
  const app = adapter.getInstance<Express>();
  app.get('/hello', (req, res) => {
    res.status(201).json({ host: req.get('host')?.startsWith('127.0.0.1:'), isRequest: req instanceof IncomingMessage, isResponse: res instanceof ServerResponse });
  });
  adapter.initHttpServer(options);
  const server = adapter.getHttpServer() as Server;
  const seen: { request: object | null; response: object | null } = { request: null, response: null };
  // Runs before Express's own listener, so it sees the objects as the server created them.
  server.prependListener('request', (req, res) => {
    seen.request = Object.getPrototypeOf(req) as object;
    seen.response = Object.getPrototypeOf(res) as object;
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const close = () => new Promise<void>((resolve) => server.close(() => resolve()));
  return { app, seen, url: `http://127.0.0.1:${port}/hello`, close };
}

describe('PrototypedExpressAdapter', () => {
  it("creates requests and responses with the Express application's prototypes, which Express then keeps", async () => {
    const s = await serve({});
    try {
      const res = await fetch(s.url);
      expect(res.status).toBe(201);
      expect(await res.json()).toEqual({ host: true, isRequest: true, isResponse: true });
      expect(s.seen.request).toBe(s.app.request);
      expect(s.seen.response).toBe(s.app.response);
    } finally {
      await s.close();
    }
  });

  it("leaves the connection-tracking options to ExpressAdapter's own server", async () => {
    const s = await serve({ forceCloseConnections: true });
    try {
      const res = await fetch(s.url);
      expect(res.status).toBe(201);
      expect(s.seen.request).toBe(IncomingMessage.prototype);
    } finally {
      await s.close();
    }
  });
});

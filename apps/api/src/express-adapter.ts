import { createServer, IncomingMessage, ServerResponse } from 'node:http';
import type { NestApplicationOptions } from '@nestjs/common';
import { ExpressAdapter } from '@nestjs/platform-express';
import type { Express } from 'express';

/**
 * A constructor that builds `base`'s objects with `prototype` as their prototype from the start. Node's HTTP server
 * calls it with `new` (http.createServer's `IncomingMessage` / `ServerResponse` options).
 */
function constructingWith<T extends new (...args: never[]) => object>(base: T, prototype: object): T {
  function Constructing(...args: unknown[]): object {
    return Reflect.construct(base, args, Constructing) as object;
  }
  Constructing.prototype = prototype;
  return Constructing as unknown as T;
}

/**
 * Express 5 gives each request and response its application's prototypes with `Object.setPrototypeOf`
 * (`app.handle` in express/lib/application.js). In V8 that change of prototype on every request leaves a few
 * kilobytes per request that outlive the next young-generation collections and land in the old generation, which
 * then needs a major collection every few seconds under load: a bare Express 5 app answering `{ __typename }` at
 * 200 req/s promoted 7.6 KB per request, the same app with this server 1.5 KB, plain node:http 0.01 KB (bench/RESULTS.md).
 *
 * This adapter's HTTP server creates requests and responses that have the application's prototypes already, so
 * Express's `setPrototypeOf` finds the same prototype and changes nothing. Everything else is ExpressAdapter's.
 * HTTPS and the adapter's connection-tracking options keep ExpressAdapter's own server.
 */
export class PrototypedExpressAdapter extends ExpressAdapter {
  override initHttpServer(options: NestApplicationOptions): void {
    if (options.httpsOptions !== undefined || options.forceCloseConnections === true || options.return503OnClosing === true) {
      super.initHttpServer(options);
      return;
    }
    const app = this.getInstance<Express>();
    this.httpServer = createServer(
      { IncomingMessage: constructingWith<typeof IncomingMessage>(IncomingMessage, app.request), ServerResponse: constructingWith<typeof ServerResponse>(ServerResponse, app.response) },
      app,
    );
  }
}

import { Agent, request as httpRequest } from 'node:http';
import { atFixedRate, type Measurement, type RunLimits } from './fixed-rate.js';
import type { TimedRequest } from './pauses.js';

export interface HttpRequest {
  url: string;
  headers: Record<string, string>;
  body: string;
  /** The start of every successful response body (GraphQL reports errors with status 200, and puts them first). */
  successPrefix: string;
}

/**
 * Keep-alive connections the requests are spread over in turn. node:cluster hands each new connection to the next
 * api process, so an even number of connections used in turn spreads the requests evenly over the processes, as a
 * load balancer spreads them over replicas.
 */
export const CONNECTIONS = 32;

/**
 * Sends `request` over keep-alive connections; resolves when the whole response has arrived and starts with the
 * success prefix, rejects otherwise. Keeps nothing of the body but its first bytes: the load generator shares the
 * machine with the app, so its own allocations and collections must stay small (autocannon's 200 instances used
 * here before paused it for 30–75 ms every second, which showed as the app's latency).
 */
export class HttpLoad {
  private readonly agent: Agent;
  private readonly body: Buffer;
  private readonly prefix: Buffer;
  private readonly url: URL;
  private readonly headers: Record<string, string>;

  constructor(request: HttpRequest, maxInFlight: number) {
    this.agent = new Agent({ keepAlive: true, maxSockets: Math.max(CONNECTIONS, maxInFlight), maxFreeSockets: Math.max(CONNECTIONS, maxInFlight), scheduling: 'fifo' });
    this.body = Buffer.from(request.body);
    this.prefix = Buffer.from(request.successPrefix);
    this.url = new URL(request.url);
    this.headers = { ...request.headers, 'content-length': String(this.body.length) };
  }

  /** Opens the connections (CONNECTIONS requests at once), so that the measured run opens none. */
  async connect(): Promise<void> {
    await Promise.all(Array.from({ length: CONNECTIONS }, () => this.send()));
  }

  send(): Promise<void> {
    return new Promise((resolve, reject) => {
      const outgoing = httpRequest(this.url, { method: 'POST', agent: this.agent, headers: this.headers }, (response) => {
        const head = Buffer.alloc(this.prefix.length);
        let received = 0;
        response.on('data', (chunk: Buffer) => {
          if (received < head.length) chunk.copy(head, received, 0, Math.min(chunk.length, head.length - received));
          received += chunk.length;
        });
        response.on('end', () => {
          if (response.statusCode === 200 && received >= head.length && head.equals(this.prefix)) resolve();
          else reject(new Error(`status ${response.statusCode}, body starting ${JSON.stringify(head.subarray(0, Math.min(received, head.length)).toString())}`));
        });
        response.on('error', reject);
      });
      outgoing.on('error', reject);
      outgoing.end(this.body);
    });
  }

  /** `rate` requests per second for `seconds`, an open loop (fixed-rate.ts). */
  run(rate: number, seconds: number, limits: RunLimits, timed?: TimedRequest[]): Promise<Measurement> {
    return atFixedRate(rate, seconds, limits, () => this.send(), timed);
  }

  close(): void {
    this.agent.destroy();
  }
}

/** One run at a fixed rate on connections opened beforehand and closed afterwards. */
export async function httpAtFixedRate(request: HttpRequest, rate: number, seconds: number, limits: RunLimits, timed?: TimedRequest[]): Promise<Measurement> {
  const load = new HttpLoad(request, limits.maxInFlight);
  try {
    await load.connect();
    return await load.run(rate, seconds, limits, timed);
  } finally {
    load.close();
  }
}

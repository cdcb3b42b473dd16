import { performance } from 'node:perf_hooks';
import autocannon from 'autocannon';
import { measure, sleep, type Measurement, type RunLimits } from './fixed-rate.js';

export interface HttpRequest {
  url: string;
  headers: Record<string, string>;
  body: string;
  /** A response counts as an error unless this holds (GraphQL reports errors with status 200). */
  isSuccess(body: string): boolean;
}

/**
 * `rate` requests per second for `seconds`, evenly spaced, with autocannon. autocannon paces a connection by a
 * quota per whole second (a connection sends its quota back to back, and all connections start their second
 * together), so one instance at overallRate 200 would send bursts. Instead: `rate` single-connection instances,
 * each at overallRate 1 and started 1/rate s after the previous one, which is an open loop at the fixed rate as
 * long as responses take under a second (a slower one holds back its connection's next request, which then
 * counts as incomplete if the run ends first). Latencies are taken from autocannon's response events (send to
 * last byte, not corrected for coordinated omission: autocannon's correction passes 1/rate in seconds where it
 * expects milliseconds). `rate` connections is also the in-flight limit.
 */
export async function httpAtFixedRate(request: HttpRequest, rate: number, seconds: number, limits: Pick<RunLimits, 'graceSeconds'>): Promise<Measurement> {
  const latencies: number[] = [];
  let lastCounted = false;
  const runs: Array<Promise<autocannon.Result>> = [];
  const instances: autocannon.Instance[] = [];
  const cpu = process.cpuUsage();
  const started = performance.now();
  for (let k = 0; k < rate; k++) {
    await sleep(started + (k * 1000) / rate - performance.now());
    const options: autocannon.Options = {
      url: request.url,
      method: 'POST',
      headers: request.headers,
      body: request.body,
      connections: 1,
      overallRate: 1,
      amount: seconds,
      ignoreCoordinatedOmission: true,
      // Called right after the response event of the same response: a body that is not a result is taken back out.
      verifyBody: (body) => {
        const success = request.isSuccess(typeof body === 'string' ? body : (body?.toString('utf8') ?? ''));
        if (!success && lastCounted) latencies.pop();
        return success;
      },
    };
    runs.push(
      new Promise<autocannon.Result>((resolve, reject) => {
        const instance = autocannon(options, (error: unknown, result: autocannon.Result) => (error ? reject(error) : resolve(result)));
        instance.on('response', (_client, statusCode, _bytes, responseTime) => {
          lastCounted = statusCode === 200;
          if (lastCounted) latencies.push(responseTime);
        });
        instances.push(instance);
      }),
    );
  }
  // Requests still outstanding after the grace period are given up (autocannon drops them when stopped).
  const deadline = setTimeout(() => instances.forEach((instance) => instance.stop()), Math.max(0, started + (seconds + limits.graceSeconds) * 1000 - performance.now()));
  const results = await Promise.all(runs);
  clearTimeout(deadline);
  const wallSeconds = (performance.now() - started) / 1000;
  const used = process.cpuUsage(cpu);
  const errors = results.reduce((sum, result) => sum + result.errors + result.timeouts + result.non2xx + result.mismatches, 0);
  return measure({
    latencies,
    offered: rate * seconds,
    errors,
    seconds: Math.min(seconds, wallSeconds),
    wallSeconds,
    cpuMicros: used.user + used.system,
  });
}

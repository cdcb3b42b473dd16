import { performance } from 'node:perf_hooks';

export interface Measurement {
  /** Requests the run should have made: rate × seconds. */
  offered: number;
  /** Requests answered successfully. */
  count: number;
  errors: number;
  /** Requests not sent (too many in flight) or not answered before the run ended. */
  incomplete: number;
  /** Answered requests per second of the run. */
  rate: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
  /** CPU the load generator itself used, as a share of one core (it shares the machine with the app and PostgreSQL). */
  clientCpu: number;
}

/** Nearest-rank percentiles of latencies in milliseconds; the same for the GraphQL and the SQL side. */
export function measure(run: { latencies: number[]; offered: number; errors: number; seconds: number; wallSeconds: number; cpuMicros: number }): Measurement {
  const sorted = Float64Array.from(run.latencies).sort();
  const at = (q: number) => (sorted.length === 0 ? Number.NaN : (sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] ?? Number.NaN));
  return {
    offered: run.offered,
    count: sorted.length,
    errors: run.errors,
    incomplete: Math.max(0, run.offered - sorted.length - run.errors),
    rate: run.seconds > 0 ? sorted.length / run.seconds : 0,
    p50: at(0.5),
    p95: at(0.95),
    p99: at(0.99),
    max: sorted.length === 0 ? Number.NaN : (sorted[sorted.length - 1] ?? Number.NaN),
    clientCpu: run.wallSeconds > 0 ? run.cpuMicros / 1e6 / run.wallSeconds : 0,
  };
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));
}

export interface RunLimits {
  /** More requests in flight than this are not sent (counted incomplete), as with a fixed number of connections. */
  maxInFlight: number;
  /** How long after the last request was due the run waits for answers. */
  graceSeconds: number;
}

export class Aborted extends Error {}

/**
 * Open loop at a fixed rate: request k starts at k / rate seconds whether or not earlier ones have finished, so
 * a slow response delays nothing else and shows in the latencies. Latency runs from dispatch to completion.
 * `send` gets a signal that turns true when the run gives up on answers still outstanding.
 */
export async function atFixedRate(rate: number, seconds: number, limits: RunLimits, send: (aborted: () => boolean) => Promise<void>): Promise<Measurement> {
  const offered = Math.round(rate * seconds);
  const interval = 1000 / rate;
  const latencies: number[] = [];
  const pending = new Set<Promise<void>>();
  let errors = 0;
  let aborted = false;
  const cpu = process.cpuUsage();
  const started = performance.now();
  for (let k = 0; k < offered; k++) {
    const wait = started + k * interval - performance.now();
    if (wait > 1) await sleep(wait);
    if (pending.size >= limits.maxInFlight) continue;
    const dispatched = performance.now();
    const request: Promise<void> = send(() => aborted).then(
      () => {
        if (!aborted) latencies.push(performance.now() - dispatched);
      },
      (error: unknown) => {
        if (!aborted && !(error instanceof Aborted)) errors++;
      },
    );
    const tracked: Promise<void> = request.finally(() => pending.delete(tracked));
    pending.add(tracked);
  }
  const deadline = sleep(limits.graceSeconds * 1000).then(() => 'late' as const);
  if ((await Promise.race([Promise.all(pending).then(() => 'done' as const), deadline])) === 'late') aborted = true;
  const ended = performance.now();
  const used = process.cpuUsage(cpu);
  const wallSeconds = (ended - started) / 1000;
  return measure({ latencies, offered, errors, seconds: Math.min(seconds, wallSeconds), wallSeconds, cpuMicros: used.user + used.system });
}

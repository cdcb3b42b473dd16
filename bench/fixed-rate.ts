import { performance } from 'node:perf_hooks';
import type { TimedRequest } from './pauses.js';

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
  /** p99 of how late the load generator sent a request after it was due (its own stalls; part of the latencies). */
  sendLateP99: number;
}

/** Nearest-rank percentiles of latencies in milliseconds; the same for the GraphQL and the SQL side. */
export function measure(run: { latencies: number[]; late: number[]; offered: number; errors: number; seconds: number; wallSeconds: number; cpuMicros: number }): Measurement {
  const percentile = (values: number[]) => {
    const sorted = Float64Array.from(values).sort();
    return (q: number) => (sorted.length === 0 ? Number.NaN : (sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] ?? Number.NaN));
  };
  const at = percentile(run.latencies);
  const count = run.latencies.length;
  return {
    offered: run.offered,
    count,
    errors: run.errors,
    incomplete: Math.max(0, run.offered - count - run.errors),
    rate: run.seconds > 0 ? count / run.seconds : 0,
    p50: at(0.5),
    p95: at(0.95),
    p99: at(0.99),
    max: at(1),
    clientCpu: run.wallSeconds > 0 ? run.cpuMicros / 1e6 / run.wallSeconds : 0,
    sendLateP99: percentile(run.late)(0.99),
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
 * Open loop at a fixed rate: request k is due at k / rate seconds and sent then whether or not earlier ones have
 * finished, so a slow response delays nothing else and shows in the latencies. Latency runs from when the request
 * was due to completion, so a stall of the load generator itself counts too (no coordinated omission); how late
 * requests were sent is reported as `sendLateP99`.
 * `send` gets a signal that turns true when the run gives up on answers still outstanding. With `timed`, each answered
 * request's due time (epoch ms) and latency are appended to it (`--timeline`).
 */
export async function atFixedRate(
  rate: number,
  seconds: number,
  limits: RunLimits,
  send: (aborted: () => boolean) => Promise<void>,
  timed?: TimedRequest[],
): Promise<Measurement> {
  const offered = Math.round(rate * seconds);
  const interval = 1000 / rate;
  const latencies: number[] = [];
  const late: number[] = [];
  const pending = new Set<Promise<void>>();
  let errors = 0;
  let aborted = false;
  const cpu = process.cpuUsage();
  const started = performance.now();
  for (let k = 0; k < offered; k++) {
    const due = started + k * interval;
    const wait = due - performance.now();
    if (wait > 1) await sleep(wait);
    if (pending.size >= limits.maxInFlight) continue;
    const dispatched = performance.now();
    late.push(Math.max(0, dispatched - due));
    const from = Math.min(due, dispatched);
    const request: Promise<void> = send(() => aborted).then(
      () => {
        if (aborted) return;
        const latency = performance.now() - from;
        latencies.push(latency);
        timed?.push({ at: performance.timeOrigin + from, ms: latency });
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
  return measure({ latencies, late, offered, errors, seconds: Math.min(seconds, wallSeconds), wallSeconds, cpuMicros: used.user + used.system });
}

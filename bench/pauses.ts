import { performance, PerformanceObserver, constants, type PerformanceEntry } from 'node:perf_hooks';

/**
 * What paused a process, with wall-clock times, so the slow requests of a load run can be laid beside what each
 * process was doing at that moment (`--timeline`): V8's garbage collections (perf_hooks 'gc' entries: scavenges
 * on the main thread, the pauses of a major collection) and event-loop stalls (a 5 ms timer that fired late, which
 * also catches what is not a collection: long synchronous work, the process not being scheduled).
 */
export interface Pause {
  /** Which process: "api 12345", "load generator". */
  who: string;
  kind: string;
  /** Start, milliseconds since the epoch. */
  at: number;
  ms: number;
}

const GC_KINDS: Record<number, string> = {
  [constants.NODE_PERFORMANCE_GC_MINOR]: 'scavenge',
  [constants.NODE_PERFORMANCE_GC_MAJOR]: 'major GC',
  [constants.NODE_PERFORMANCE_GC_INCREMENTAL]: 'incremental marking',
  [constants.NODE_PERFORMANCE_GC_WEAKCB]: 'weak callbacks',
};

/** Collections shorter than this are not recorded (a scavenge takes 1–5 ms here). */
const MIN_GC_MS = 3;
const TICK_MS = 5;
/** A timer later than this counts as a stall of the event loop. */
const MIN_STALL_MS = 15;

/** Starts recording this process's pauses; `take()` returns those since the last call. */
export function watchPauses(who: string): { take(): Pause[]; stop(): void } {
  let pauses: Pause[] = [];
  const epoch = (relative: number) => performance.timeOrigin + relative;
  const observer = new PerformanceObserver((list) => {
    for (const entry of list.getEntries() as Array<PerformanceEntry & { detail?: { kind?: number } }>) {
      if (entry.duration < MIN_GC_MS) continue;
      const kind = GC_KINDS[entry.detail?.kind ?? -1] ?? 'gc';
      pauses.push({ who, kind, at: epoch(entry.startTime), ms: entry.duration });
    }
  });
  observer.observe({ entryTypes: ['gc'] });
  let expected = performance.now() + TICK_MS;
  const timer = setInterval(() => {
    const now = performance.now();
    const late = now - expected;
    if (late >= MIN_STALL_MS) pauses.push({ who, kind: 'event loop stall', at: epoch(expected), ms: late });
    expected = now + TICK_MS;
  }, TICK_MS);
  timer.unref();
  return {
    take() {
      const taken = pauses;
      pauses = [];
      return taken;
    },
    stop() {
      observer.disconnect();
      clearInterval(timer);
    },
  };
}

/** A request of a load run: when it was due (epoch ms) and how long its answer took from then. */
export interface TimedRequest {
  at: number;
  ms: number;
}

export interface Episode {
  /** First slow request's due time and the last slow answer's arrival, epoch ms. */
  from: number;
  to: number;
  slow: number;
  worstMs: number;
  /** Pauses of any process that overlap the episode (widened by `margin`). */
  pauses: Pause[];
}

/**
 * Groups the requests slower than `thresholdMs` into episodes (slow requests due within `gapMs` of each other) and
 * lays the pauses that overlap each episode beside it.
 */
export function episodes(requests: TimedRequest[], pauses: Pause[], thresholdMs: number, gapMs = 100, margin = 20): Episode[] {
  const slow = requests.filter((request) => request.ms > thresholdMs).sort((a, b) => a.at - b.at);
  const found: Episode[] = [];
  for (const request of slow) {
    const last = found.at(-1);
    if (last !== undefined && request.at - last.to <= gapMs) {
      last.to = Math.max(last.to, request.at + request.ms);
      last.slow++;
      last.worstMs = Math.max(last.worstMs, request.ms);
    } else {
      found.push({ from: request.at, to: request.at + request.ms, slow: 1, worstMs: request.ms, pauses: [] });
    }
  }
  for (const episode of found) {
    episode.pauses = pauses.filter((pause) => pause.at <= episode.to + margin && pause.at + pause.ms >= episode.from - margin).sort((a, b) => a.at - b.at);
  }
  return found;
}

/** The run's start (UTC), then one line per episode and one per pause in it, times relative to the start. */
export function describeEpisodes(found: Episode[], started: number): string[] {
  const seconds = (at: number) => `${((at - started) / 1000).toFixed(3)} s`;
  const lines = [`run started ${new Date(started).toISOString()}`];
  for (const episode of found) {
    lines.push(`episode at ${seconds(episode.from)}–${seconds(episode.to)}: ${episode.slow} slow requests, worst ${episode.worstMs.toFixed(0)} ms`);
    if (episode.pauses.length === 0) lines.push('  no pause recorded in any process');
    for (const pause of episode.pauses) lines.push(`  ${pause.who}: ${pause.kind} at ${seconds(pause.at)}, ${pause.ms.toFixed(1)} ms`);
  }
  return lines;
}

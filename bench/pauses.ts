import { existsSync } from 'node:fs';
import { performance, PerformanceObserver, constants, type PerformanceEntry } from 'node:perf_hooks';
import { processIds, processStat, TICKS_PER_SECOND, type ProcessStat } from './proc-stat.js';

/**
 * What paused a process, with wall-clock times, so the slow requests of a load run can be laid beside what each
 * process was doing at that moment (`--timeline`): V8's garbage collections (perf_hooks 'gc' entries: scavenges
 * on the main thread, the pauses of a major collection) and event-loop stalls (a 5 ms timer that fired late, which
 * also catches what is not a collection: long synchronous work, the process not being scheduled). `watchMachine`
 * adds the CPU bursts of other programs on the machine, which stall every process of the benchmark at once.
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

/** Pauses recorded since the last `take()`; `stop()` ends the recording. */
export interface PauseWatch {
  take(): Pause[];
  stop(): void;
}

/** A PauseWatch around `start`, which begins recording into `record` and returns what stops it. */
function pauseWatch(start: (record: (pause: Pause) => void) => () => void): PauseWatch {
  let pauses: Pause[] = [];
  const stop = start((pause) => pauses.push(pause));
  return {
    take() {
      const taken = pauses;
      pauses = [];
      return taken;
    },
    stop,
  };
}

/** Starts recording this process's pauses. */
export function watchPauses(who: string): PauseWatch {
  const epoch = (relative: number) => performance.timeOrigin + relative;
  return pauseWatch((record) => {
    const observer = new PerformanceObserver((list) => {
      for (const entry of list.getEntries() as Array<PerformanceEntry & { detail?: { kind?: number } }>) {
        if (entry.duration < MIN_GC_MS) continue;
        const kind = GC_KINDS[entry.detail?.kind ?? -1] ?? 'gc';
        record({ who, kind, at: epoch(entry.startTime), ms: entry.duration });
      }
    });
    observer.observe({ entryTypes: ['gc'] });
    let expected = performance.now() + TICK_MS;
    const timer = setInterval(() => {
      const now = performance.now();
      const late = now - expected;
      if (late >= MIN_STALL_MS) record({ who, kind: 'event loop stall', at: epoch(expected), ms: late });
      expected = now + TICK_MS;
    }, TICK_MS);
    timer.unref();
    return () => {
      observer.disconnect();
      clearInterval(timer);
    };
  });
}

/** A sample of the machine's processes every this many ms; a process using more than MIN_FOREIGN_SHARE of a core in it is recorded. */
const MACHINE_INTERVAL_MS = 200;
const MIN_FOREIGN_SHARE = 0.4;

/** Every process's /proc stat by id (empty where there is no /proc). */
function processStats(): Map<number, ProcessStat> {
  const found = new Map<number, ProcessStat>();
  if (!existsSync('/proc/self/stat')) return found;
  for (const pid of processIds()) {
    const stat = processStat(pid);
    if (stat !== null) found.set(pid, stat);
  }
  return found;
}

/** Whether `pid` is `root` or descends from it. */
function descends(pid: number, root: number, processes: Map<number, ProcessStat>): boolean {
  for (let at = pid, hops = 0; at > 1 && hops < 64; at = processes.get(at)?.parent ?? 0, hops++) if (at === root) return true;
  return false;
}

/**
 * Records processes that are not `root` or its descendants (the load generator, the app, an embedded PostgreSQL)
 * and used more than 40 % of a core in a 200 ms sample: programs that share the machine (seen here: RabbitMQ's Erlang
 * VM, about a core for ~0.2 s once a minute, which set off episodes in which every process of the benchmark stalled).
 */
export function watchMachine(root: number): PauseWatch {
  return pauseWatch((record) => {
    let last = processStats();
    let lastAt = Date.now();
    const timer = setInterval(() => {
      const now = Date.now();
      const current = processStats();
      for (const [pid, stat] of current) {
        const before = last.get(pid) ?? stat;
        const ms = ((stat.utime + stat.stime - before.utime - before.stime) * 1000) / TICKS_PER_SECOND;
        if (ms > MIN_FOREIGN_SHARE * (now - lastAt) && !descends(pid, root, current)) record({ who: `machine: ${stat.name} (${pid})`, kind: 'CPU used', at: lastAt, ms });
      }
      last = current;
      lastAt = now;
    }, MACHINE_INTERVAL_MS);
    timer.unref();
    return () => clearInterval(timer);
  });
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

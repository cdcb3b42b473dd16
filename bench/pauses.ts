import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { performance, PerformanceObserver, constants, type PerformanceEntry } from 'node:perf_hooks';

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

/** A sample of the machine's processes every this many ms; a process using more than MIN_FOREIGN_SHARE of a core in it is recorded. */
const MACHINE_INTERVAL_MS = 200;
const MIN_FOREIGN_SHARE = 0.4;
/** Linux's clock ticks per second (USER_HZ), the unit of /proc/<pid>/stat's CPU times. */
const TICKS_PER_SECOND = 100;

interface ProcessTicks {
  ticks: number;
  command: string;
  parent: number;
}

/** CPU ticks (user + system), command and parent of every process, from /proc (Linux); empty elsewhere. */
function processTicks(): Map<number, ProcessTicks> {
  const found = new Map<number, ProcessTicks>();
  if (!existsSync('/proc/self/stat')) return found;
  for (const entry of readdirSync('/proc')) {
    const pid = Number(entry);
    if (!Number.isInteger(pid)) continue;
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      found.set(pid, { ticks: Number(fields[11]) + Number(fields[12]), command: stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')')), parent: Number(fields[1]) });
    } catch {
      // The process ended meanwhile.
    }
  }
  return found;
}

/** Whether `pid` is `root` or descends from it. */
function descends(pid: number, root: number, processes: Map<number, ProcessTicks>): boolean {
  for (let at = pid, hops = 0; at > 1 && hops < 64; at = processes.get(at)?.parent ?? 0, hops++) if (at === root) return true;
  return false;
}

/**
 * Records processes that are not `root` or its descendants (the load generator, the app, an embedded PostgreSQL)
 * and used more than 40 % of a core in a 200 ms sample: programs that share the machine (seen here: RabbitMQ's Erlang
 * VM, about a core for ~0.2 s once a minute, which set off episodes in which every process of the benchmark stalled).
 */
export function watchMachine(root: number): { take(): Pause[]; stop(): void } {
  let pauses: Pause[] = [];
  let last = processTicks();
  let lastAt = Date.now();
  const timer = setInterval(() => {
    const now = Date.now();
    const current = processTicks();
    for (const [pid, { ticks, command }] of current) {
      const ms = ((ticks - (last.get(pid)?.ticks ?? ticks)) * 1000) / TICKS_PER_SECOND;
      if (ms > MIN_FOREIGN_SHARE * (now - lastAt) && !descends(pid, root, current)) pauses.push({ who: `machine: ${command} (${pid})`, kind: 'CPU used', at: lastAt, ms });
    }
    last = current;
    lastAt = now;
  }, MACHINE_INTERVAL_MS);
  timer.unref();
  return {
    take() {
      const taken = pauses;
      pauses = [];
      return taken;
    },
    stop() {
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

import { setFlagsFromString } from 'node:v8';

/**
 * Node.js flags the api process is started with: package.json's `start` script and the Dockerfile's CMD give them
 * (heap-tuning.spec.ts keeps the three equal), the search benchmark starts its api processes with them.
 *
 * `--max-semi-space-size=64` (MB; V8's default on 64-bit is 16): a request's objects stay referenced a little
 * while after its answer has gone (longer than ~180 ms, shorter than ~720 ms; what holds them is not found yet).
 * With 16 MB semi-spaces a young-generation collection comes every ~90 ms at 100 req/s per process, so much of a
 * search request's objects lived through two of them and were copied into the old generation: 63 KB per
 * answer ("verwaltung", one api process at 100 req/s; `--trace-gc-nvp`), ~6 MB/s, which filled the old generation
 * and brought the major collections behind the benchmark's p99 episodes (bench/RESULTS.md). With 64 MB a young
 * collection comes every ~360 ms and 3.6 KB per answer are promoted; the app's CPU time per search request drops
 * by ~20 % (3.38 → 2.77 ms, `npm run bench:cpu`), as fewer collections copy fewer survivors. The price: up to
 * ~192 MB of young generation per process (V8 grows it towards the maximum only under allocation load).
 *
 * `--no-memory-reducer`: V8's memory reducer runs major collections that shrink the heap (and the young generation
 * with it) when a process seems idle, about every 100 s after a quiet spell. It decides on the allocation rate it
 * saw before, so under traffic that follows a pause it collects in the middle of the load: in a `--timeline` run
 * of the search benchmark six of the api processes' eight major collections were "Mark-Compact (reduce)", and one
 * fell into a measured run, starting an episode of 87 answers over 50 ms (worst 364 ms). An api replica keeps its
 * heap between bursts instead (up to the HEAP_GROWING_PERCENT limit).
 */
export const API_NODE_FLAGS: readonly string[] = ['--max-semi-space-size=64', '--no-memory-reducer'];

/** The API_NODE_FLAGS this process was not started with (on the command line or in NODE_OPTIONS). */
export function missingNodeFlags(execArgv: readonly string[], nodeOptions: string | undefined): string[] {
  const given = new Set([...execArgv, ...(nodeOptions ?? '').split(/\s+/)]);
  return API_NODE_FLAGS.filter((flag) => !given.has(flag));
}

/**
 * Sets V8's old-generation growing factor for this process (`HEAP_GROWING_PERCENT`, 0: V8's own).
 *
 * Whatever the young generation promotes fills the old generation until a major collection, which on a 2-core
 * machine takes both cores for a few hundred milliseconds (concurrent marking of ~55 MB live, the compaction
 * pause): the search benchmark's p99 at 200 req/s was those episodes (bench/RESULTS.md). With V8's factor (at most
 * 4×) and ~6 MB/s promoted per api process they came every ~8 s; at 900 (10×) about once a minute, and since the
 * larger young generation (API_NODE_FLAGS) promotes far less, the first one came ~15 minutes into the benchmark's
 * run, for a heap of up to ~0.6 GB per api process. V8 reads the flag whenever it computes the next limit, so setting
 * it at start is enough.
 */
export function tuneHeapGrowth(percent: number): void {
  if (percent > 0) setFlagsFromString(`--heap-growing-percent=${percent}`);
}

import { setFlagsFromString } from 'node:v8';

/**
 * Sets V8's old-generation growing factor for this process (`HEAP_GROWING_PERCENT`, 0: V8's own).
 *
 * Every search answer leaves ~100 KB in the old generation (objects that happen to survive two young-generation
 * collections), ~20 MB/s per api process at 100 req/s. With V8's factor (at most 4×, ~55 MB live after a major
 * collection) that was a major collection every ~8 s, and each one took the two cores of a 2-core machine for a few
 * hundred milliseconds (concurrent marking, sweeping, the compaction pause): the search benchmark's p99 at 200 req/s
 * was those episodes (bench/RESULTS.md). At 900 (10×) a major collection comes every ~25 s, for a heap of ~0.6 GB
 * per api process. V8 reads the flag whenever it computes the next limit, so setting it at start is enough.
 */
export function tuneHeapGrowth(percent: number): void {
  if (percent > 0) setFlagsFromString(`--heap-growing-percent=${percent}`);
}

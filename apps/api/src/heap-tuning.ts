import { setFlagsFromString } from 'node:v8';

/**
 * Sets V8's old-generation growing factor for this process (`HEAP_GROWING_PERCENT`, 0: V8's own).
 *
 * Search answers leave objects in the old generation (objects the young-generation collector keeps past two
 * collections): ~100 KB each before PgClient and the Express adapter, 60–77 KB since, ~6–8 MB/s per api process at
 * 100 req/s. With V8's factor (at most 4×, ~55 MB live after a major collection) major collections came every ~8 s,
 * and each one took the two cores of a 2-core machine for a few hundred milliseconds (concurrent marking, sweeping,
 * the compaction pause): the search benchmark's p99 at 200 req/s was those episodes (bench/RESULTS.md). At 900 (10×)
 * a major collection comes about once a minute, for a heap of up to ~0.6 GB per api process. V8 reads the flag
 * whenever it computes the next limit, so setting it at start is enough.
 */
export function tuneHeapGrowth(percent: number): void {
  if (percent > 0) setFlagsFromString(`--heap-growing-percent=${percent}`);
}

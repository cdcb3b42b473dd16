import { performance } from 'node:perf_hooks';
import type pg from 'pg';
import type { CapturedStatement } from './app-server.js';
import { Aborted } from './fixed-rate.js';

/** Requests run one by one before timing (connections, JIT, caches), then the timed ones. */
const SEQUENTIAL_WARMUP = 5;
export const SEQUENTIAL_TIMED = 15;

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}

async function timed(run: () => Promise<unknown>): Promise<number> {
  const started = performance.now();
  await run();
  return performance.now() - started;
}

/** Sequential timing stops early after this long (with at least 3 samples), so a catalogue of a million still ends. */
const SEQUENTIAL_BUDGET_MS = 30_000;

/** Median latency of requests sent one at a time: the cost of a request without any queueing. */
export async function alone(run: () => Promise<unknown>, warmup = SEQUENTIAL_WARMUP, count = SEQUENTIAL_TIMED): Promise<number> {
  const started = performance.now();
  for (let k = 0; k < warmup && (k < 1 || performance.now() - started < SEQUENTIAL_BUDGET_MS / 3); k++) await run();
  const times: number[] = [];
  const timing = performance.now();
  while (times.length < count && (times.length < 3 || performance.now() - timing < SEQUENTIAL_BUDGET_MS)) times.push(await timed(run));
  return median(times);
}

/** Medians of several requests timed one at a time in turns, so that all of them meet the same conditions. */
export async function aloneInTurns(runs: Array<() => Promise<unknown>>): Promise<number[]> {
  const started = performance.now();
  for (let k = 0; k < SEQUENTIAL_WARMUP && (k < 1 || performance.now() - started < SEQUENTIAL_BUDGET_MS / 3); k++) for (const run of runs) await run();
  const times = runs.map((): number[] => []);
  const timing = performance.now();
  for (let k = 0; k < SEQUENTIAL_TIMED && (k < 3 || performance.now() - timing < SEQUENTIAL_BUDGET_MS); k++) {
    for (const [index, run] of runs.entries()) times[index]?.push(await timed(run));
  }
  return times.map(median);
}

/** Which part of the request a statement is, for the tables. */
export function statementLabel(sql: string): string {
  if (/\bapp_user\b/.test(sql)) return 'signed-in user';
  if (/search_vocabulary/.test(sql)) return 'vocabulary';
  if (/'__total'/.test(sql)) return 'total + facets';
  if (/FROM organisation\b/i.test(sql) && !/ai_system/.test(sql)) return 'organisations (DataLoader)';
  if (/ai_system/.test(sql)) return 'page';
  return 'other';
}

/**
 * The SQL of one GraphQL request as the application issued it, replayable with pg. Statements that overlapped
 * in time ran in parallel (Promise.all in the service) and are replayed in parallel; the others one after another.
 */
export class CapturedRequest {
  readonly stages: number[][];

  constructor(readonly statements: CapturedStatement[]) {
    const order = statements.map((statement, index) => ({ statement, index })).sort((a, b) => a.statement.startedAt - b.statement.startedAt);
    const stages: number[][] = [];
    let stageEnd = Number.NEGATIVE_INFINITY;
    for (const { statement, index } of order) {
      const current = stages[stages.length - 1];
      if (current !== undefined && statement.startedAt < stageEnd) {
        current.push(index);
        stageEnd = Math.max(stageEnd, statement.endedAt);
      } else {
        stages.push([index]);
        stageEnd = statement.endedAt;
      }
    }
    this.stages = stages;
  }

  get labels(): string[] {
    return this.statements.map((statement) => statementLabel(statement.sql));
  }

  /** Replays the request; stops between stages once `aborted` turns true (a given-up run). */
  async replay(pool: pg.Pool, aborted: () => boolean = () => false): Promise<void> {
    for (const stage of this.stages) {
      if (aborted()) throw new Aborted();
      await Promise.all(stage.map((index) => this.run(pool, index)));
    }
  }

  /** Statement `index` on its own. */
  run(pool: pg.Pool, index: number): Promise<unknown> {
    const statement = this.statements[index];
    if (statement === undefined) throw new Error(`no statement ${index}`);
    // Prepared where the app prepared it, so the database does the same work for both sides.
    if (statement.preparedAs !== null) return pool.query({ name: statement.preparedAs, text: statement.sql, values: statement.params });
    return pool.query(statement.sql, statement.params);
  }

  /** Median time of each statement run alone (with pg, round trip included). */
  async statementTimes(pool: pg.Pool): Promise<number[]> {
    const times: number[] = [];
    for (const index of this.statements.keys()) times.push(await alone(() => this.run(pool, index), 2, 7));
    return times;
  }
}

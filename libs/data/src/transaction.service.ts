import { AsyncLocalStorage } from 'node:async_hooks';
import { createHash } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { Injectable } from '@nestjs/common';
import type pg from 'pg';
import { DataSource, QueryFailedError, type EntityManager } from 'typeorm';

/**
 * Statements one database connection keeps prepared at most; beyond that further texts run unprepared (the pg
 * client cannot drop a prepared statement, and each costs the server memory for the connection's lifetime).
 */
export const PREPARED_PER_CONNECTION = 100;

/**
 * One mutation, one transaction: `run` opens a transaction (or joins the one already open in this async
 * context), and `manager` hands services the manager of that transaction, or the plain one for reads.
 */
@Injectable()
export class TransactionService {
  private readonly current = new AsyncLocalStorage<EntityManager>();
  /** Names of the statements each connection (pg client) has prepared. */
  private readonly prepared = new WeakMap<pg.ClientBase, Set<string>>();

  constructor(private readonly dataSource: DataSource) {}

  get manager(): EntityManager {
    return this.current.getStore() ?? this.dataSource.manager;
  }

  get inTransaction(): boolean {
    return this.current.getStore() !== undefined;
  }

  async run<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    const open = this.current.getStore();
    if (open) return work(open);
    return this.dataSource.transaction((manager) => this.current.run(manager, () => work(manager)));
  }

  /**
   * A read that runs many times with the same text and other parameters: each connection prepares it once (named
   * by a hash of its text), so PostgreSQL parses, rewrites and plans it once and, after five runs, keeps a generic
   * plan when that is no worse than planning anew. Only for statements whose plan does not hinge on the parameters'
   * values (a filter's selectivity does; looking rows up by id does not). Logged and seen by subscribers like any
   * statement run through `manager.query`; inside a transaction it runs there, unprepared.
   */
  async queryPrepared<T>(sql: string, params: unknown[]): Promise<T[]> {
    if (this.inTransaction) return this.manager.query(sql, params);
    const runner = this.dataSource.createQueryRunner();
    try {
      const client = (await runner.connect()) as pg.PoolClient;
      let names = this.prepared.get(client);
      if (names === undefined) {
        names = new Set();
        this.prepared.set(client, names);
      }
      const name = `q_${createHash('sha256').update(sql).digest('base64url').slice(0, 32)}`;
      const prepare = names.has(name) || names.size < PREPARED_PER_CONNECTION;
      // Subscribers see which statement ran prepared (the benchmark replays it prepared as well).
      if (prepare) runner.data = { ...runner.data, preparedStatement: name };
      this.dataSource.logger.logQuery(sql, params, runner);
      await runner.broadcaster.broadcast('BeforeQuery', sql, params);
      const startedAt = performance.now();
      try {
        const result = await client.query<T & pg.QueryResultRow>(prepare ? { name, text: sql, values: params } : { text: sql, values: params });
        if (prepare) names.add(name);
        await runner.broadcaster.broadcast('AfterQuery', sql, params, true, performance.now() - startedAt, result.rows, undefined);
        return result.rows;
      } catch (error) {
        this.dataSource.logger.logQueryError(error as Error, sql, params, runner);
        await runner.broadcaster.broadcast('AfterQuery', sql, params, false, undefined, undefined, error);
        throw new QueryFailedError(sql, params, error as Error);
      }
    } finally {
      await runner.release();
    }
  }
}

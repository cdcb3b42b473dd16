import { QueryFailedError, type DataSource } from 'typeorm';
import { createDataSource, PREPARED_PER_CONNECTION, TransactionService } from '@app/data';
import { createTestDatabase } from '@app/testing';

/** Reads a connection prepares once (the search's page statements): TransactionService.queryPrepared. */
describe('prepared reads', () => {
  let dataSource: DataSource;
  let tx: TransactionService;
  const logged: string[] = [];

  beforeAll(async () => {
    // One connection, so every call below runs on the same one and what it prepared can be seen.
    dataSource = createDataSource((await createTestDatabase()).url, { poolSize: 1 });
    await dataSource.initialize();
    const original = dataSource.logger.logQuery.bind(dataSource.logger);
    dataSource.logger.logQuery = (query, parameters, runner) => {
      logged.push(query);
      original(query, parameters, runner);
    };
    tx = new TransactionService(dataSource);
  });

  afterAll(async () => {
    await dataSource.destroy();
  });

  /** The statements the connection holds prepared, read through a statement that is not prepared itself. */
  async function preparedOnConnection(): Promise<string[]> {
    const rows: Array<{ statement: string }> = await dataSource.query(`SELECT statement FROM pg_prepared_statements`);
    return rows.map((row) => row.statement);
  }

  it('prepares a statement once per connection and answers with its rows, logged like any statement', async () => {
    const sql = `SELECT n, $1::text AS word FROM generate_series(1, 3) n ORDER BY n`;
    for (const word of ['eins', 'zwei', 'drei']) {
      expect(await tx.queryPrepared(sql, [word])).toEqual([1, 2, 3].map((n) => ({ n, word })));
    }
    expect((await preparedOnConnection()).filter((statement) => statement === sql)).toHaveLength(1);
    expect(logged.filter((query) => query === sql)).toHaveLength(3);
  });

  it('runs unprepared inside a transaction, on the transaction\'s connection', async () => {
    const sql = `SELECT txid_current_if_assigned() IS NOT NULL AS "inWrite", $1::int AS k`;
    const rows = await tx.run(async (manager) => {
      await manager.query(`CREATE TEMPORARY TABLE prepared_reads_probe (k int) ON COMMIT DROP`);
      return tx.queryPrepared<{ inWrite: boolean; k: number }>(sql, [7]);
    });
    expect(rows).toEqual([{ inWrite: true, k: 7 }]);
    expect(await preparedOnConnection()).not.toContain(sql);
  });

  it('a failing statement is a QueryFailedError, logged, and leaves the connection usable', async () => {
    const errors: string[] = [];
    const original = dataSource.logger.logQueryError.bind(dataSource.logger);
    dataSource.logger.logQueryError = (error, query, parameters, runner) => {
      errors.push(query);
      original(error, query, parameters, runner);
    };
    try {
      const sql = `SELECT 1 / $1::int AS quotient`;
      await expect(tx.queryPrepared(sql, [0])).rejects.toBeInstanceOf(QueryFailedError);
      expect(errors).toEqual([sql]);
      expect(await tx.queryPrepared(sql, [1])).toEqual([{ quotient: 1 }]);
    } finally {
      dataSource.logger.logQueryError = original;
    }
  });

  it(`prepares at most ${PREPARED_PER_CONNECTION} statements per connection, then runs further texts unprepared`, async () => {
    for (let k = 0; k < PREPARED_PER_CONNECTION + 20; k++) {
      expect(await tx.queryPrepared(`SELECT ${k} AS k, $1::int AS v`, [k])).toEqual([{ k, v: k }]);
    }
    const prepared = await preparedOnConnection();
    expect(prepared).toHaveLength(PREPARED_PER_CONNECTION);
    expect(prepared).not.toContain(`SELECT ${PREPARED_PER_CONNECTION + 19} AS k, $1::int AS v`);
  });
});

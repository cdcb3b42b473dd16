import pg from 'pg';
import type { DataSource } from 'typeorm';
import { createDataSource, PgClient } from '@app/data';
import { createTestDatabase } from '@app/testing';

/** PgClient behaves as pg's Client in every way a caller can see (libs/data/src/pg-client.ts). */
describe('PgClient', () => {
  let url: string;
  let client: PgClient;

  beforeAll(async () => {
    url = (await createTestDatabase()).url;
    client = new PgClient({ connectionString: url });
    await client.connect();
  });

  afterAll(async () => {
    await client.end();
  });

  it('answers a promise query with pg result: rows, fields, row count, command', async () => {
    const result = await client.query<{ n: number; word: string }>('SELECT n, $1::text AS word FROM generate_series(1, 3) n ORDER BY n', ['eins']);
    expect(result.rows).toEqual([1, 2, 3].map((n) => ({ n, word: 'eins' })));
    expect(result.rowCount).toBe(3);
    expect(result.command).toBe('SELECT');
    expect(result.fields.map((field) => field.name)).toEqual(['n', 'word']);
  });

  it('answers query configs with a name (prepared) and without values', async () => {
    const named = { name: 'pg_client_spec', text: 'SELECT $1::int * 2 AS doubled', values: [21] };
    expect((await client.query(named)).rows).toEqual([{ doubled: 42 }]);
    expect((await client.query({ ...named, values: [4] })).rows).toEqual([{ doubled: 8 }]);
    expect((await client.query('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
  });

  it('rejects a failing query with pg error, its SQLSTATE and a stack that leads back to the caller', async () => {
    const failing = () => client.query('SELECT 1 / $1::int AS quotient', [0]);
    const error = (await failing().catch((e: unknown) => e)) as pg.DatabaseError;
    expect(error).toBeInstanceOf(pg.DatabaseError);
    expect(error.code).toBe('22012');
    expect(error.stack).toContain('pg-client.e2e-spec');
    // The connection stays usable.
    expect((await client.query('SELECT 2 AS two')).rows).toEqual([{ two: 2 }]);
  });

  it('leaves callback queries and submittable queries (cursors, streams) to pg', async () => {
    const viaCallback = await new Promise<unknown[]>((resolve, reject) =>
      client.query('SELECT 3 AS three', [], (error, result) => (error ? reject(error) : resolve(result.rows))),
    );
    expect(viaCallback).toEqual([{ three: 3 }]);
    const submittable = new pg.Query('SELECT 4 AS four');
    const rows: unknown[] = [];
    submittable.on('row', (row: unknown) => rows.push(row));
    const ended = new Promise<void>((resolve, reject) => {
      submittable.on('end', () => resolve());
      submittable.on('error', reject);
    });
    expect(client.query(submittable)).toBe(submittable);
    await ended;
    expect(rows).toEqual([{ four: 4 }]);
  });

  it('is the client of the application data source pool', async () => {
    const dataSource: DataSource = createDataSource(url, { poolSize: 1 });
    await dataSource.initialize();
    try {
      const pool = (dataSource.driver as unknown as { master: pg.Pool }).master;
      const connection = await pool.connect();
      try {
        expect(connection).toBeInstanceOf(PgClient);
      } finally {
        connection.release();
      }
      expect(await dataSource.query('SELECT 5 AS five')).toEqual([{ five: 5 }]);
    } finally {
      await dataSource.destroy();
    }
  });
});

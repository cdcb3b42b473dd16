import pg from 'pg';

type QueryArgs = Parameters<pg.Client['query']>;

function isSubmittable(config: unknown): boolean {
  return typeof config === 'object' && config !== null && typeof (config as { submit?: unknown }).submit === 'function';
}

/**
 * pg's Client, except that a query asked for as a promise hands its callback to pg's Query when the Query is
 * constructed. pg itself constructs the Query without a callback and assigns one afterwards, as a function literal
 * (`query.callback = (err, res) => …`). On Node.js 20 and 22 (V8) a function literal assigned to a property keeps the
 * scope it was created in alive through young-generation collections until the next major collection
 * (bench/closure-retention.ts), and pg's scope reaches the promise and through it the whole result: rows, their
 * strings and dates. Under load every query result went to the old generation (250 KB per 21-row query with pg alone,
 * ~20 KB of the ~100 KB per search request in the api) and brought on major collections (bench/RESULTS.md, ADR 0005).
 * A callback passed at construction dies young with its scope. Behaviour is pg's: the same Query, the same result,
 * errors rejected with the stack of the caller as pg's promise path does; callback and submittable queries (cursors,
 * streams) go to pg unchanged.
 */
export class PgClient extends pg.Client {}

const query = pg.Client.prototype.query as (this: pg.Client, ...args: unknown[]) => unknown;

PgClient.prototype.query = function (this: pg.Client, ...args: QueryArgs) {
  const [config, values, callback] = args as [unknown, unknown, unknown];
  if (config === null || config === undefined || isSubmittable(config) || typeof values === 'function' || typeof callback === 'function') {
    return query.apply(this, args);
  }
  return new Promise((resolve, reject) => {
    query.call(this, config, values, (error: Error | null, result: unknown) => (error ? reject(error) : resolve(result)));
  }).catch((error: Error) => {
    // As pg's promise path: the stack leads back to the caller, not to the socket read that delivered the error.
    Error.captureStackTrace(error);
    throw error;
  });
} as pg.Client['query'];

import 'reflect-metadata';
import { createHash } from 'node:crypto';
import pg from 'pg';
import { createDataSource, demoSubject, ensureDatabase, migrations, runMigrations, seedDemoData } from '@app/data';
import { LOCAL_ISSUER } from '@app/common';
import { searchableText, searchColumnsSet, searchExtraText } from '../apps/api/src/catalogue/entry-search-index.service.js';
import { splitCompound, vocabularyWords } from '../apps/api/src/catalogue/german-compounds.js';
import { benchDatabaseName, databaseExists, dropDatabase, openBenchServer, withClient, type BenchServer } from './bench-database.js';
import { isEntryPoint, logLine, parseSize } from './cli.js';
import { CatalogueVariants, GENERATOR_VERSION, type GeneratedEntry } from './catalogue-variants.js';

const BATCH = 1000;
/** Batches in flight: one per core, so PostgreSQL works on one while Node builds the next. */
const PARALLEL = 2;

export interface GeneratedCatalogue {
  database: string;
  url: string;
  size: number;
  /** The moment the entries' ages count from; the load test derives its rare term from the same generator. */
  now: number;
  skipped: boolean;
  seconds: number;
}

/**
 * What a finished catalogue was built with: the generator, the migrations and the indexing SQL. When any of them
 * changes (another migration, a new search column) the catalogue is rebuilt rather than measured stale.
 */
export function catalogueFingerprint(): string {
  const inputs = JSON.stringify([migrations.map((migration) => migration.name), searchColumnsSet('x.extra')]);
  return `${GENERATOR_VERSION}-${createHash('sha256').update(inputs).digest('hex').slice(0, 12)}`;
}

interface Meta {
  size: number;
  generator: string;
  now: Date;
  seconds: number;
}

async function readMeta(url: string): Promise<Meta | null> {
  return withClient(url, async (client) => {
    const exists = await client.query(`SELECT to_regclass('bench_meta') IS NOT NULL AS present`);
    if (!exists.rows[0]?.present) return null;
    const rows = await client.query<Meta>(`SELECT size, generator, reference_time AS now, seconds FROM bench_meta`);
    return rows.rows[0] ?? null;
  });
}

/** Runs `work` for every batch with at most PARALLEL batches in flight. */
async function inBatches(size: number, work: (from: number, to: number) => Promise<void>): Promise<void> {
  const inFlight = new Set<Promise<void>>();
  for (let from = 0; from < size; from += BATCH) {
    const done: Promise<void> = work(from, Math.min(size, from + BATCH)).finally(() => inFlight.delete(done));
    inFlight.add(done);
    if (inFlight.size >= PARALLEL) await Promise.race(inFlight);
  }
  await Promise.all(inFlight);
}

function progress(log: (message: string) => void, label: string, size: number): (to: number) => void {
  let next = 0;
  const started = Date.now();
  return (to) => {
    if (to < next && to < size) return;
    next = to + Math.max(BATCH, Math.floor(size / 10));
    log(`${label}: ${to.toLocaleString('en')} / ${size.toLocaleString('en')} (${Math.round((Date.now() - started) / 1000)} s)`);
  };
}

/**
 * Fills a database with `size` published entries varied from the demo catalogue: bulk inserts of 1,000 rows,
 * then the search columns through the same SET list and extra text as EntrySearchIndex, and the vocabulary.
 * Skips the work when the database already holds a finished catalogue of this size and generator version.
 */
export async function generateCatalogue(server: BenchServer, size: number, log: (message: string) => void): Promise<GeneratedCatalogue> {
  const database = benchDatabaseName(size);
  const url = server.urlFor(database);
  if (await databaseExists(server.adminUrl, database)) {
    const meta = await readMeta(url);
    if (meta !== null && meta.size === size && meta.generator === catalogueFingerprint()) {
      log(`${database} already holds ${size.toLocaleString('en')} entries (${meta.generator}); skipping generation`);
      return { database, url, size, now: meta.now.getTime(), skipped: true, seconds: meta.seconds };
    }
    log(`${database} is incomplete or was built by another generator, schema or indexing; rebuilding it`);
    await dropDatabase(server.adminUrl, database);
  }
  const started = Date.now();
  await ensureDatabase(server.adminUrl, database);
  const dataSource = createDataSource(url, { poolSize: 1, applicationName: 'kim-bench-generate' });
  await dataSource.initialize();
  try {
    await runMigrations(dataSource);
    await seedDemoData(dataSource);
  } finally {
    await dataSource.destroy();
  }

  const now = Date.now();
  const variants = new CatalogueVariants(size, now);
  const pool = new pg.Pool({ connectionString: url, max: PARALLEL, application_name: 'kim-bench-generate' });
  // pool.end() resolves before idle connections have closed; a server stopping right after must not crash the run.
  pool.on('error', () => undefined);
  try {
    const people = await insertOrganisations(pool, variants);
    const indexes = await dropSecondaryIndexes(pool);

    log(`inserting ${size.toLocaleString('en')} entries with their revisions`);
    const vocabulary = new Map<string, number>();
    const inserted = progress(log, 'inserted', size);
    await inBatches(size, async (from, to) => {
      const entries: GeneratedEntry[] = [];
      for (let i = from; i < to; i++) {
        const entry = variants.entry(i);
        entries.push(entry);
        for (const word of vocabularyWords(searchableText(entry.content))) vocabulary.set(word, (vocabulary.get(word) ?? 0) + 1);
      }
      await insertEntries(pool, entries, people);
      inserted(to);
    });

    log(`vocabulary: ${vocabulary.size.toLocaleString('en')} words`);
    const words = [...vocabulary.keys()];
    for (let k = 0; k < words.length; k += 5000) {
      const chunk = words.slice(k, k + 5000);
      await pool.query(`INSERT INTO search_vocabulary (word, documents) SELECT * FROM unnest($1::text[], $2::int[])`, [chunk, chunk.map((w) => vocabulary.get(w))]);
    }

    // As DemoCatalogueSeeder's second pass: compounds split against the whole catalogue's vocabulary.
    const known = new Set(words);
    const splits = new Map<string, [string, string] | null>();
    const partsOf = (word: string): [string, string] | [] => {
      let split = splits.get(word);
      if (split === undefined) {
        split = splitCompound(word, known);
        splits.set(word, split);
      }
      return split ?? [];
    };
    log('computing the search columns');
    const indexed = progress(log, 'indexed', size);
    await inBatches(size, async (from, to) => {
      const ids: string[] = [];
      const revisions: string[] = [];
      const extras: string[] = [];
      for (let i = from; i < to; i++) {
        const entry = variants.entry(i);
        ids.push(entry.id);
        revisions.push(entry.revisionId);
        extras.push(searchExtraText(entry.content, vocabularyWords(searchableText(entry.content)).flatMap(partsOf)));
      }
      await pool.query(
        `UPDATE ai_system s SET published_revision_id = x.revision_id, ${searchColumnsSet('x.extra')}
         FROM organisation o, unnest($1::uuid[], $2::uuid[], $3::text[]) AS x(id, revision_id, extra)
         WHERE s.id = x.id AND o.id = s.organisation_id`,
        [ids, revisions, extras],
      );
      indexed(to);
    });

    log('compacting ai_system and rebuilding its indexes');
    await pool.query(`VACUUM FULL ai_system`);
    await Promise.all(
      [0, 1].map(async (lane) => {
        const client = await pool.connect();
        try {
          await client.query(`SET maintenance_work_mem = '1GB'`);
          for (const [k, definition] of indexes.entries()) if (k % PARALLEL === lane) await client.query(definition);
        } finally {
          client.release();
        }
      }),
    );
    await pool.query(`VACUUM (ANALYZE)`);

    const seconds = Math.round((Date.now() - started) / 1000);
    await pool.query(`CREATE TABLE bench_meta (size integer NOT NULL, generator text NOT NULL, reference_time timestamptz NOT NULL, seconds integer NOT NULL)`);
    await pool.query(`INSERT INTO bench_meta VALUES ($1, $2, $3, $4)`, [size, catalogueFingerprint(), new Date(now), seconds]);
    log(`${database}: ${size.toLocaleString('en')} entries generated in ${seconds} s`);
    return { database, url, size, now, skipped: false, seconds };
  } finally {
    await pool.end();
  }
}

/** The finished catalogue of `size` entries, or an error saying how to generate it. */
export async function requireCatalogue(server: BenchServer, size: number): Promise<GeneratedCatalogue> {
  const database = benchDatabaseName(size);
  const url = server.urlFor(database);
  const meta = (await databaseExists(server.adminUrl, database)) ? await readMeta(url) : null;
  if (meta === null || meta.size !== size || meta.generator !== catalogueFingerprint()) {
    throw new Error(`${database} holds no catalogue of this generator, schema and indexing: run node dist/bench/bench/generate.js ${size}`);
  }
  return { database, url, size, now: meta.now.getTime(), skipped: true, seconds: meta.seconds };
}

interface People {
  organisationId: string;
  publisherId: string;
  reviewerId: string;
}

/** The generated organisations with a publisher and a reviewer each (the demo ones exist already). */
async function insertOrganisations(pool: pg.Pool, variants: CatalogueVariants): Promise<People[]> {
  const orgs = variants.organisations;
  await pool.query(
    `INSERT INTO organisation (slug, name, level, state) SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[])
     ON CONFLICT (slug) DO NOTHING`,
    [orgs.map((o) => o.slug), orgs.map((o) => o.name), orgs.map((o) => o.level), orgs.map((o) => o.state)],
  );
  for (const role of ['publisher', 'reviewer'] as const) {
    const emails = orgs.map((o) => `${role}@${o.slug}.example`);
    await pool.query(
      `INSERT INTO app_user (issuer, subject, email, display_name, organisation_id, roles)
       SELECT $1, x.subject, x.email, x.email, o.id, $5::text[]
       FROM unnest($2::text[], $3::text[], $4::text[]) AS x(slug, email, subject) JOIN organisation o ON o.slug = x.slug
       ON CONFLICT (issuer, subject) DO NOTHING`,
      [LOCAL_ISSUER, orgs.map((o) => o.slug), emails, emails.map(demoSubject), [role.toUpperCase()]],
    );
  }
  const rows = await pool.query<People & { slug: string }>(
    `SELECT o.slug, o.id AS "organisationId", p.id AS "publisherId", r.id AS "reviewerId"
     FROM organisation o
     JOIN app_user p ON p.issuer = $1 AND p.email = 'publisher@' || o.slug || '.example'
     JOIN app_user r ON r.issuer = $1 AND r.email = 'reviewer@' || o.slug || '.example'`,
    [LOCAL_ISSUER],
  );
  const bySlug = new Map(rows.rows.map((row) => [row.slug, row]));
  return orgs.map((org) => {
    const people = bySlug.get(org.slug);
    if (people === undefined) throw new Error(`organisation ${org.slug} has no publisher or reviewer`);
    return people;
  });
}

/** Drops ai_system's non-constraint indexes and returns their definitions: one build after the load beats 1,000 updates. */
async function dropSecondaryIndexes(pool: pg.Pool): Promise<string[]> {
  const rows = await pool.query<{ name: string; definition: string }>(
    `SELECT i.indexrelid::regclass::text AS name, pg_get_indexdef(i.indexrelid) AS definition
     FROM pg_index i
     WHERE i.indrelid = 'ai_system'::regclass AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)`,
  );
  for (const row of rows.rows) await pool.query(`DROP INDEX ${row.name}`);
  return rows.rows.map((row) => row.definition);
}

async function insertEntries(pool: pg.Pool, entries: GeneratedEntry[], people: People[]): Promise<void> {
  const who = entries.map((entry) => {
    const found = people[entry.organisation];
    if (found === undefined) throw new Error(`no people for organisation ${entry.organisation}`);
    return found;
  });
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    await client.query(
      `INSERT INTO ai_system (id, slug, organisation_id, status, draft, published, created_by, updated_by, created_at, updated_at,
                              first_published_at, published_at, listed)
       SELECT x.id, x.slug, x.organisation_id, 'PUBLISHED', x.content::jsonb, x.content::jsonb, x.publisher, x.publisher, x.at, x.at, x.at, x.at, true
       FROM unnest($1::uuid[], $2::text[], $3::uuid[], $4::text[], $5::uuid[], $6::timestamptz[]) AS x(id, slug, organisation_id, content, publisher, at)`,
      [
        entries.map((e) => e.id),
        entries.map((e) => e.slug),
        who.map((w) => w.organisationId),
        entries.map((e) => JSON.stringify(e.content)),
        who.map((w) => w.publisherId),
        entries.map((e) => e.publishedAt),
      ],
    );
    await client.query(
      `INSERT INTO ai_system_revision (id, ai_system_id, number, content, submitted_by, submitted_at, outcome, reviewed_by, reviewed_at)
       SELECT x.revision_id, s.id, 1, s.published, s.created_by, s.published_at, 'APPROVED', x.reviewer, s.published_at
       FROM unnest($1::uuid[], $2::uuid[], $3::uuid[]) AS x(id, revision_id, reviewer) JOIN ai_system s ON s.id = x.id`,
      [entries.map((e) => e.id), entries.map((e) => e.revisionId), who.map((w) => w.reviewerId)],
    );
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK');
    throw error;
  } finally {
    client.release();
  }
}

if (isEntryPoint(import.meta.url)) {
  const size = parseSize(process.argv[2]);
  const server = await openBenchServer(logLine);
  try {
    await generateCatalogue(server, size, logLine);
  } finally {
    await server.stop();
  }
}

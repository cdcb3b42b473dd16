import { Injectable } from '@nestjs/common';
import { assertCursorFits, BadUserInput, encodeCursor, LruCache, parsePageRequest, toGlobalId, type Actor } from '@app/common';
import { TransactionService, type OrganisationEntity } from '@app/data';
import type { AiSystem } from './ai-system.type.js';
import { EntryQueryService } from './entry-query.service.js';
import { entryColumnsWithOwnDrafts, omittedContentKeys, viewerApprovedSql, type EntryRow } from './entry-store.js';
import { compoundCandidates, splitCompound } from './german-compounds.js';
import { AiSystemOrder, type SearchAiSystemsArgs } from './search.inputs.js';
import { facetColumns, facetFields, filterConditions, headlineOptions, highlightHtml, htmlEscapedSql, queryWords, SqlParams, tsQuerySql, tsQueryText, whereAll, type FilterField } from './search-query.js';
import type { AiSystemSearchResult, SearchFacet, SearchHighlight } from './search.types.js';

/**
 * Relevance ranks at most this many matches in the name or short description plus as many others, so very
 * common words stay as fast as rare ones while strong matches are never left out for weak ones.
 */
export const RANK_CANDIDATES = 2000;

/** Queries whose totals and facet counts are kept per api process. */
const FACET_CACHE_SIZE = 1000;
/** Queries whose ranked candidates (up to 2 × RANK_CANDIDATES ids and scores) are kept per api process. */
const RANKED_CACHE_SIZE = 200;
/** Query word lists whose vocabulary lookup (known compound parts, typo suggestion) is kept per api process. */
const VOCABULARY_CACHE_SIZE = 1000;
/** Pages of query results whose highlights are kept per api process (ts_headline is most of a kept page's cost). */
const HEADLINE_CACHE_SIZE = 1000;

interface PageRow extends EntryRow {
  score: number | null;
  /** The owning organisation, read with the page so the hits need no statement of their own for it. */
  organisationName: string;
  organisationSlug: string;
  organisationLevel: OrganisationEntity['level'];
  organisationState: OrganisationEntity['state'];
  organisationCreatedAt: Date;
  /** Relevance only: on the first row the new ranked list when it was ranked anew. */
  rankedIds?: string[] | null;
  rankedScores?: number[] | null;
  sortValue: string | number;
  nameHeadline: string | null;
  shortHeadline: string | null;
}

/** A page and the catalogue generation it was read at (what kept vocabulary, counts and ranking are checked against). */
interface PageRead {
  rows: PageRow[];
  generation: string;
}

interface PageRequest {
  args: SearchAiSystemsArgs;
  terms: SearchTerms;
  order: AiSystemOrder;
  page: ReturnType<typeof parsePageRequest>;
  viewer: Viewer;
}

const orderSql: Record<AiSystemOrder, { key: string; keyKind: 'float' | 'timestamp' | 'text'; descending: boolean }> = {
  [AiSystemOrder.RELEVANCE]: { key: 'c.score', keyKind: 'float', descending: true },
  [AiSystemOrder.NEWEST]: { key: 's.published_at', keyKind: 'timestamp', descending: true },
  [AiSystemOrder.NAME]: { key: 'lower(s.name)', keyKind: 'text', descending: false },
  [AiSystemOrder.RATING]: { key: 'coalesce(s.rating_average, 0)', keyKind: 'float', descending: true },
};

const cursorCast: Record<AiSystemOrder, string> = {
  [AiSystemOrder.RELEVANCE]: '::float8',
  [AiSystemOrder.NEWEST]: '::timestamptz',
  [AiSystemOrder.NAME]: '::text',
  [AiSystemOrder.RATING]: '::numeric',
};

/** The value a cursor carries for each order, as text PostgreSQL compares exactly (microseconds kept). */
const cursorValueSql: Record<AiSystemOrder, string> = {
  [AiSystemOrder.RELEVANCE]: 'c.score',
  [AiSystemOrder.NEWEST]: `to_char(s.published_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`,
  [AiSystemOrder.NAME]: 'lower(s.name)',
  [AiSystemOrder.RATING]: 'coalesce(s.rating_average, 0)::float8',
};

/**
 * searchAiSystems: full text over the published entries (German and English stems, compounds, prefixes),
 * filters, facets without their own filter, keyset pages, highlights and a typo suggestion — in at most
 * four SQL statements whatever the number of hits, one when what is kept per catalogue generation is current
 * (ADR 0005).
 */
@Injectable()
export class EntrySearchService {
  constructor(
    private readonly tx: TransactionService,
    private readonly entries: EntryQueryService,
  ) {}

  private readonly facetCache = new LruCache<FacetCounts>(FACET_CACHE_SIZE);
  private readonly rankCache = new LruCache<RankedCandidates>(RANKED_CACHE_SIZE);
  private readonly vocabularyCache = new LruCache<Vocabulary>(VOCABULARY_CACHE_SIZE);
  private readonly headlineCache = new LruCache<KeptHeadlines>(HEADLINE_CACHE_SIZE);
  /**
   * Counts and rankings being computed, per key: identical searches arriving meanwhile wait for them instead of
   * computing the same again (after a catalogue change every popular query is cold at once).
   */
  private readonly facetsInFlight = new Map<string, Promise<FacetCounts>>();
  private readonly rankingInFlight = new Map<string, Promise<PageRead>>();

  /**
   * Statements: in the steady state (vocabulary, counts and ranking kept for the current catalogue generation) one,
   * the page, which reports the generation it read; the vocabulary and the counts are read only when nothing is
   * kept for the query or what is kept is of an older generation. At most four whatever happens.
   * `publishedFields`: the fields of the hits' published content the query selects (null: all).
   */
  async search(args: SearchAiSystemsArgs, actor: Actor | null, publishedFields: readonly string[] | null = null): Promise<AiSystemSearchResult> {
    const page = parsePageRequest(args);
    if (!page.forward) throw BadUserInput.field('last', 'search pages forward: use first and after');
    const words = queryWords(args.query);
    const order = args.orderBy ?? (words ? AiSystemOrder.RELEVANCE : AiSystemOrder.NEWEST);
    if (order === AiSystemOrder.RELEVANCE && !words) throw BadUserInput.field('orderBy', 'RELEVANCE needs a query');
    const { keyKind } = orderSql[order];
    assertCursorFits(page, keyKind, 'uuid');
    const viewer = { organisationId: actor?.organisationId ?? null, publishedFields };

    let vocabulary = words ? await this.vocabulary(words, false) : null;
    let terms = searchTerms(words, vocabulary);
    const request = (): PageRequest => ({ args, terms, order, page, viewer });
    // A page of a kept ranking is read with a short statement; should the catalogue have moved on since (stale), the
    // vocabulary is looked up again if it was kept, and the page read with ranking.
    const readPage = async (): Promise<PageRead> => {
      const kept = await this.keptRankingPage(request());
      if (kept !== 'stale') return kept ?? this.page(request());
      if (words !== null && vocabulary?.kept === true) {
        vocabulary = await this.vocabulary(words, true);
        terms = searchTerms(words, vocabulary);
      }
      return this.page(request());
    };
    let read: PageRead;
    let facets: FacetCounts;
    if (vocabulary?.kept !== true && !this.facetCache.has(facetKey(terms.tsQuery, args))) {
      // Nothing kept for this query: count while the page is read, then make sure both saw the same catalogue.
      [read, facets] = await Promise.all([this.page(request()), this.facets(terms.tsQuery, args, undefined)]);
      if (facets.generation !== read.generation) facets = await this.facets(terms.tsQuery, args, read.generation);
    } else {
      read = await readPage();
      if (words !== null && vocabulary?.kept === true && read.generation !== vocabulary.generation) {
        // The catalogue changed since the vocabulary was kept: look again, and read the page again should the
        // query now be another.
        vocabulary = await this.vocabulary(words, true);
        const fresh = searchTerms(words, vocabulary);
        if (fresh.tsQuery !== terms.tsQuery) {
          terms = fresh;
          read = await this.page(request());
        }
      }
      facets = await this.facets(terms.tsQuery, args, read.generation);
    }

    const rows = read.rows;
    const hasMore = rows.length > page.limit;
    const pageRows = rows.slice(0, page.limit);
    const operator = { organisationId: null };
    const edges = pageRows.flatMap((row) => {
      const node = this.entries.view(row, actor, operator);
      if (node === null) return [];
      node.loadedOrganisation = organisationOf(row);
      return [{ cursor: encodeCursor(row.sortValue, row.id), node, highlights: this.highlights(row), score: row.score }];
    });
    const totalCount = facets.total;
    const didYouMean = totalCount === 0 && vocabulary?.suggestion ? vocabulary.suggestion : null;
    return {
      edges,
      nodes: edges.map((edge) => edge.node as AiSystem),
      totalCount,
      facets: facets.facets,
      didYouMean,
      pageInfo: {
        hasNextPage: hasMore,
        hasPreviousPage: page.cursor !== null,
        startCursor: edges[0]?.cursor ?? null,
        endCursor: edges.at(-1)?.cursor ?? null,
      },
    };
  }

  /**
   * Which query words and compound parts the catalogue knows, and the nearest word for unknown ones: kept per word
   * list with the generation it was read at (`fresh` reads it again). One statement when read.
   */
  private async vocabulary(words: string[], fresh: boolean): Promise<Vocabulary & { kept: boolean }> {
    const key = words.join(' ');
    const kept = fresh ? undefined : this.vocabularyCache.get(key);
    if (kept !== undefined) return { ...kept, kept: true };
    const parts = words.flatMap((word) => compoundCandidates(word).flatMap(([lefts, right]) => [...lefts, right]));
    const [row]: Array<{ generation: string; known: string[]; corrections: Record<string, string> }> = await this.tx.manager.query(
      `SELECT (SELECT value FROM catalogue_generation)::text AS generation,
              ARRAY(SELECT v.word FROM search_vocabulary v WHERE v.word = ANY($1::text[]) AND v.documents > 0) AS known,
              (SELECT coalesce(jsonb_object_agg(w.word, s.word), '{}'::jsonb)
               FROM unnest($2::text[]) AS w(word),
                    LATERAL (SELECT v.word FROM search_vocabulary v WHERE v.documents > 0 AND v.word % w.word
                             ORDER BY similarity(v.word, w.word) DESC, v.documents DESC, v.word LIMIT 1) s
               WHERE NOT EXISTS (SELECT 1 FROM search_vocabulary v WHERE v.word = w.word AND v.documents > 0)) AS corrections`,
      [[...new Set([...words, ...parts])], words],
    );
    const known = new Set(row?.known ?? []);
    const corrections = new Map(Object.entries(row?.corrections ?? {}));
    const splits = new Map<string, [string, string]>();
    for (const word of words) {
      const split = splitCompound(word, known);
      if (split) splits.set(word, split);
    }
    const suggestion = corrections.size === 0 ? null : words.map((word) => corrections.get(word) ?? word).join(' ');
    const vocabulary = { splits, suggestion, generation: row?.generation ?? '' };
    this.vocabularyCache.set(key, vocabulary);
    return { ...vocabulary, kept: false };
  }

  /**
   * Relevance: a page of the ranking kept for the query with a short statement (the kept ids and scores, no
   * ranking); 'stale' when the catalogue moved on since the ranking was kept, undefined when none is kept.
   */
  private async keptRankingPage(p: PageRequest): Promise<PageRead | 'stale' | undefined> {
    const { args, terms, order, page, viewer } = p;
    if (order !== AiSystemOrder.RELEVANCE || terms.tsQuery === null) return undefined;
    const rankKey = rankKeyOf(terms, args);
    const kept = this.rankCache.get(rankKey);
    if (kept === undefined) return undefined;
    const window = keptWindow(kept, page.cursor, page.limit + 1);
    const pageKey = pageKeyOf(rankKey, order, page);
    const keptHeadlines = this.headlineCache.get(pageKey);
    const params = new SqlParams();
    const q = params.add(terms.tsQuery);
    const read = await this.readWithGeneration(
      `SELECT ${selectList(params, viewer, q, keptHeadlines)}, k.score, k.score AS "sortValue", k.n AS "pageOrder"
       FROM unnest(${params.add(window.ids)}::uuid[], ${params.add(window.scores)}::float8[]) WITH ORDINALITY AS k(id, score, n)
       JOIN ai_system s ON s.id = k.id JOIN organisation o ON o.id = s.organisation_id,
       (SELECT ${tsQuerySql(q)} AS q) q`,
      params.values,
      true,
    );
    if (read.generation !== kept.generation) return 'stale';
    this.keepHeadlines(pageKey, keptHeadlines, read);
    return read;
  }

  /**
   * Runs a page statement whose rows carry their place in "pageOrder" so that it answers with the catalogue
   * generation also when the page is empty (one row of the generation only then): kept vocabulary, counts and
   * ranking are checked against it however many hits. `prepared`: the statement's plan does not hinge on its
   * parameters (a kept ranking's ids, browsing without query or filters), so each connection prepares it once.
   */
  private async readWithGeneration(pageSql: string, params: unknown[], prepared: boolean): Promise<PageRead> {
    const sql = `WITH page AS MATERIALIZED (${pageSql})
       SELECT p.*, g.value::text AS generation FROM catalogue_generation g LEFT JOIN page p ON true ORDER BY p."pageOrder"`;
    const rows: Array<PageRow & { generation: string }> = prepared ? await this.tx.queryPrepared(sql, params) : await this.tx.manager.query(sql, params);
    const [first] = rows;
    // An empty page is the one row of the generation alone.
    const empty = first === undefined || (first.id as string | null) === null;
    return { rows: empty ? [] : rows, generation: first?.generation ?? '' };
  }

  private async page(p: PageRequest): Promise<PageRead> {
    const { args, terms, order, page, viewer } = p;
    const { key, descending } = orderSql[order];
    const strongTsQuery = terms.strong;
    const params = new SqlParams();
    const q = terms.tsQuery === null ? null : params.add(terms.tsQuery);
    const conditions = filterConditions(args.filter, params);
    const match = q === null ? '' : ' AND s.search_vector @@ q.q';
    const withQuery = q === null ? '' : `, (SELECT ${tsQuerySql(q)} AS q) q`;
    // Taken before anything but the query and the filters is in params: what the ranked candidates depend on.
    const rankKey = rankKeyFrom(strongTsQuery, conditions, params);
    const direction = descending ? 'DESC' : 'ASC';
    const limit = params.add(page.limit + 1);
    // Highlights depend on the query and the entry's published text only: kept per page and catalogue generation.
    const pageKey = pageKeyOf(rankKey, order, page);
    const keptHeadlines = q === null ? undefined : this.headlineCache.get(pageKey);
    const selected = selectList(params, viewer, q, keptHeadlines);
    const where = `s.listed${match} AND ${whereAll(conditions)}`;
    let sql: string;
    let ranking = false;
    if (order === AiSystemOrder.RELEVANCE) {
      // A ranking of this query under way: wait for it and read a page of it (unless the catalogue moves on).
      await this.rankingInFlight.get(rankKey)?.catch(() => undefined);
      ranking = !this.rankCache.has(rankKey);
      sql = this.relevancePageSql({ params, conditions, page, q, strongTsQuery, limit, selected, rankKey });
    } else {
      const score = q === null ? 'NULL::float8' : 'ts_rank(s.search_vector, q.q)::float8';
      const after = page.cursor
        ? ` AND (${key}, s.id) ${descending ? '<' : '>'} (${params.add(page.cursor.v)}${cursorCast[order]}, ${params.add(page.cursor.i)}::uuid)`
        : '';
      const orderBy = `ORDER BY ${key} ${direction}, s.id ${direction}`;
      const columns = `${selected}, ${score} AS score, ${cursorValueSql[order]} AS "sortValue", row_number() OVER (${orderBy}) AS "pageOrder"`;
      if (conditions.size === 0) {
        sql = `SELECT ${columns} FROM ai_system s JOIN organisation o ON o.id = s.organisation_id${withQuery} WHERE ${where}${after} ${orderBy} LIMIT ${limit}`;
      } else {
        // With filters the page's ids come first, from the order's covering index alone (it holds every filter
        // column): a filter few entries pass otherwise reads thousands of wide rows to find a page.
        sql = `
          SELECT ${columns}
          FROM (SELECT s.id FROM ai_system s${withQuery} WHERE ${where}${after} ${orderBy} LIMIT ${limit}) page
          JOIN ai_system s ON s.id = page.id JOIN organisation o ON o.id = s.organisation_id${withQuery}`;
      }
    }
    // Browsing without filters walks the order's index whatever the parameters: prepared once per connection.
    const reading = this.readWithGeneration(sql, params.values, order !== AiSystemOrder.RELEVANCE && q === null && conditions.size === 0);
    const read = ranking ? await this.shared(this.rankingInFlight, rankKey, reading) : await reading;
    const ranked = read.rows[0];
    if (order === AiSystemOrder.RELEVANCE) {
      if (ranked?.rankedIds && ranked.rankedScores) {
        this.rankCache.set(rankKey, { generation: read.generation, ids: ranked.rankedIds, scores: ranked.rankedScores });
      } else if (ranked === undefined && page.cursor === null) {
        // Nothing matches (a typo): kept as an empty ranking, so asking again reads the short statement.
        this.rankCache.set(rankKey, { generation: read.generation, ids: [], scores: [] });
      }
    }
    if (q !== null && ranked !== undefined) this.keepHeadlines(pageKey, keptHeadlines, read);
    return read;
  }

  /** Fills in the highlights the statement left out as kept, and keeps this page's for the generation it was read at. */
  private keepHeadlines(pageKey: string, kept: KeptHeadlines | undefined, { rows, generation }: PageRead): void {
    const byId = new Map<string, { name: string | null; short: string | null }>();
    for (const row of rows) {
      const known = kept?.generation === generation ? kept.byId.get(row.id) : undefined;
      if (known !== undefined && row.nameHeadline === null && row.shortHeadline === null) {
        row.nameHeadline = known.name;
        row.shortHeadline = known.short;
      }
      byId.set(row.id, { name: row.nameHeadline, short: row.shortHeadline });
    }
    this.headlineCache.set(pageKey, { generation, byId });
  }

  /**
   * Relevance ranks the candidates (strong matches first, RANK_CANDIDATES of each kind) and keeps the ranked list
   * per catalogue generation, so the next page or the same query again does not rank anew: the statement gets the
   * page's slice of the kept list and ranks only when the catalogue moved on since (a one-time filter in
   * PostgreSQL), handing back the new list with the first row.
   */
  private relevancePageSql(p: {
    params: SqlParams;
    conditions: Map<FilterField, string>;
    page: ReturnType<typeof parsePageRequest>;
    q: string | null;
    strongTsQuery: string | null;
    limit: string;
    selected: string;
    rankKey: string;
  }): string {
    const { params, conditions, page, q, strongTsQuery, limit, selected, rankKey } = p;
    const kept = this.rankCache.get(rankKey);
    const window = kept === undefined ? { ids: [], scores: [] } : keptWindow(kept, page.cursor, page.limit + 1);
    const keptGeneration = params.add(kept?.generation ?? null);
    const cap = params.add(RANK_CANDIDATES);
    const strong = params.add(strongTsQuery);
    const filters = whereAll(conditions);
    const after = page.cursor ? ` AND (c.score, c.id) < (${params.add(page.cursor.v)}::float8, ${params.add(page.cursor.i)}::uuid)` : '';
    const pageOrder = 'row_number() OVER (ORDER BY c.score DESC, c.id DESC)';
    const first = `${pageOrder} = 1`;
    return `
      WITH g AS (SELECT value FROM catalogue_generation), q AS (
        SELECT ${tsQuerySql(q ?? 'NULL')} AS q, ${tsQuerySql(strong)} AS strong
      ), ids AS (
        (SELECT s.id FROM ai_system s, q WHERE s.listed AND s.search_vector @@ q.strong AND ${filters} LIMIT ${cap})
        UNION
        (SELECT s.id FROM ai_system s, q WHERE s.listed AND s.search_vector @@ q.q AND ${filters} LIMIT ${cap})
      ), fresh AS MATERIALIZED (
        SELECT s.id, ts_rank(s.search_vector, q.q)::float8 AS score FROM ids JOIN ai_system s ON s.id = ids.id, q
        WHERE (SELECT value FROM g) IS DISTINCT FROM ${keptGeneration}::bigint
      ), c AS (
        SELECT f.id, f.score FROM fresh f
        UNION ALL
        SELECT k.id, k.score FROM unnest(${params.add(window.ids)}::uuid[], ${params.add(window.scores)}::float8[]) AS k(id, score)
        WHERE (SELECT value FROM g) IS NOT DISTINCT FROM ${keptGeneration}::bigint
      ), top AS (
        SELECT c.id, c.score FROM c WHERE true${after} ORDER BY c.score DESC, c.id DESC LIMIT ${limit}
      )
      SELECT ${selected}, c.score, c.score AS "sortValue", ${pageOrder} AS "pageOrder",
             CASE WHEN ${first} THEN (SELECT array_agg(f.id ORDER BY f.score DESC, f.id DESC) FROM fresh f) END AS "rankedIds",
             CASE WHEN ${first} THEN (SELECT array_agg(f.score ORDER BY f.score DESC, f.id DESC) FROM fresh f) END AS "rankedScores"
      FROM top c JOIN ai_system s ON s.id = c.id JOIN organisation o ON o.id = s.organisation_id, q
      ORDER BY c.score DESC, c.id DESC`;
  }

  /**
   * One statement: the total and, per facet, counts for everything but the facet's own filter. The counts depend
   * on the query and the filters only (they count listed entries, which everybody may see), so they are kept per
   * catalogue generation: the statement always reads the generation and computes the counts only when the kept
   * ones are of another generation (PostgreSQL skips the aggregates through a one-time filter). No statement at all
   * when the caller read the current `generation` already (with the page) and the kept counts are of it.
   */
  private async facets(tsQuery: string | null, args: SearchAiSystemsArgs, current: string | undefined): Promise<FacetCounts> {
    const key = facetKey(tsQuery, args);
    const kept = this.facetCache.get(key);
    if (kept !== undefined && current !== undefined && kept.generation === current) return kept;
    const running = this.facetsInFlight.get(key);
    if (running !== undefined) {
      const counted = await running.catch(() => undefined);
      // Without a current generation the caller compares the counts' generation with its page's.
      if (counted !== undefined && (current === undefined || counted.generation === current)) return counted;
    }
    return this.shared(this.facetsInFlight, key, this.countFacets(key, tsQuery, args, kept));
  }

  /** Registers `work` as under way for `key` until it settles. */
  private async shared<T>(inFlight: Map<string, Promise<T>>, key: string, work: Promise<T>): Promise<T> {
    inFlight.set(key, work);
    try {
      return await work;
    } finally {
      if (inFlight.get(key) === work) inFlight.delete(key);
    }
  }

  private async countFacets(key: string, tsQuery: string | null, args: SearchAiSystemsArgs, kept: FacetCounts | undefined): Promise<FacetCounts> {
    const params = new SqlParams();
    const q = tsQuery === null ? null : params.add(tsQuery);
    const conditions = filterConditions(args.filter, params);
    const stale = `(SELECT value FROM g) IS DISTINCT FROM ${params.add(kept?.generation ?? null)}::bigint`;
    const columns = ['rating_average', ...facetFields.map((field) => facetColumns[field].column)].map((column) => `s.${column}`).join(', ');
    const matched =
      q === null
        ? `SELECT ${columns} FROM ai_system s WHERE s.listed`
        : `SELECT ${columns} FROM ai_system s WHERE s.listed AND s.search_vector @@ (${tsQuerySql(q)})`;
    const selects = [
      `SELECT '__generation' AS field, g.value::text AS value, 0 AS count FROM g`,
      `SELECT '__total', NULL, count(*)::int FROM m s WHERE ${stale} AND ${whereAll(conditions)}`,
    ];
    for (const field of facetFields) {
      const { column, shape } = facetColumns[field];
      const where = `${stale} AND ${whereAll(conditions, field)}`;
      selects.push(
        shape === 'array'
          ? `SELECT '${field}', v, count(*)::int FROM m s, unnest(s.${column}) v WHERE ${where} GROUP BY v`
          : `SELECT '${field}', s.${column}::text, count(*)::int FROM m s WHERE ${where} AND s.${column} IS NOT NULL GROUP BY s.${column}`,
      );
    }
    const rows: Array<{ field: string; value: string | null; count: number }> = await this.tx.manager.query(
      `WITH g AS (SELECT value FROM catalogue_generation), m AS MATERIALIZED (${matched}) ${selects.join(' UNION ALL ')}`,
      params.values,
    );
    const generation = rows.find((row) => row.field === '__generation')?.value ?? null;
    if (kept !== undefined && generation === kept.generation) return kept;
    const counts = { ...facetCounts(rows), generation };
    this.facetCache.set(key, counts);
    return counts;
  }

  private highlights(row: PageRow): SearchHighlight[] {
    const found: SearchHighlight[] = [];
    if (row.nameHeadline?.includes('\u0001')) found.push({ field: 'name', html: highlightHtml(row.nameHeadline) });
    if (row.shortHeadline?.includes('\u0001')) found.push({ field: 'shortDescription', html: highlightHtml(row.shortHeadline) });
    return found;
  }
}

interface Vocabulary {
  /** Query words the catalogue knows as a compound of two known words. */
  splits: Map<string, [string, string]>;
  /** The query with unknown words replaced by the nearest known ones; null when every word is known. */
  suggestion: string | null;
  /** The catalogue generation it was read at. */
  generation: string;
}

/** Who reads the page and what of the hits' content they ask for. */
interface Viewer {
  organisationId: string | null;
  /** Fields of the published content the query selects; null for all. */
  publishedFields: readonly string[] | null;
}

interface KeptHeadlines {
  /** The catalogue generation they were made at. */
  generation: string;
  byId: Map<string, { name: string | null; short: string | null }>;
}

interface SearchTerms {
  /** Every part of the entries. */
  tsQuery: string | null;
  /** Name and short description only (weights A and B): the strong matches relevance ranks first. */
  strong: string | null;
}

function searchTerms(words: string[] | null, vocabulary: Vocabulary | null): SearchTerms {
  if (words === null || vocabulary === null) return { tsQuery: null, strong: null };
  return { tsQuery: tsQueryText(words, vocabulary.splits), strong: tsQueryText(words, vocabulary.splits, 'AB') };
}

/** What a ranking depends on: the query (all of it and its strong part) and the filters. */
function rankKeyOf(terms: SearchTerms, args: SearchAiSystemsArgs): string {
  const params = new SqlParams();
  if (terms.tsQuery !== null) params.add(terms.tsQuery);
  return rankKeyFrom(terms.strong, filterConditions(args.filter, params), params);
}

/** rankKeyOf from the filter conditions and parameters a statement built: the query's, then the filters' only. */
function rankKeyFrom(strong: string | null, conditions: Map<FilterField, string>, params: SqlParams): string {
  return JSON.stringify([strong, [...conditions.values()], params.values]);
}

/** What a page's highlights depend on: its ranking's key, the order and where the page starts and ends. */
function pageKeyOf(rankKey: string, order: AiSystemOrder, page: ReturnType<typeof parsePageRequest>): string {
  return JSON.stringify([rankKey, order, page.cursor, page.limit]);
}

/** What facet counts depend on: the query and the filters. */
function facetKey(tsQuery: string | null, args: SearchAiSystemsArgs): string {
  const params = new SqlParams();
  if (tsQuery !== null) params.add(tsQuery);
  const conditions = filterConditions(args.filter, params);
  return JSON.stringify([tsQuery, [...conditions.keys()], params.values]);
}

/**
 * A page's select list: the entry (drafts only of the viewer's own), its organisation (alias o), the highlights
 * for query `q` (NULL for those kept: `kept` holds them, valid while the catalogue generation is still theirs),
 * and whether the viewer holds an approved reuse request.
 */
function selectList(params: SqlParams, viewer: Viewer, q: string | null, kept: KeptHeadlines | undefined): string {
  const viewerParam = viewer.organisationId === null ? null : params.add(viewer.organisationId);
  const omitted = viewer.publishedFields === null ? null : params.add(omittedContentKeys(viewer.publishedFields));
  const approved = `${viewerParam === null ? 'false' : viewerApprovedSql(viewerParam)} AS "viewerApproved"`;
  let headlines = 'NULL AS "nameHeadline", NULL AS "shortHeadline"';
  if (q !== null) {
    const options = params.add(headlineOptions);
    const known =
      kept === undefined
        ? 'false'
        : `s.id = ANY(${params.add([...kept.byId.keys()])}::uuid[]) AND (SELECT value FROM catalogue_generation) = ${params.add(kept.generation)}::bigint`;
    const headline = (field: string) =>
      `CASE WHEN ${known} THEN NULL ELSE ts_headline('german', ${htmlEscapedSql(`coalesce(s.published->>'${field}', '')`)}, q.q, ${options}) END`;
    headlines = `${headline('name')} AS "nameHeadline", ${headline('shortDescription')} AS "shortHeadline"`;
  }
  return `${entryColumnsWithOwnDrafts(viewerParam, omitted)}, ${organisationColumns}, ${headlines}, ${approved}`;
}

/** The owning organisation's columns, read with the page (alias o). */
const organisationColumns = `o.name AS "organisationName", o.slug AS "organisationSlug", o.level AS "organisationLevel",
  o.state AS "organisationState", o.created_at AS "organisationCreatedAt"`;

function organisationOf(row: PageRow): OrganisationEntity {
  return {
    id: row.organisationId,
    name: row.organisationName,
    slug: row.organisationSlug,
    level: row.organisationLevel,
    state: row.organisationState,
    createdAt: row.organisationCreatedAt,
  };
}

interface RankedCandidates {
  generation: string;
  /** Best first: score descending, then id descending, as the page statement orders. */
  ids: string[];
  scores: number[];
}

/** The kept candidates after `cursor` (score, id), at most `size` of them. */
function keptWindow(kept: RankedCandidates, cursor: { v: string | number; i: string } | null, size: number): { ids: string[]; scores: number[] } {
  let start = 0;
  if (cursor !== null) {
    const score = Number(cursor.v);
    const id = cursor.i.toLowerCase();
    start = kept.ids.findIndex((candidate, k) => {
      const candidateScore = kept.scores[k] ?? 0;
      return candidateScore < score || (candidateScore === score && candidate < id);
    });
    if (start === -1) start = kept.ids.length;
  }
  return { ids: kept.ids.slice(start, start + size), scores: kept.scores.slice(start, start + size) };
}

interface FacetCounts {
  total: number;
  facets: SearchFacet[];
  /** The catalogue generation the counts were taken at. */
  generation: string | null;
}

/** The total and the facets out of the statement's rows (field, value, count). */
function facetCounts(rows: Array<{ field: string; value: string | null; count: number }>): Omit<FacetCounts, 'generation'> {
  const byField = new Map<string, Array<{ value: string; count: number }>>();
  let total = 0;
  for (const row of rows) {
    if (row.field === '__generation') continue;
    if (row.field === '__total') {
      total = row.count;
      continue;
    }
    const value = row.field === 'organisation' ? toGlobalId('Organisation', row.value ?? '') : (row.value ?? '');
    byField.set(row.field, [...(byField.get(row.field) ?? []), { value, count: row.count }]);
  }
  const facets = facetFields.map((field) => {
    const values = (byField.get(field) ?? []).sort((a, b) => b.count - a.count || a.value.localeCompare(b.value));
    return { field, values, valueCount: values.length };
  });
  return { total, facets };
}

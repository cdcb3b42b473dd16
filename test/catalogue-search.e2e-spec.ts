import { fromGlobalId, Role, toGlobalId } from '@app/common';
import { seedDemoData } from '@app/data';
import { DemoCatalogueSeeder } from '../apps/api/src/catalogue/demo-catalogue.seed.js';
import type { OrganisationEntity } from '@app/data';
import { completeContent, createTestApp, makeOrganisation, makeUser, type GraphQLResponse, type MadeUser, type TestApp } from '@app/testing';

/** The search contract: at most this many SQL statements per request, however many hits. */
const MAX_STATEMENTS = 5;

const DRAFT_SLUGS = ['arbeitsschutz-unfallschwerpunkte', 'zuordnung-buergeranfragen', 'steuer-assistent-buergeranfragen'];

const SEARCH = `query Search($query: String, $filter: AiSystemFilter, $orderBy: AiSystemOrder, $first: Int, $last: Int, $after: String) {
  searchAiSystems(query: $query, filter: $filter, orderBy: $orderBy, first: $first, last: $last, after: $after) {
    totalCount
    didYouMean
    edges { cursor score node { id slug publishedAt published { name } } highlights { field html } }
    pageInfo { hasNextPage hasPreviousPage endCursor }
    facets(first: 100) { field valueCount values { value count } }
  }
}`;

interface Hit {
  cursor: string;
  score: number | null;
  node: { id: string; slug: string; publishedAt: string; published: { name: string } };
  highlights: Array<{ field: string; html: string }>;
}

interface SearchResult {
  totalCount: number;
  didYouMean: string | null;
  edges: Hit[];
  pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean; endCursor: string | null };
  facets: Array<{ field: string; valueCount: number; values: Array<{ value: string; count: number }> }>;
}

type Variables = Record<string, unknown>;

async function search(t: TestApp, token: string | undefined, variables: Variables): Promise<SearchResult> {
  const res = await t.gql<{ searchAiSystems: SearchResult }>(SEARCH, { first: 100, ...variables }, token);
  if (res.errors !== undefined || !res.data) throw new Error(`search ${JSON.stringify(variables)} failed: ${JSON.stringify(res.errors)}`);
  return res.data.searchAiSystems;
}

const slugsOf = (result: SearchResult): string[] => result.edges.map((edge) => edge.node.slug);

/** The fields named by a BAD_USER_INPUT answer; anything else (and any 5xx) fails the test. */
function badInputFields(res: GraphQLResponse): string[] {
  expect(res.status).toBeLessThan(500);
  expect(res.errors?.map((error) => error.extensions.code)).toEqual(['BAD_USER_INPUT']);
  expect(res.data?.searchAiSystems ?? null).toBeNull();
  const fields = res.errors?.[0]?.extensions.fields as Array<{ field: string }> | undefined;
  return (fields ?? []).map((problem) => problem.field);
}

const cursorOf = (payload: unknown): string => Buffer.from(JSON.stringify(payload), 'utf8').toString('base64url');

async function seededApp(env: Record<string, string> = {}): Promise<TestApp> {
  const t = await createTestApp(env);
  await seedDemoData(t.dataSource);
  await t.app.get(DemoCatalogueSeeder).seed();
  return t;
}

/** A reader's token: an agency user without roles in an organisation of its own. */
async function readerToken(t: TestApp): Promise<string> {
  return t.tokenFor(await makeUser(t.dataSource, { roles: [] }));
}

// ------------------------------------------------------------------------------------ direct SQL for filters and facets

type FacetField =
  | 'lifecycle'
  | 'aiActRiskClass'
  | 'organisation'
  | 'governmentLevel'
  | 'state'
  | 'policyArea'
  | 'aiTechnique'
  | 'licence'
  | 'deploymentMode'
  | 'language'
  | 'processesPersonalData'
  | 'hasSourceCode'
  | 'reusePotential';

/**
 * Each facet read straight from the published content and the owning organisation (not from the search's own
 * columns): the values an entry has, and the condition a filter on the field puts on it.
 */
const facetSql: Record<FacetField, { values: string; where: (param: string) => string }> = {
  lifecycle: { values: `SELECT s.published->>'lifecycle'`, where: (p) => `s.published->>'lifecycle' = ANY(${p}::text[])` },
  aiActRiskClass: { values: `SELECT s.published->>'aiActRiskClass'`, where: (p) => `s.published->>'aiActRiskClass' = ANY(${p}::text[])` },
  organisation: { values: `SELECT s.organisation_id::text`, where: (p) => `s.organisation_id = ANY(${p}::uuid[])` },
  governmentLevel: { values: `SELECT o.level::text`, where: (p) => `o.level::text = ANY(${p}::text[])` },
  state: { values: `SELECT o.state::text`, where: (p) => `o.state::text = ANY(${p}::text[])` },
  policyArea: { values: `SELECT jsonb_array_elements_text(s.published->'policyAreas')`, where: (p) => `s.published->'policyAreas' ?| ${p}::text[]` },
  aiTechnique: { values: `SELECT jsonb_array_elements_text(s.published->'aiTechniques')`, where: (p) => `s.published->'aiTechniques' ?| ${p}::text[]` },
  licence: { values: `SELECT s.published->>'licence'`, where: (p) => `s.published->>'licence' = ANY(${p}::text[])` },
  deploymentMode: { values: `SELECT jsonb_array_elements_text(s.published->'deploymentModes')`, where: (p) => `s.published->'deploymentModes' ?| ${p}::text[]` },
  language: { values: `SELECT jsonb_array_elements_text(s.published->'languages')`, where: (p) => `s.published->'languages' ?| ${p}::text[]` },
  processesPersonalData: {
    values: `SELECT (s.published->>'processesPersonalData')::boolean::text`,
    where: (p) => `(s.published->>'processesPersonalData')::boolean = ${p}::boolean`,
  },
  hasSourceCode: {
    values: `SELECT (s.published->>'sourceCodeUrl' IS NOT NULL)::text`,
    where: (p) => `(s.published->>'sourceCodeUrl' IS NOT NULL) = ${p}::boolean`,
  },
  reusePotential: { values: `SELECT s.published->>'reusePotential'`, where: (p) => `s.published->>'reusePotential' = ANY(${p}::text[])` },
};

const facetFields = Object.keys(facetSql) as FacetField[];

type Filter = Partial<Record<FacetField, string[] | boolean>>;

/** WHERE over listed entries for `filter` (minus `without`), optionally only among `slugs` (the hits of a query). */
function sqlWhere(filter: Filter, slugs: string[] | null, without?: FacetField): { where: string; params: unknown[] } {
  const params: unknown[] = [];
  const parts = ['s.listed'];
  if (slugs !== null) {
    params.push(slugs);
    parts.push(`s.slug = ANY($${params.length}::text[])`);
  }
  for (const field of facetFields) {
    const value = filter[field];
    if (value === undefined || field === without) continue;
    params.push(field === 'organisation' && Array.isArray(value) ? value.map((id) => fromGlobalId(id, 'Organisation')) : value);
    parts.push(facetSql[field].where(`$${params.length}`));
  }
  return { where: parts.join(' AND '), params };
}

async function sqlSlugs(t: TestApp, filter: Filter, slugs: string[] | null = null): Promise<string[]> {
  const { where, params } = sqlWhere(filter, slugs);
  const rows: Array<{ slug: string }> = await t.dataSource.query(
    `SELECT s.slug FROM ai_system s JOIN organisation o ON o.id = s.organisation_id WHERE ${where} ORDER BY s.slug`,
    params,
  );
  return rows.map((row) => row.slug);
}

/** Expected facets: per field, counts with every other filter applied and the field's own left out. */
async function sqlFacets(t: TestApp, filter: Filter, slugs: string[] | null = null): Promise<Record<string, Record<string, number>>> {
  const facets: Record<string, Record<string, number>> = {};
  for (const field of facetFields) {
    const { where, params } = sqlWhere(filter, slugs, field);
    const rows: Array<{ value: string; count: number }> = await t.dataSource.query(
      `SELECT x.v AS value, count(*)::int AS count
       FROM ai_system s JOIN organisation o ON o.id = s.organisation_id CROSS JOIN LATERAL (${facetSql[field].values}) AS x(v)
       WHERE ${where} AND x.v IS NOT NULL GROUP BY x.v`,
      params,
    );
    facets[field] = Object.fromEntries(rows.map((row) => [field === 'organisation' ? toGlobalId('Organisation', row.value) : row.value, row.count]));
  }
  return facets;
}

function facetsOf(result: SearchResult): Record<string, Record<string, number>> {
  return Object.fromEntries(result.facets.map((facet) => [facet.field, Object.fromEntries(facet.values.map((value) => [value.value, value.count]))]));
}

// ------------------------------------------------------------------------------------ publishing through the API

interface Team {
  publisher: string;
  reviewer: string;
}

async function makeTeam(t: TestApp): Promise<Team> {
  const organisation = await makeOrganisation(t.dataSource);
  const publisher: MadeUser = await makeUser(t.dataSource, { organisation, roles: [Role.PUBLISHER] });
  const reviewer: MadeUser = await makeUser(t.dataSource, { organisation, roles: [Role.REVIEWER] });
  return { publisher: await t.tokenFor(publisher), reviewer: await t.tokenFor(reviewer) };
}

interface EntryPayload {
  aiSystem: { id: string; slug: string; version: number; status: string };
}

/** Draft → submit → approve, each step through the GraphQL API. */
async function publish(t: TestApp, team: Team, content: Record<string, unknown>): Promise<string> {
  const fields = 'aiSystem { id slug version status }';
  const created = await t.gql<{ createAiSystemDraft: EntryPayload }>(
    `mutation($input: CreateAiSystemDraftInput!) { createAiSystemDraft(input: $input) { ${fields} } }`,
    { input: { content: completeContent(content) } },
    team.publisher,
  );
  const draft = created.data?.createAiSystemDraft.aiSystem;
  if (!draft) throw new Error(`create failed: ${JSON.stringify(created.errors)}`);
  const submitted = await t.gql<{ submitAiSystemForReview: EntryPayload }>(
    `mutation($input: SubmitAiSystemForReviewInput!) { submitAiSystemForReview(input: $input) { ${fields} } }`,
    { input: { id: draft.id, expectedVersion: draft.version } },
    team.publisher,
  );
  const inReview = submitted.data?.submitAiSystemForReview.aiSystem;
  if (!inReview) throw new Error(`submit failed: ${JSON.stringify(submitted.errors)}`);
  const reviewed = await t.gql<{ reviewAiSystem: EntryPayload }>(
    `mutation($input: ReviewAiSystemInput!) { reviewAiSystem(input: $input) { ${fields} } }`,
    { input: { id: draft.id, expectedVersion: inReview.version, decision: 'APPROVE' } },
    team.reviewer,
  );
  if (reviewed.data?.reviewAiSystem.aiSystem.status !== 'PUBLISHED') throw new Error(`review failed: ${JSON.stringify(reviewed.errors)}`);
  return draft.slug;
}


describe('searchAiSystems on the demo catalogue', () => {
  let t: TestApp;
  let token: string;

  beforeAll(async () => {
    t = await seededApp();
    token = await readerToken(t);
  });

  afterAll(async () => {
    await t.close();
  });

  describe('relevance on German queries (top 5)', () => {
    const top5 = async (query: string) => slugsOf(await search(t, token, { query, first: 5 }));

    it('"Spracherkennung" finds the compound and "Erkennung gesprochener Sprache"', async () => {
      expect(await top5('Spracherkennung')).toEqual(expect.arrayContaining(['besprechungsprotokoll-assistent', 'sprachdialog-buergertelefon']));
    });

    it('"Übersetzung" puts the translation service first and finds "übersetzt"', async () => {
      const hits = await top5('Übersetzung');
      expect(hits[0]).toBe('uebersetzungsdienst-bund');
      expect(hits).toContain('leichte-sprache-assistent');
    });

    it('"Verkehrsprognose" puts the traffic forecast first', async () => {
      expect((await top5('Verkehrsprognose'))[0]).toBe('verkehrsprognose-leipzig');
    });

    it('"Handschrift" and "handschriftliche Formulare" find the handwriting recognition', async () => {
      expect(await top5('Handschrift')).toContain('handschrifterkennung-formulare');
      expect(await top5('handschriftliche Formulare')).toContain('handschrifterkennung-formulare');
    });

    it('"Betrugserkennung" puts the VAT fraud detection first', async () => {
      expect((await top5('Betrugserkennung'))[0]).toBe('betrugserkennung-umsatzsteuer');
    });

    it('an English query finds the translation service through its English texts', async () => {
      expect((await top5('translation'))[0]).toBe('uebersetzungsdienst-bund');
      expect(await top5('machine translation federal')).toEqual(['uebersetzungsdienst-bund']);
    });

    it('spelling without umlauts and ß ("Strassenschaeden") finds what "Straßenschäden" finds', async () => {
      const spelled = await top5('Straßenschäden');
      expect(spelled[0]).toBe('strassenschaeden-erkennung');
      expect(await top5('Strassenschaeden')).toEqual(spelled);
    });

    it('never shows drafts, not even through typo suggestions', async () => {
      for (const query of ['Bürgeranfragen', 'Steuer-Assistent Bürgeranfragen', 'Unfallschwerpunkte', 'Arbeitsschutz']) {
        const result = await search(t, token, { query });
        for (const draft of DRAFT_SLUGS) expect(slugsOf(result)).not.toContain(draft);
      }
      // "unfallschwerpunkte" occurs only in a draft: it must not be suggested for a misspelling of it.
      expect((await search(t, token, { query: 'Unfalschwerpunkte' })).didYouMean).not.toBe('unfallschwerpunkte');
      const all = await search(t, token, {});
      const listed: Array<{ count: number }> = await t.dataSource.query(`SELECT count(*)::int AS count FROM ai_system WHERE listed`);
      expect(all.totalCount).toBe(listed[0]?.count);
      expect(all.totalCount).toBe(41);
      for (const draft of DRAFT_SLUGS) expect(slugsOf(all)).not.toContain(draft);
    });
  });

  describe('typo suggestion', () => {
    it('suggests "chatbot" for "Chatbto" when nothing matches, and the suggestion finds the chatbot', async () => {
      const typo = await search(t, token, { query: 'Chatbto' });
      expect(typo).toMatchObject({ totalCount: 0, didYouMean: 'chatbot', edges: [] });
      expect(slugsOf(await search(t, token, { query: typo.didYouMean }))).toContain('chatbot-leipzig-fragen');
    });

    it('suggests nothing for a correctly spelled query', async () => {
      for (const query of ['Chatbot', 'Übersetzung']) {
        const result = await search(t, token, { query });
        expect(result.totalCount).toBeGreaterThan(0);
        expect(result.didYouMean).toBeNull();
      }
    });
  });

  describe('highlights', () => {
    it('wrap the matched words in <mark>, also inflected forms', async () => {
      const result = await search(t, token, { query: 'Übersetzung' });
      const service = result.edges.find((edge) => edge.node.slug === 'uebersetzungsdienst-bund');
      expect(service?.highlights).toEqual(
        expect.arrayContaining([
          { field: 'name', html: '<mark>Übersetzungsdienst</mark> Bund' },
          { field: 'shortDescription', html: expect.stringContaining('Maschinelle <mark>Übersetzung</mark> von Dokumenten') },
        ]),
      );
      const plainLanguage = result.edges.find((edge) => edge.node.slug === 'leichte-sprache-assistent');
      expect(plainLanguage?.highlights).toEqual([{ field: 'shortDescription', html: expect.stringContaining('<mark>Übersetzt</mark>') }]);
    });

    it('are empty and scores null when browsing without a query', async () => {
      const result = await search(t, token, { first: 10 });
      expect(result.edges).toHaveLength(10);
      for (const edge of result.edges) expect(edge).toMatchObject({ highlights: [], score: null });
    });
  });

  describe('filters and facets against direct SQL on ai_system', () => {
    let organisationIds: Record<string, string>;

    beforeAll(async () => {
      const rows: Array<{ slug: string; id: string }> = await t.dataSource.query(`SELECT slug, id FROM organisation`);
      organisationIds = Object.fromEntries(rows.map((row) => [row.slug, toGlobalId('Organisation', row.id)]));
    });

    const filters: Array<[string, () => Filter]> = [
      ['lifecycle', () => ({ lifecycle: ['PILOT', 'RETIRED'] })],
      ['aiActRiskClass', () => ({ aiActRiskClass: ['HIGH_RISK_ANNEX_III', 'TRANSPARENCY_ART50'] })],
      ['organisation', () => ({ organisation: [organisationIds['stadt-leipzig'] ?? '', organisationIds.bamf ?? ''] })],
      ['governmentLevel', () => ({ governmentLevel: ['KOMMUNE'] })],
      ['state', () => ({ state: ['BY', 'NW'] })],
      ['policyArea', () => ({ policyArea: ['MIGRATION', 'TRANSPORT'] })],
      ['aiTechnique', () => ({ aiTechnique: ['SPEECH_RECOGNITION', 'OCR'] })],
      ['licence', () => ({ licence: ['EUPL-1.2', 'MIT'] })],
      ['deploymentMode', () => ({ deploymentMode: ['FEDERAL_CLOUD'] })],
      ['language', () => ({ language: ['en', 'uk'] })],
      ['processesPersonalData', () => ({ processesPersonalData: false })],
      ['hasSourceCode', () => ({ hasSourceCode: true })],
      ['hasSourceCode false', () => ({ hasSourceCode: false })],
      ['reusePotential', () => ({ reusePotential: ['HIGH'] })],
    ];

    it.each(filters)('filter %s: hits, total and every facet match SQL', async (_name, makeFilter) => {
      const filter = makeFilter();
      const expected = await sqlSlugs(t, filter);
      expect(expected.length).toBeGreaterThan(0);
      expect(expected.length).toBeLessThan(41);
      const result = await search(t, token, { filter });
      expect(result.totalCount).toBe(expected.length);
      expect([...slugsOf(result)].sort()).toEqual(expected);
      expect(facetsOf(result)).toEqual(await sqlFacets(t, filter));
    });

    it('facets without any filter count every listed entry', async () => {
      const result = await search(t, token, { first: 1 });
      expect(result.facets.map((facet) => facet.field)).toEqual(facetFields);
      expect(facetsOf(result)).toEqual(await sqlFacets(t, {}));
      for (const facet of result.facets) {
        const counts = facet.values.map((value) => value.count);
        expect(counts).toEqual([...counts].sort((a, b) => b - a));
      }
    });

    it('lists at most 20 values per facet unless asked for more (1..100), most frequent first, and counts them all', async () => {
      const all = (await search(t, token, { first: 1 })).facets;
      expect(all.some((facet) => facet.valueCount > 2)).toBe(true);
      for (const facet of all) expect(facet.values).toHaveLength(facet.valueCount);
      const FACETS = (first: string) => `query { searchAiSystems(first: 1) { facets${first} { field valueCount values { value count } } } }`;
      const byDefault = await t.gql<{ searchAiSystems: SearchResult }>(FACETS(''), {}, token);
      const two = await t.gql<{ searchAiSystems: SearchResult }>(FACETS('(first: 2)'), {}, token);
      for (const [k, facet] of all.entries()) {
        expect(byDefault.data?.searchAiSystems.facets[k]).toEqual({ ...facet, values: facet.values.slice(0, 20) });
        expect(two.data?.searchAiSystems.facets[k]).toEqual({ ...facet, values: facet.values.slice(0, 2) });
      }
      for (const bad of ['(first: 0)', '(first: 101)']) {
        const res = await t.gql(FACETS(bad), {}, token);
        expect(res.status).toBeLessThan(500);
        expect(res.errors?.map((error) => [error.extensions.code, (error.extensions.fields as Array<{ field: string }>)[0]?.field])).toEqual([
          ['BAD_USER_INPUT', 'facets.first'],
        ]);
      }
    });

    it('combines a query with two filters; each facet leaves out only its own filter', async () => {
      const matched = slugsOf(await search(t, token, { query: 'Modell' }));
      expect(matched.length).toBeGreaterThan(20);
      const filter: Filter = { governmentLevel: ['BUND'], processesPersonalData: true };
      const expected = await sqlSlugs(t, filter, matched);
      expect(expected.length).toBeGreaterThan(0);
      expect(expected.length).toBeLessThan(matched.length);

      const result = await search(t, token, { query: 'Modell', filter });
      expect(result.totalCount).toBe(expected.length);
      expect([...slugsOf(result)].sort()).toEqual(expected);
      const facets = facetsOf(result);
      expect(facets).toEqual(await sqlFacets(t, filter, matched));
      // The facet of a filtered field offers the other values too, counted under the other filter.
      expect(Object.keys(facets.governmentLevel ?? {}).length).toBeGreaterThan(1);
      expect(Object.keys(facets.processesPersonalData ?? {})).toEqual(expect.arrayContaining(['true', 'false']));
    });

    it('an organisation filter with no entries gives zero hits and facets for the rest', async () => {
      const empty = await makeOrganisation(t.dataSource);
      const result = await search(t, token, { filter: { organisation: [toGlobalId('Organisation', empty.id)] } });
      expect(result.totalCount).toBe(0);
      expect(facetsOf(result)).toEqual(await sqlFacets(t, { organisation: [toGlobalId('Organisation', empty.id)] }));
    });
  });

  describe('orders', () => {
    it('NEWEST (the default without a query) is by publication, newest first', async () => {
      const rows: Array<{ slug: string }> = await t.dataSource.query(`SELECT slug FROM ai_system WHERE listed ORDER BY published_at DESC, id DESC`);
      const expected = rows.map((row) => row.slug);
      expect(slugsOf(await search(t, token, { orderBy: 'NEWEST' }))).toEqual(expected);
      expect(slugsOf(await search(t, token, {}))).toEqual(expected);
    });

    it('NAME is alphabetical, case-insensitive', async () => {
      const rows: Array<{ slug: string }> = await t.dataSource.query(`SELECT slug FROM ai_system WHERE listed ORDER BY lower(published->>'name'), id`);
      const result = await search(t, token, { orderBy: 'NAME' });
      expect(slugsOf(result)).toEqual(rows.map((row) => row.slug));
    });

    it('RELEVANCE (the default with a query) is by score, best first; other orders keep the same hits', async () => {
      const relevance = await search(t, token, { query: 'Erkennung', orderBy: 'RELEVANCE' });
      expect(relevance.totalCount).toBeGreaterThan(10);
      const scores = relevance.edges.map((edge) => edge.score ?? Number.NaN);
      expect(scores).toEqual([...scores].sort((a, b) => b - a));
      expect(scores.every((score) => score > 0)).toBe(true);
      expect(slugsOf(await search(t, token, { query: 'Erkennung' }))).toEqual(slugsOf(relevance));

      const newest = await search(t, token, { query: 'Erkennung', orderBy: 'NEWEST' });
      expect([...slugsOf(newest)].sort()).toEqual([...slugsOf(relevance)].sort());
      const dates = newest.edges.map((edge) => edge.node.publishedAt);
      expect(dates).toEqual([...dates].sort().reverse());
      const named = await search(t, token, { query: 'Erkennung', orderBy: 'NAME' });
      expect([...slugsOf(named)].sort()).toEqual([...slugsOf(relevance)].sort());
    });

    it.each([
      ['NEWEST', undefined, 's.published_at DESC, s.id DESC'],
      ['NAME', undefined, `lower(s.published->>'name'), s.id`],
      ['RATING', undefined, 'coalesce(s.rating_average, 0) DESC, s.id DESC'],
      ['NEWEST', 'Erkennung', 's.published_at DESC, s.id DESC'],
    ])('%s with filters (query %s) pages through exactly the filtered entries, in order', async (orderBy, query, sqlOrder) => {
      const filter: Filter = { governmentLevel: ['LAND', 'KOMMUNE'], language: ['de'] };
      const matched = query === undefined ? null : slugsOf(await search(t, token, { query, first: 100 }));
      const { where, params } = sqlWhere(filter, matched);
      const rows: Array<{ slug: string }> = await t.dataSource.query(
        `SELECT s.slug FROM ai_system s JOIN organisation o ON o.id = s.organisation_id WHERE ${where} ORDER BY ${sqlOrder}`,
        params,
      );
      const expected = rows.map((row) => row.slug);
      expect(expected.length).toBeGreaterThan(3);
      const seen: string[] = [];
      let after: string | null = null;
      for (let page = 0; page < 40; page++) {
        const result = await search(t, token, { query, filter, orderBy, first: 3, after });
        expect(result.totalCount).toBe(expected.length);
        seen.push(...slugsOf(result));
        if (!result.pageInfo.hasNextPage) break;
        after = result.pageInfo.endCursor;
      }
      expect(seen).toEqual(expected);
    });

    it('RELEVANCE without a query is BAD_USER_INPUT on orderBy', async () => {
      expect(badInputFields(await t.gql(SEARCH, { first: 10, orderBy: 'RELEVANCE' }, token))).toEqual(['orderBy']);
    });
  });

  describe('hits carry the content the query selects, as the entry itself shows it', () => {
    const FIELDS = 'name description tags contacts { name email } lifecycle gated gatedDetails { deploymentNotes } aiTechniques licence';
    const HITS = `query($query: String) {
      searchAiSystems(query: $query, first: 5) { edges { node { slug ...Hit } } }
    }
    fragment Hit on AiSystem { ... on AiSystem { published { ...Content } } }
    fragment Content on AiSystemContent { ${FIELDS} }`;

    /** A member of the organisation that owns the best hit (it sees the gated details of its own entries). */
    async function ownerToken(): Promise<string> {
      const [owner]: OrganisationEntity[] = await t.dataSource.query(
        `SELECT o.* FROM organisation o JOIN ai_system s ON s.organisation_id = o.id WHERE s.slug = 'uebersetzungsdienst-bund'`,
      );
      if (owner === undefined) throw new Error('the demo catalogue lacks uebersetzungsdienst-bund');
      return t.tokenFor(await makeUser(t.dataSource, { organisation: owner, roles: [] }));
    }

    it.each([
      ['a reader', async () => token],
      ['a member of the owning organisation', ownerToken],
    ])('for %s', async (_name, tokenOf) => {
      const who = await tokenOf();
      const res = await t.gql<{ searchAiSystems: { edges: Array<{ node: { slug: string; published: Record<string, unknown> } }> } }>(HITS, { query: 'Übersetzung' }, who);
      expect(res.errors).toBeUndefined();
      const hits = res.data?.searchAiSystems.edges ?? [];
      expect(hits.length).toBeGreaterThan(2);
      for (const { node } of hits.slice(0, 5)) {
        const one = await t.gql<{ aiSystem: { published: Record<string, unknown> } }>(
          `query($slug: String) { aiSystem(slug: $slug) { published { ${FIELDS} } } }`,
          { slug: node.slug },
          who,
        );
        expect(node.published).toEqual(one.data?.aiSystem.published);
      }
    });

    it('and none of it when it selects none', async () => {
      const res = await t.gql<{ searchAiSystems: { totalCount: number; edges: Array<{ node: { slug: string } }> } }>(
        `query { searchAiSystems(query: "Übersetzung", first: 2) { totalCount edges { node { slug organisation { name } } } } }`,
        {},
        token,
      );
      expect(res.errors).toBeUndefined();
      expect(res.data?.searchAiSystems.edges.length).toBe(2);
    });
  });

  describe('queries answered compiled (graphql-jit, from the second time a query text comes) equal graphql-js answers', () => {
    const ENTRY = `id slug publishedAt firstPublishedAt archivedAt
      organisation { id name level state }
      ratingSummary { count average histogram }
      published { name shortDescription description tags languages lifecycle aiActRiskClass aiTechniques licence gated contacts { name email } }`;
    /** `variant` makes each text new to the app: its first answer comes from graphql-js, the next ones compiled. */
    const document = (variant: string) => `# ${variant}
    query($query: String, $filter: AiSystemFilter, $orderBy: AiSystemOrder, $after: String, $slug: String) {
      searchAiSystems(query: $query, filter: $filter, orderBy: $orderBy, first: 7, after: $after) {
        totalCount didYouMean
        pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
        facets { field valueCount values { value count } }
        edges { cursor score highlights { field html } node { ...Entry } }
      }
      aiSystem(slug: $slug) { ...Entry }
      catalogueStats { publishedCount byLifecycle { key count } }
    }
    fragment Entry on AiSystem { ${ENTRY} }`;

    it.each([
      ['a German query', { query: 'Übersetzung', slug: 'uebersetzungsdienst-bund' }],
      ['a typo', { query: 'Chatbto', slug: 'uebersetzungsdienst-bund' }],
      ['browsing with filters, by name', { filter: { governmentLevel: ['BUND'] }, orderBy: 'NAME', slug: 'uebersetzungsdienst-bund' }],
    ])('%s', async (variant, variables) => {
      const first = await t.gql(document(variant), variables, token);
      expect(first.errors).toBeUndefined();
      const compiled = await t.gql(document(variant), variables, token);
      expect(JSON.stringify(compiled.data)).toBe(JSON.stringify(first.data));
    });

    it.each([
      ['a forged cursor', { query: 'Chatbot', after: 'kein-cursor', slug: 'uebersetzungsdienst-bund' }, 'BAD_USER_INPUT'],
      ['an unknown slug beside a search that succeeds', { query: 'Chatbot', slug: 'gibt-es-nicht' }, 'NOT_FOUND'],
    ])('an answer with an error stays graphql-js\'s: %s', async (variant, variables, code) => {
      const answers = [];
      for (let k = 0; k < 2; k++) answers.push(await t.gql(document(variant), variables, token));
      expect(answers[0]?.errors?.map((error) => error.extensions.code)).toEqual([code]);
      expect(answers[1]).toEqual(answers[0]);
    });
  });

  describe('SQL statements per request', () => {
    const PAGE = `query($query: String) {
      searchAiSystems(query: $query, first: 50) {
        totalCount didYouMean
        edges { cursor score highlights { field html } node { id slug published { name } organisation { id name level } } }
        facets { field values { value count } }
      }
    }`;

    /** Every statement TypeORM runs while `work` is under way (TypeORM logs each through logQuery). */
    async function statementsDuring(work: () => Promise<GraphQLResponse>): Promise<{ res: GraphQLResponse; statements: string[] }> {
      const logger = t.dataSource.logger;
      const original = logger.logQuery;
      const statements: string[] = [];
      logger.logQuery = (query, parameters, queryRunner) => {
        statements.push(query.replace(/\s+/g, ' ').trim());
        return original.call(logger, query, parameters, queryRunner);
      };
      try {
        return { res: await work(), statements };
      } finally {
        logger.logQuery = original;
      }
    }

    it.each([
      ['a query with many hits', 'Modell'],
      ['browsing without a query', null],
    ])(`%s, first: 50 with organisations: at most ${MAX_STATEMENTS}`, async (_name, query) => {
      const { res, statements } = await statementsDuring(() => t.gql<{ searchAiSystems: SearchResult }>(PAGE, { query }, token));
      expect(res.errors).toBeUndefined();
      const edges = (res.data as { searchAiSystems: { edges: Array<{ node: { organisation: { id: string } } }> } }).searchAiSystems.edges;
      expect(edges.length).toBeGreaterThan(20);
      expect(new Set(edges.map((edge) => edge.node.organisation.id)).size).toBeGreaterThan(3);
      // On failure the diff lists the statements that ran.
      expect({ count: statements.length, statements }).toEqual({ count: Math.min(statements.length, MAX_STATEMENTS), statements });
    });

    it.each([
      ['a query with many hits', 'Modell'],
      ['browsing without a query', null],
    ])('%s asked again, the catalogue unchanged: the page only (the token\'s actor, the vocabulary and the counts are kept)', async (_name, query) => {
      await statementsDuring(() => t.gql(PAGE, { query }, token));
      const { res, statements } = await statementsDuring(() => t.gql(PAGE, { query }, token));
      expect(res.errors).toBeUndefined();
      expect(statements).toEqual([expect.stringContaining('JOIN organisation o ON o.id = s.organisation_id')]);
    });

    it('a query without hits asked again: the page only (an empty page still tells the generation)', async () => {
      await statementsDuring(() => t.gql(PAGE, { query: 'Chatbto' }, token));
      const { res, statements } = await statementsDuring(() => t.gql(PAGE, { query: 'Chatbto' }, token));
      expect(res.errors).toBeUndefined();
      expect((res.data as { searchAiSystems: { didYouMean: string } }).searchAiSystems.didYouMean).toBe('chatbot');
      expect(statements).toEqual([expect.stringContaining('JOIN organisation o ON o.id = s.organisation_id')]);
    });

    it('identical searches arriving while the first one still ranks and counts wait for it instead of ranking and counting again', async () => {
      const query = 'Sprache Erkennung';
      const logger = t.dataSource.logger;
      const original = logger.logQuery;
      const seen: Array<{ sql: string; params: unknown[] }> = [];
      logger.logQuery = (sql, parameters, queryRunner) => {
        seen.push({ sql, params: Array.isArray(parameters) ? parameters : [] });
        return original.call(logger, sql, parameters, queryRunner);
      };
      // Entries locked: every search gets past its vocabulary lookup and then waits for the first one's statements.
      const lock = t.dataSource.createQueryRunner();
      await lock.connect();
      await lock.startTransaction();
      try {
        await lock.query(`LOCK TABLE ai_system IN ACCESS EXCLUSIVE MODE`);
        const searches = Array.from({ length: 6 }, () => t.gql<{ searchAiSystems: SearchResult }>(PAGE, { query }, token));
        const vocabularyLookups = () => seen.filter((statement) => statement.sql.includes('search_vocabulary')).length;
        for (let waited = 0; vocabularyLookups() < 6 && waited < 100; waited++) await new Promise((resolve) => setTimeout(resolve, 50));
        await new Promise((resolve) => setTimeout(resolve, 200));
        await lock.commitTransaction();
        const answers = await Promise.all(searches);
        for (const answer of answers) expect(answer.errors).toBeUndefined();
        expect(new Set(answers.map((answer) => JSON.stringify(answer.data))).size).toBe(1);
        expect(answers[0]?.data?.searchAiSystems.totalCount).toBeGreaterThan(0);
        const counted = seen.filter((statement) => statement.sql.includes(`'__total'`));
        // A relevance statement ranks when it is given no kept generation (IS DISTINCT FROM NULL).
        const ranked = seen.filter(({ sql, params }) => {
          const kept = /IS DISTINCT FROM \$(\d+)::bigint/.exec(sql);
          return sql.includes('fresh AS MATERIALIZED') && kept !== null && params[Number(kept[1]) - 1] === null;
        });
        expect({ counted: counted.length, ranked: ranked.length }).toEqual({ counted: 1, ranked: 1 });
      } finally {
        if (lock.isTransactionActive) await lock.rollbackTransaction();
        await lock.release();
        logger.logQuery = original;
      }
    });

    it('browsing with filters nothing matches, asked again: the page only', async () => {
      const filtered = `query($filter: AiSystemFilter) { searchAiSystems(filter: $filter, first: 5) { totalCount edges { node { id } } facets { field values { value count } } } }`;
      const filter = { aiTechnique: ['OCR'], language: ['zu'] };
      await statementsDuring(() => t.gql(filtered, { filter }, token));
      const { res, statements } = await statementsDuring(() => t.gql(filtered, { filter }, token));
      expect(res.errors).toBeUndefined();
      expect((res.data as { searchAiSystems: { totalCount: number } }).searchAiSystems.totalCount).toBe(0);
      expect(statements).toEqual([expect.stringContaining('JOIN organisation o ON o.id = s.organisation_id')]);
    });
  });

  describe('bad input: BAD_USER_INPUT naming the field, never a 500', () => {
    const query = (variables: Variables) => t.gql(SEARCH, variables, token);

    it('a 10,000-character query', async () => {
      expect(badInputFields(await query({ first: 10, query: 'Übersetzung '.repeat(834).slice(0, 10_000) }))).toEqual(['query']);
    });

    it('a query of tsquery operators only, and a whitespace-only query', async () => {
      for (const text of [`&|!:*()'\\`, `'' & !(:*) | \\\\`, '   \t\n  ', '']) {
        expect(badInputFields(await query({ first: 10, query: text }))).toEqual(['query']);
      }
    });

    it('operators mixed with words do not fail: the words are searched', async () => {
      const plain = await search(t, token, { query: 'Chatbot Leipzig' });
      expect(slugsOf(plain)).toEqual(['chatbot-leipzig-fragen']);
      for (const text of [`Chatbot & | ! Leipzig`, `!Chatbot:* & (Leipzig)`, `'Chatbot' \\ Leipzig:A`, `Chatbot' | 'Leipzig`]) {
        const mixed = await search(t, token, { query: text });
        expect(slugsOf(mixed)).toEqual(slugsOf(plain));
      }
    });

    it('first: 0, first: 1000, and last (search pages forward only)', async () => {
      expect(badInputFields(await query({ first: 0 }))).toEqual(['first']);
      expect(badInputFields(await query({ first: 1000 }))).toEqual(['first']);
      expect(badInputFields(await query({ first: null, last: 5 }))).toEqual(['last']);
      expect(badInputFields(await query({ first: null, last: 5, query: 'Modell' }))).toEqual(['last']);
    });

    it('forged cursors', async () => {
      const newest = await search(t, token, { first: 2, orderBy: 'NEWEST' });
      const relevance = await search(t, token, { first: 2, query: 'Modell' });
      const named = await search(t, token, { first: 2, orderBy: 'NAME' });
      const [someId] = (await t.dataSource.query(`SELECT id FROM ai_system WHERE listed LIMIT 1`)) as Array<{ id: string }>;
      const forged: Array<[Variables, string]> = [
        [{ orderBy: 'NEWEST', after: Buffer.from('not a cursor at all, just bytes').toString('base64') }, 'random base64'],
        [{ orderBy: 'NEWEST', after: 'x'.repeat(5000) }, 'overlong'],
        [{ query: 'Modell', orderBy: 'RELEVANCE', after: newest.pageInfo.endCursor }, 'NEWEST cursor with RELEVANCE'],
        [{ orderBy: 'NAME', after: relevance.pageInfo.endCursor }, 'RELEVANCE cursor with NAME'],
        [{ orderBy: 'NEWEST', after: named.pageInfo.endCursor }, 'NAME cursor with NEWEST'],
        [{ query: 'Modell', after: cursorOf({ v: 'NaN', i: someId?.id }) }, 'string score'],
        [{ query: 'Modell', after: Buffer.from(`{"v":NaN,"i":"${someId?.id}"}`).toString('base64url') }, 'NaN score'],
        [{ query: 'Modell', after: Buffer.from(`{"v":1e999,"i":"${someId?.id}"}`).toString('base64url') }, 'infinite score'],
        [{ query: 'Modell', after: cursorOf({ v: 0.5, i: 'not-a-uuid' }) }, 'id no uuid'],
        [{ orderBy: 'NEWEST', after: cursorOf({ v: '2024-13-45T99:00:00Z', i: someId?.id }) }, 'impossible date'],
        [{ orderBy: 'NAME', after: cursorOf({ v: 'abc\u0000', i: someId?.id }) }, 'NUL in a name'],
      ];
      for (const [variables, name] of forged) {
        expect({ name, fields: badInputFields(await query({ first: 5, ...variables })) }).toEqual({ name, fields: ['after'] });
      }
    });

    it('an organisation filter holding an AiSystem id or a malformed id', async () => {
      const [entry] = (await t.dataSource.query(`SELECT id FROM ai_system WHERE listed LIMIT 1`)) as Array<{ id: string }>;
      const [organisation] = (await t.dataSource.query(`SELECT id FROM organisation LIMIT 1`)) as Array<{ id: string }>;
      const valid = toGlobalId('Organisation', organisation?.id ?? '');
      for (const bad of [toGlobalId('AiSystem', entry?.id ?? ''), 'not-an-id', toGlobalId('Organisation', 'not-a-uuid'), '']) {
        const res = await query({ first: 5, filter: { organisation: [valid, bad] } });
        expect(badInputFields(res)).toEqual(['filter.organisation.1']);
      }
    });

    it('an unknown enum value: GRAPHQL_VALIDATION_FAILED inline, BAD_USER_INPUT as a variable', async () => {
      const inline = await t.gql(`{ searchAiSystems(first: 5, filter: { lifecycle: [SOMEDAY] }) { totalCount } }`, {}, token);
      expect(inline.status).toBe(400);
      expect(inline.errors?.map((error) => error.extensions.code)).toEqual(['GRAPHQL_VALIDATION_FAILED']);
      const inlineOrder = await t.gql(`{ searchAiSystems(first: 5, orderBy: POPULARITY) { totalCount } }`, {}, token);
      expect(inlineOrder.status).toBe(400);
      expect(inlineOrder.errors?.map((error) => error.extensions.code)).toEqual(['GRAPHQL_VALIDATION_FAILED']);

      for (const variables of [{ filter: { lifecycle: ['SOMEDAY'] } }, { orderBy: 'POPULARITY' }, { filter: { state: ['XX'] } }]) {
        const res = await t.gql(SEARCH, { first: 5, ...variables }, token);
        expect(res.status).toBe(400);
        expect(res.errors?.map((error) => error.extensions.code)).toEqual(['BAD_USER_INPUT']);
      }
    });
  });

  it('anonymous callers get UNAUTHENTICATED while ANONYMOUS_READ is off', async () => {
    const res = await t.gql(SEARCH, { first: 5, query: 'Übersetzung' });
    expect(res.errors?.map((error) => error.extensions.code)).toEqual(['UNAUTHENTICATED']);
    expect(res.data?.searchAiSystems ?? null).toBeNull();
  });
});

describe('searchAiSystems with ANONYMOUS_READ on', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await seededApp({ ANONYMOUS_READ: 'true' });
  });

  afterAll(async () => {
    await t.close();
  });

  it('answers without a token with the same hits and totals as for a signed-in reader', async () => {
    const token = await readerToken(t);
    for (const variables of [{}, { query: 'Übersetzung' }, { query: 'Modell', filter: { governmentLevel: ['BUND'] } }]) {
      const anonymous = await search(t, undefined, variables);
      const signedIn = await search(t, token, variables);
      expect(anonymous.totalCount).toBeGreaterThan(0);
      expect(anonymous.totalCount).toBe(signedIn.totalCount);
      expect(slugsOf(anonymous)).toEqual(slugsOf(signedIn));
      expect(anonymous.facets).toEqual(signedIn.facets);
    }
  });
});

describe('search highlights of entries published with markup in their texts', () => {
  let t: TestApp;
  let reader: string;
  let team: Team;

  beforeAll(async () => {
    t = await createTestApp();
    reader = await readerToken(t);
    team = await makeTeam(t);
  });

  afterAll(async () => {
    await t.close();
  });

  async function highlightsOf(slug: string, query: string): Promise<Record<string, string>> {
    const hit = (await search(t, reader, { query })).edges.find((edge) => edge.node.slug === slug);
    return Object.fromEntries((hit?.highlights ?? []).map((highlight) => [highlight.field, highlight.html]));
  }

  it('never hands back markup of the entry: <, >, & and " are escaped, the only tags are <mark>', async () => {
    const slug = await publish(t, team, {
      name: 'Übersetzung & <b>Fettdruck</b>',
      shortDescription: '<script>alert(1)</script> Übersetzung von Bescheiden, wenn a < b und c > d in "einfache" Sprache.',
    });
    const highlights = await highlightsOf(slug, 'Übersetzung');
    expect(highlights.name).toContain('<mark>Übersetzung</mark> &amp;');
    expect(highlights.shortDescription).toContain('<mark>Übersetzung</mark> von Bescheiden, wenn a &lt; b und c &gt; d in &quot;einfache&quot; Sprache');
    for (const html of Object.values(highlights)) expect(html).not.toMatch(/<(?!\/?mark>)/);
  });

  it('are kept for a query asked again and made anew when the entry changes', async () => {
    const slug = await publish(t, team, { name: 'Gebührenrechner Übersetzung', shortDescription: 'Übersetzung von Gebührenbescheiden in einfache Sprache.' });
    const first = await highlightsOf(slug, 'Übersetzung');
    expect(first.shortDescription).toContain('<mark>Übersetzung</mark> von Gebührenbescheiden');
    expect(await highlightsOf(slug, 'Übersetzung')).toEqual(first);
    // An operator's fix in SQL changes the text: the catalogue generation moves on, the highlight follows.
    await t.dataSource.query(
      `UPDATE ai_system SET published = jsonb_set(published, '{shortDescription}', to_jsonb('Schnelle Übersetzung von Bescheiden.'::text)) WHERE slug = $1`,
      [slug],
    );
    expect((await highlightsOf(slug, 'Übersetzung')).shortDescription).toContain('Schnelle <mark>Übersetzung</mark> von Bescheiden');
  });

  it('shows tag-like text of the entry escaped instead of dropping it (&lt;script&gt;)', async () => {
    const slug = await publish(t, team, {
      name: 'Bescheidübersetzer Platzhalter',
      shortDescription: 'Schnelle Übersetzung: <script>alert(1)</script> Übersetzung der Felder <Vorname> und <Nachname> im Bescheid.',
    });
    const highlights = await highlightsOf(slug, 'Übersetzung');
    expect(highlights.shortDescription).toContain('<mark>Übersetzung</mark>: &lt;script&gt;alert(1)&lt;/script&gt; <mark>Übersetzung</mark>');
    expect(highlights.shortDescription).toContain('&lt;Vorname&gt; und &lt;Nachname&gt;');
    expect(highlights.shortDescription).not.toContain('<script>');
  });
});

describe('totals and facet counts kept between searches', () => {
  let t: TestApp;
  let token: string;
  let team: Team;

  beforeAll(async () => {
    t = await seededApp();
    token = await readerToken(t);
    team = await makeTeam(t);
  });

  afterAll(async () => {
    await t.close();
  });

  const filter: Filter = { governmentLevel: ['KOMMUNE', 'OTHER', 'BUND', 'LAND'] };

  async function expectMatchesSql(variables: Variables): Promise<SearchResult> {
    const result = await search(t, token, variables);
    const matched = variables.query === undefined ? null : slugsOf(await search(t, token, { query: variables.query, first: 100 }));
    const expected = await sqlSlugs(t, (variables.filter ?? {}) as Filter, matched);
    expect(result.totalCount).toBe(expected.length);
    expect(facetsOf(result)).toEqual(await sqlFacets(t, (variables.filter ?? {}) as Filter, matched));
    return result;
  }

  it('change with every publication, archival and direct write of an entry, for browsing and for queries', async () => {
    const cases: Variables[] = [{ first: 1 }, { query: 'Modell', first: 1 }, { filter, first: 1 }];
    const before = await Promise.all(cases.map((variables) => expectMatchesSql(variables)));
    // Asked again: the same answers (now from the kept counts).
    for (const [k, variables] of cases.entries()) expect(await search(t, token, variables)).toEqual(before[k]);

    const slug = await publish(t, team, { name: 'Modell für Haushaltsprognosen', shortDescription: 'Ein Modell, das Haushaltsansätze vorhersagt.' });
    const published = await Promise.all(cases.map((variables) => expectMatchesSql(variables)));
    for (const [k, result] of published.entries()) expect(result.totalCount).toBe((before[k]?.totalCount ?? 0) + 1);
    expect(slugsOf(await search(t, token, { query: 'Modell' }))).toContain(slug);

    const [entry]: Array<{ id: string; version: number }> = await t.dataSource.query(`SELECT id, version FROM ai_system WHERE slug = $1`, [slug]);
    const archived = await t.gql<{ archiveAiSystem: { aiSystem: { status: string } } }>(
      `mutation ($input: ArchiveAiSystemInput!) { archiveAiSystem(input: $input) { aiSystem { status } } }`,
      { input: { id: toGlobalId('AiSystem', entry?.id ?? ''), expectedVersion: entry?.version } },
      team.publisher,
    );
    expect(archived.data?.archiveAiSystem.aiSystem.status).toBe('ARCHIVED');
    for (const [k, variables] of cases.entries()) expect((await expectMatchesSql(variables)).totalCount).toBe(before[k]?.totalCount);
    expect(slugsOf(await search(t, token, { query: 'Modell' }))).not.toContain(slug);

    // A write that bypasses the services (an operator's fix in SQL) is seen as well.
    // UPDATE … RETURNING answers [rows, affected count].
    const [[hidden]]: [Array<{ slug: string }>, number] = await t.dataSource.query(
      `UPDATE ai_system SET listed = false WHERE id = (SELECT id FROM ai_system WHERE listed AND organisation_level = 'KOMMUNE' ORDER BY slug LIMIT 1) RETURNING slug`,
    );
    try {
      expect(hidden).toBeDefined();
      const after = await expectMatchesSql({ filter, first: 1 });
      expect(after.totalCount).toBe((before[2]?.totalCount ?? 0) - 1);
    } finally {
      await t.dataSource.query(`UPDATE ai_system SET listed = true WHERE slug = $1`, [hidden?.slug]);
    }
    expect((await expectMatchesSql({ filter, first: 1 })).totalCount).toBe(before[2]?.totalCount);
  });

  it('the kept vocabulary follows the catalogue: a compound whose parts a new entry brings is split from then on', async () => {
    const whole = await publish(t, team, { name: 'Zauberwortfinder Alpha', shortDescription: 'Findet Zauberworte in Anträgen.' });
    expect(slugsOf(await search(t, token, { query: 'Zauberwortfinder' }))).toEqual([whole]);
    // Asked again: the vocabulary is kept now.
    expect(slugsOf(await search(t, token, { query: 'Zauberwortfinder' }))).toEqual([whole]);
    const parts = await publish(t, team, { name: 'Finder für das Zauberwort', shortDescription: 'Ein Zauberwort Finder für Formulare.' });
    expect(slugsOf(await search(t, token, { query: 'Zauberwortfinder' })).sort()).toEqual([whole, parts].sort());
    const result = await expectMatchesSql({ query: 'Zauberwortfinder', first: 1 });
    expect(result.totalCount).toBe(2);
  });

  it('a typo suggestion kept for a query follows the catalogue as well', async () => {
    for (let asked = 0; asked < 2; asked++) expect((await search(t, token, { query: 'Quokkarechnerim' })).didYouMean).not.toBe('quokkarechnerin');
    const slug = await publish(t, team, { name: 'Quokkarechnerin', shortDescription: 'Zählt Quokkas für das Umweltamt.' });
    const typo = await search(t, token, { query: 'Quokkarechnerim' });
    expect({ total: typo.totalCount, didYouMean: typo.didYouMean }).toEqual({ total: 0, didYouMean: 'quokkarechnerin' });
    expect(slugsOf(await search(t, token, { query: typo.didYouMean }))).toEqual([slug]);
  });

  it('a query without hits, asked again, finds the entry published meanwhile (kept empty pages follow the catalogue)', async () => {
    for (let asked = 0; asked < 2; asked++) expect((await search(t, token, { query: 'Wombatzählwerk' })).totalCount).toBe(0);
    const browse: Variables = { filter: { language: ['kl'] }, first: 5 };
    for (let asked = 0; asked < 2; asked++) expect((await search(t, token, browse)).totalCount).toBe(0);
    const slug = await publish(t, team, { name: 'Wombatzählwerk', shortDescription: 'Zählt Wombats im Tierpark.', languages: ['de', 'kl'] });
    const found = await expectMatchesSql({ query: 'Wombatzählwerk', first: 5 });
    expect({ total: found.totalCount, slugs: slugsOf(found) }).toEqual({ total: 1, slugs: [slug] });
    const browsed = await expectMatchesSql(browse);
    expect({ total: browsed.totalCount, slugs: slugsOf(browsed) }).toEqual({ total: 1, slugs: [slug] });
  });

  it('relevance pages cut from the kept ranking are the pages of one ranking, in order, each hit once', async () => {
    const all = (await search(t, token, { query: 'Modell', first: 100 })).edges.map((edge) => [edge.node.slug, edge.score]);
    expect(all.length).toBeGreaterThan(20);
    for (let pass = 0; pass < 2; pass++) {
      const paged: unknown[] = [];
      let after: string | null = null;
      for (;;) {
        const result = await search(t, token, { query: 'Modell', first: 6, after });
        paged.push(...result.edges.map((edge) => [edge.node.slug, edge.score]));
        if (!result.pageInfo.hasNextPage) break;
        after = result.pageInfo.endCursor;
      }
      expect(paged).toEqual(all);
    }
  });
});

describe('paging through all results while entries are published', () => {
  let t: TestApp;
  let token: string;
  let team: Team;
  let counter = 0;

  beforeAll(async () => {
    t = await seededApp();
    token = await readerToken(t);
    team = await makeTeam(t);
  });

  afterAll(async () => {
    await t.close();
  });

  /** A new entry whose name sorts before, amid or after the demo entries, and that matches "Modell". */
  const newEntry = (prefix: string) => {
    counter++;
    return { name: `${prefix} Modell Nummer ${counter}`, shortDescription: `Ein Modell für Tests der Suche, Nummer ${counter}.`, tags: ['Modell'] };
  };

  /** Follows endCursor with first: 7 to the end; `between` runs after each page, `alongside` in parallel with each request. */
  async function pageThrough(
    variables: Variables,
    hooks: { between: (page: number) => Promise<unknown>; alongside: (page: number) => Promise<unknown> },
  ): Promise<Hit[]> {
    const seen: Hit[] = [];
    let after: string | null = null;
    for (let page = 0; page < 40; page++) {
      const [result]: [SearchResult, unknown] = await Promise.all([search(t, token, { ...variables, first: 7, after }), hooks.alongside(page)]);
      expect(result.edges.length).toBeLessThanOrEqual(7);
      expect(result.pageInfo.hasPreviousPage).toBe(after !== null);
      seen.push(...result.edges);
      if (!result.pageInfo.hasNextPage) return seen;
      expect(result.edges).toHaveLength(7);
      after = result.pageInfo.endCursor;
      await hooks.between(page);
    }
    throw new Error('paging did not end');
  }

  function expectEachOnce(seen: Hit[], existing: string[], published: string[]): void {
    const slugs = seen.map((hit) => hit.node.slug);
    expect(new Set(slugs).size).toBe(slugs.length);
    const fromStart = slugs.filter((slug) => existing.includes(slug));
    expect(fromStart).toEqual(existing);
    for (const slug of slugs) expect([...existing, ...published]).toContain(slug);
  }

  it('NEWEST sees every entry of the start exactly once', async () => {
    const rows: Array<{ slug: string }> = await t.dataSource.query(`SELECT slug FROM ai_system WHERE listed ORDER BY published_at DESC, id DESC`);
    const existing = rows.map((row) => row.slug);
    expect(existing.length).toBeGreaterThan(21);
    const published: string[] = [];
    const seen = await pageThrough(
      { orderBy: 'NEWEST' },
      {
        between: async () => published.push(await publish(t, team, newEntry('Neu'))),
        alongside: async () => published.push(await publish(t, team, newEntry('Parallel'))),
      },
    );
    expect(published.length).toBeGreaterThan(6);
    expectEachOnce(seen, existing, published);
    const dates = seen.map((hit) => hit.node.publishedAt);
    expect(dates).toEqual([...dates].sort().reverse());
  });

  it('NAME sees every entry of the start exactly once, in order', async () => {
    const rows: Array<{ slug: string }> = await t.dataSource.query(`SELECT slug FROM ai_system WHERE listed ORDER BY lower(name), id`);
    const existing = rows.map((row) => row.slug);
    const published: string[] = [];
    const prefixes = ['Aaa', 'Mmm', 'Zzz', 'Baa', 'Ooo', 'Yyy'];
    const seen = await pageThrough(
      { orderBy: 'NAME' },
      {
        between: async (page) => published.push(await publish(t, team, newEntry(prefixes[page % prefixes.length] ?? 'Zzz'))),
        alongside: async (page) => published.push(await publish(t, team, newEntry(prefixes[(page + 3) % prefixes.length] ?? 'Aaa'))),
      },
    );
    expectEachOnce(seen, existing, published);
    const names = seen.map((hit) => hit.node.published.name.toLowerCase());
    const sortedNames: Array<{ name: string }> = await t.dataSource.query(`SELECT n AS name FROM unnest($1::text[]) n ORDER BY n`, [names]);
    expect(names).toEqual(sortedNames.map((row) => row.name));
  });

  it('RELEVANCE for a query sees every hit of the start exactly once, scores never rising', async () => {
    const start = await search(t, token, { query: 'Modell' });
    expect(start.totalCount).toBe(start.edges.length);
    const existing = slugsOf(start);
    expect(existing.length).toBeGreaterThan(21);
    const published: string[] = [];
    const seen = await pageThrough(
      { query: 'Modell' },
      {
        between: async () => published.push(await publish(t, team, { ...newEntry('Neues'), description: 'Modell Modell Modell' })),
        alongside: async () => published.push(await publish(t, team, { ...newEntry('Paralleles'), shortDescription: 'Kein Treffer hier.' })),
      },
    );
    expectEachOnce(seen, existing, published);
    const scores = seen.map((hit) => hit.score ?? Number.NaN);
    expect(scores).toEqual([...scores].sort((a, b) => b - a));
  });
});

describe('relevance when a query matches more entries than the ranking looks at', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp();
  });

  afterAll(async () => {
    await t.close();
  });

  it('still puts the best match first', async () => {
    const team = await makeTeam(t);
    // One weak match published through the API, cloned in SQL to more than RANK_CANDIDATES (2,000) listed entries.
    const weak = await publish(t, team, { name: 'Füllwerk', shortDescription: 'Ein Eintrag für Tests.', description: 'Erwähnt Gewässerkunde einmal.' });
    await t.dataSource.query(
      `INSERT INTO ai_system (slug, organisation_id, status, version, draft, published, published_revision_id, created_by, updated_by,
                              published_at, first_published_at, listed, name, lifecycle, ai_act_risk_class, policy_areas, ai_techniques,
                              tags, licence, deployment_modes, languages, processes_personal_data, has_source_code, reuse_potential,
                              organisation_level, organisation_state, search_vector)
       SELECT s.slug || '-' || g, s.organisation_id, s.status, s.version, s.draft, s.published, s.published_revision_id, s.created_by, s.updated_by,
              s.published_at, s.first_published_at, true, s.name, s.lifecycle, s.ai_act_risk_class, s.policy_areas, s.ai_techniques,
              s.tags, s.licence, s.deployment_modes, s.languages, s.processes_personal_data, s.has_source_code, s.reuse_potential,
              s.organisation_level, s.organisation_state, s.search_vector
       FROM ai_system s, generate_series(1, 2100) g WHERE s.slug = $1`,
      [weak],
    );
    const best = await publish(t, team, { name: 'Gewässerkunde', shortDescription: 'Gewässerkunde für Wasserbehörden: Pegel, Abfluss und Gewässerkunde.' });

    const result = await search(t, await readerToken(t), { query: 'Gewässerkunde', first: 5 });
    expect(result.totalCount).toBe(2102);
    expect(result.edges[0]?.node.slug).toBe(best);
  });
});

import { codename } from './catalogue-variants.js';

/** What a search page asks for: hits with highlights and organisation, the total, facets and the next cursor. */
export const SEARCH_DOCUMENT = `query Search($query: String, $filter: AiSystemFilter, $orderBy: AiSystemOrder, $first: Int, $after: String) {
  searchAiSystems(query: $query, filter: $filter, orderBy: $orderBy, first: $first, after: $after) {
    totalCount
    didYouMean
    pageInfo { hasNextPage endCursor }
    facets { field valueCount values { value count } }
    edges {
      cursor
      score
      highlights { field html }
      node {
        id
        slug
        publishedAt
        published { name shortDescription lifecycle aiActRiskClass tags languages }
        organisation { name level state }
      }
    }
  }
}`;

export const PAGE_SIZE = 20;

export interface SearchVariables {
  query?: string;
  filter?: Record<string, unknown>;
  orderBy?: 'RELEVANCE' | 'NEWEST' | 'NAME';
  first: number;
  after?: string;
}

export interface Scenario {
  key: string;
  /** What the row stands for in the table. */
  label: string;
  variables: SearchVariables;
  /** 1, or the page reached by following endCursor (page - 1) times before measuring. */
  page: number;
  /** For deep pages: the scenario whose page 1 it is compared with. */
  comparedWith?: string;
}

/**
 * The query mix: rare, medium and very common terms, a typo, filters, browsing without a query, and page 50 of
 * both a browse and a common term (each compared with its page 1). The rare term is a product name of the
 * generated catalogue that about 15 entries carry.
 */
export function scenarios(): Scenario[] {
  const first = PAGE_SIZE;
  return [
    { key: 'rare', label: `rare term ("${codename(7)}")`, variables: { query: codename(7), first }, page: 1 },
    { key: 'medium-compound', label: 'medium, compound ("Spracherkennung")', variables: { query: 'Spracherkennung', first }, page: 1 },
    { key: 'medium', label: 'medium ("Chatbot")', variables: { query: 'Chatbot', first }, page: 1 },
    { key: 'common-daten', label: 'very common ("daten")', variables: { query: 'daten', first }, page: 1 },
    { key: 'common-verwaltung', label: 'very common ("verwaltung")', variables: { query: 'verwaltung', first }, page: 1 },
    {
      key: 'common-1-filter',
      label: 'very common + 1 filter ("daten", lifecycle IN_OPERATION)',
      variables: { query: 'daten', filter: { lifecycle: ['IN_OPERATION'] }, first },
      page: 1,
    },
    {
      key: 'medium-2-filters',
      label: 'medium + 2 filters ("Übersetzung", KOMMUNE, has source code)',
      variables: { query: 'Übersetzung', filter: { governmentLevel: ['KOMMUNE'], hasSourceCode: true }, first },
      page: 1,
    },
    { key: 'typo', label: 'typo, no hits ("Chatbto" → did you mean)', variables: { query: 'Chatbto', first }, page: 1 },
    { key: 'browse', label: 'browse, NEWEST, page 1', variables: { orderBy: 'NEWEST', first }, page: 1 },
    {
      key: 'browse-2-filters',
      label: 'browse + 2 filters (state BY, technique OCR)',
      variables: { orderBy: 'NEWEST', filter: { state: ['BY'], aiTechnique: ['OCR'] }, first },
      page: 1,
    },
    { key: 'browse-p50', label: 'browse, NEWEST, page 50', variables: { orderBy: 'NEWEST', first }, page: 50, comparedWith: 'browse' },
    {
      key: 'common-verwaltung-p50',
      label: 'very common ("verwaltung"), page 50',
      variables: { query: 'verwaltung', first },
      page: 50,
      comparedWith: 'common-verwaltung',
    },
  ];
}

import { BadUserInput, fromGlobalId } from '@app/common';
import type { AiSystemFilter } from './search.inputs.js';

export const MAX_QUERY_LENGTH = 500;
export const MAX_QUERY_WORDS = 12;

/**
 * The words of a user's query: letters and digits only, so nothing of tsquery's syntax (& | ! : * ( ) ' \)
 * ever reaches PostgreSQL. Null when there is no query (browse).
 */
export function queryWords(query: string | null | undefined): string[] | null {
  if (query === null || query === undefined) return null;
  if (query.length > MAX_QUERY_LENGTH) throw BadUserInput.field('query', `must be at most ${MAX_QUERY_LENGTH} characters`);
  const words = [...new Set(query.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [])].filter((w) => w.length <= 60);
  if (words.length === 0) throw BadUserInput.field('query', 'needs at least one word (letters or digits); leave it out to browse');
  if (words.length > MAX_QUERY_WORDS) throw BadUserInput.field('query', `may hold at most ${MAX_QUERY_WORDS} words`);
  return words;
}

/**
 * The word as written with umlauts and ß when it was typed without them ("strassenschaeden" → "straßenschäden"),
 * else null. PostgreSQL's German stemmer maps ae/oe/ue to umlauts only from version 16 on; with this alternative
 * the spelling without umlauts finds the same entries on every version. Wrong guesses ("wasser" → "waßer") only
 * add a term that matches nothing.
 */
export function umlautSpelling(word: string): string | null {
  const spelled = word.replaceAll('ae', 'ä').replaceAll('oe', 'ö').replaceAll('ue', 'ü').replaceAll('ss', 'ß');
  return spelled === word ? null : spelled;
}

/**
 * tsquery text: every word as a prefix (also in its umlaut spelling), a known compound also as its two parts; all
 * words must match. `weights` (e.g. AB) restricts matches to those parts of the document (name and short description).
 */
export function tsQueryText(words: string[], splits: ReadonlyMap<string, [string, string]>, weights = ''): string {
  return words
    .map((word) => {
      const spelled = umlautSpelling(word);
      const split = splits.get(word);
      const alternatives = [`'${word}':*${weights}`];
      if (spelled !== null) alternatives.push(`'${spelled}':*${weights}`);
      if (split) alternatives.push(`('${split[0]}':*${weights} & '${split[1]}':*${weights})`);
      return alternatives.length === 1 ? alternatives[0] : `(${alternatives.join(' | ')})`;
    })
    .join(' & ');
}

/** SQL: the tsquery of tsquery text parameter `param`, German and English stems (as the documents are indexed). */
export function tsQuerySql(param: string): string {
  return `to_tsquery('german', ${param}) || to_tsquery('english', ${param})`;
}

export type FacetField =
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

interface FacetColumn {
  column: string;
  shape: 'scalar' | 'array' | 'boolean';
}

/** Where each filter and facet lives in ai_system. */
export const facetColumns: Record<FacetField, FacetColumn> = {
  lifecycle: { column: 'lifecycle', shape: 'scalar' },
  aiActRiskClass: { column: 'ai_act_risk_class', shape: 'scalar' },
  organisation: { column: 'organisation_id', shape: 'scalar' },
  governmentLevel: { column: 'organisation_level', shape: 'scalar' },
  state: { column: 'organisation_state', shape: 'scalar' },
  policyArea: { column: 'policy_areas', shape: 'array' },
  aiTechnique: { column: 'ai_techniques', shape: 'array' },
  licence: { column: 'licence', shape: 'scalar' },
  deploymentMode: { column: 'deployment_modes', shape: 'array' },
  language: { column: 'languages', shape: 'array' },
  processesPersonalData: { column: 'processes_personal_data', shape: 'boolean' },
  hasSourceCode: { column: 'has_source_code', shape: 'boolean' },
  reusePotential: { column: 'reuse_potential', shape: 'scalar' },
};

export const facetFields = Object.keys(facetColumns) as FacetField[];

/** Appends parameters and hands out their placeholders. */
export class SqlParams {
  readonly values: unknown[] = [];
  add(value: unknown): string {
    this.values.push(value);
    return `$${this.values.length}`;
  }
}

/** Filters that are not facets. */
export type FilterField = FacetField | 'minRating';

/** One SQL condition per filter field that is set (on alias `s`), so facets can leave their own out. */
export function filterConditions(filter: AiSystemFilter | null | undefined, params: SqlParams): Map<FilterField, string> {
  const conditions = new Map<FilterField, string>();
  if (!filter) return conditions;
  if (filter.minRating !== null && filter.minRating !== undefined) conditions.set('minRating', `s.rating_average >= ${params.add(filter.minRating)}`);
  for (const field of facetFields) {
    const value = (filter as Record<string, unknown>)[field];
    if (value === null || value === undefined) continue;
    const { column, shape } = facetColumns[field];
    if (shape === 'boolean') {
      conditions.set(field, `s.${column} = ${params.add(value)}`);
      continue;
    }
    let values = value as string[];
    if (values.length === 0) continue;
    if (field === 'organisation') {
      values = values.map((id, index) => fromGlobalId(id, 'Organisation', `filter.organisation.${index}`));
      conditions.set(field, `s.${column} = ANY(${params.add(values)}::uuid[])`);
    } else if (shape === 'array') {
      conditions.set(field, `s.${column} && ${params.add(values)}::text[]`);
    } else {
      conditions.set(field, `s.${column} = ANY(${params.add(values)}::text[])`);
    }
  }
  return conditions;
}

/** AND of all conditions except the one of `without` (a facet's own filter). */
export function whereAll(conditions: Map<FilterField, string>, without?: FacetField): string {
  const parts = [...conditions].filter(([field]) => field !== without).map(([, sql]) => sql);
  return parts.length === 0 ? 'true' : parts.join(' AND ');
}

const MARK_START = '\u0001';
const MARK_END = '\u0002';
export const headlineOptions = `StartSel=${MARK_START}, StopSel=${MARK_END}, MaxWords=35, MinWords=12, MaxFragments=2, FragmentDelimiter=" … "`;

/**
 * SQL that HTML-escapes a text before ts_headline sees it: ts_headline drops anything that looks like a tag
 * (`<Vorname>` would vanish) but keeps entities, and our markers must not occur in the text itself.
 */
export function htmlEscapedSql(expression: string): string {
  let sql = `replace(replace(${expression}, chr(1), ''), chr(2), '')`;
  for (const [raw, entity] of [['&', '&amp;'], ['<', '&lt;'], ['>', '&gt;'], ['"', '&quot;']]) sql = `replace(${sql}, '${raw}', '${entity}')`;
  return sql;
}

/** ts_headline's output of an escaped text, with its markers turned into <mark>. */
export function highlightHtml(headline: string): string {
  return headline.replaceAll(MARK_START, '<mark>').replaceAll(MARK_END, '</mark>');
}

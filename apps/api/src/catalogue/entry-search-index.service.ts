import { Injectable } from '@nestjs/common';
import { TransactionService } from '@app/data';
import type { DraftContent } from './ai-system-content.rules.js';
import { compoundParts, splitCompound, vocabularyWords } from './german-compounds.js';

/** Every text of an entry that the search vector and the vocabulary read. */
export function searchableText(content: DraftContent): string {
  return [content.name, content.nameEn, content.shortDescription, content.shortDescriptionEn, content.description, content.descriptionEn, ...content.tags]
    .filter((text): text is string => text !== null)
    .join(' ');
}

/** The text weighted D besides the fields: tags, techniques, models and the known parts of compound words. */
export function searchExtraText(content: DraftContent, parts: string[]): string {
  return [...content.tags, ...content.aiTechniques.map((t) => t.toLowerCase().replace(/_/g, ' ')), ...content.modelsUsed, ...parts].join(' ');
}

/**
 * The SET list that derives the search columns of `ai_system s` from its published content and its `organisation o`;
 * `extra` is the SQL expression of the extra text. Shared with the benchmark's bulk loader so both index alike.
 */
export function searchColumnsSet(extra: string): string {
  return `name = s.published->>'name',
         lifecycle = s.published->>'lifecycle',
         ai_act_risk_class = s.published->>'aiActRiskClass',
         policy_areas = ARRAY(SELECT jsonb_array_elements_text(s.published->'policyAreas')),
         ai_techniques = ARRAY(SELECT jsonb_array_elements_text(s.published->'aiTechniques')),
         tags = ARRAY(SELECT lower(jsonb_array_elements_text(s.published->'tags'))),
         licence = s.published->>'licence',
         deployment_modes = ARRAY(SELECT jsonb_array_elements_text(s.published->'deploymentModes')),
         languages = ARRAY(SELECT jsonb_array_elements_text(s.published->'languages')),
         processes_personal_data = (s.published->>'processesPersonalData')::boolean,
         has_source_code = s.published->>'sourceCodeUrl' IS NOT NULL,
         reuse_potential = s.published->>'reusePotential',
         organisation_level = o.level,
         organisation_state = o.state,
         search_vector = ai_system_search_vector(s.published, ${extra})`;
}

/**
 * Keeps the search columns of ai_system in step with its published content, in the publishing
 * transaction: filter columns, the weighted tsvector (with German compounds split into known words)
 * and the vocabulary behind typo suggestions.
 */
@Injectable()
export class EntrySearchIndex {
  constructor(private readonly tx: TransactionService) {}

  async index(aiSystemId: string, previous: DraftContent | null = null): Promise<void> {
    const manager = this.tx.manager;
    const rows: Array<{ published: DraftContent }> = await manager.query(`SELECT published FROM ai_system WHERE id = $1`, [aiSystemId]);
    const content = rows[0]?.published;
    if (!content) return;
    const words = vocabularyWords(searchableText(content));
    await this.adjustVocabulary(previous === null ? [] : vocabularyWords(searchableText(previous)), words);
    const known = await this.knownWords(compoundParts(words));
    const parts = words.flatMap((word) => splitCompound(word, known) ?? []);
    await manager.query(`UPDATE ai_system s SET ${searchColumnsSet('$2')} FROM organisation o WHERE s.id = $1 AND o.id = s.organisation_id`, [
      aiSystemId,
      searchExtraText(content, parts),
    ]);
  }

  /** Recomputes the search columns without touching the vocabulary (e.g. after the vocabulary grew). */
  async reindex(aiSystemId: string): Promise<void> {
    const rows: Array<{ published: DraftContent | null }> = await this.tx.manager.query(`SELECT published FROM ai_system WHERE id = $1`, [aiSystemId]);
    await this.index(aiSystemId, rows[0]?.published ?? null);
  }

  /** An archived entry leaves the vocabulary. */
  async remove(content: DraftContent): Promise<void> {
    await this.adjustVocabulary(vocabularyWords(searchableText(content)), []);
  }

  private async adjustVocabulary(before: string[], after: string[]): Promise<void> {
    const old = new Set(before);
    const added = after.filter((word) => !old.has(word));
    const kept = new Set(after);
    const removed = before.filter((word) => !kept.has(word));
    const manager = this.tx.manager;
    if (added.length > 0) {
      await manager.query(
        `INSERT INTO search_vocabulary (word, documents) SELECT unnest($1::text[]), 1
         ON CONFLICT (word) DO UPDATE SET documents = search_vocabulary.documents + 1`,
        [added],
      );
    }
    if (removed.length > 0) {
      await manager.query(`UPDATE search_vocabulary SET documents = greatest(documents - 1, 0) WHERE word = ANY($1::text[])`, [removed]);
    }
  }

  private async knownWords(candidates: string[]): Promise<Set<string>> {
    if (candidates.length === 0) return new Set();
    const rows: Array<{ word: string }> = await this.tx.manager.query(
      `SELECT word FROM search_vocabulary WHERE word = ANY($1::text[]) AND documents > 0`,
      [candidates],
    );
    return new Set(rows.map((row) => row.word));
  }
}

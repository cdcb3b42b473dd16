import type { FieldProblem } from '@app/common';
import { AiActRiskClass, AssessmentStatus, type AiSystemContent, type GatedDetails } from '@app/data';
import type { AiSystemContentInput } from './ai-system-content.input.js';

/** A working copy: what a published entry must have may still be missing (null or empty). */
export type DraftContent = {
  [K in keyof AiSystemContent]: AiSystemContent[K] extends unknown[] | GatedDetails ? AiSystemContent[K] : K extends 'generalPurposeModel' ? boolean : AiSystemContent[K] | null;
};

export function emptyDraft(): DraftContent {
  return {
    name: null,
    nameEn: null,
    shortDescription: null,
    shortDescriptionEn: null,
    description: null,
    descriptionEn: null,
    contacts: [],
    policyAreas: [],
    tags: [],
    lifecycle: null,
    purpose: null,
    affectedGroups: [],
    aiTechniques: [],
    modelsUsed: [],
    inputData: null,
    processesPersonalData: null,
    humanOversight: null,
    risksAndMitigations: null,
    aiActRiskClass: null,
    generalPurposeModel: false,
    legalBasis: null,
    dpiaStatus: null,
    friaStatus: null,
    licence: null,
    sourceCodeUrl: null,
    documentationUrl: null,
    demoUrl: null,
    deploymentModes: [],
    languages: [],
    maintenance: null,
    maintainer: null,
    reusePotential: null,
    reuseConditions: null,
    cooperationWishes: null,
    gatedDetails: { deploymentNotes: null, technicalContact: null, repositoryAccess: null },
    version: null,
  };
}

const arrayFields = new Set<keyof DraftContent>(['contacts', 'policyAreas', 'tags', 'affectedGroups', 'aiTechniques', 'modelsUsed', 'deploymentModes', 'languages']);

function cleanText(value: string): string | null {
  const trimmed = value.trim();
  return trimmed === '' ? null : trimmed;
}

/** Applies a patch: a field left out keeps its value, null clears it; texts trimmed, lists de-duplicated. */
export function applyPatch(base: DraftContent, patch: AiSystemContentInput): DraftContent {
  const next: DraftContent = { ...base, gatedDetails: { ...base.gatedDetails } };
  for (const [key, value] of Object.entries(patch) as Array<[keyof DraftContent, unknown]>) {
    if (value === undefined) continue;
    if (key === 'gatedDetails') {
      const gated = (value ?? {}) as Partial<Record<keyof GatedDetails, string | null>>;
      for (const field of ['deploymentNotes', 'technicalContact', 'repositoryAccess'] as const) {
        const text = value === null ? null : gated[field];
        if (text !== undefined) next.gatedDetails[field] = text === null ? null : cleanText(text);
      }
      continue;
    }
    if (value === null) {
      (next as Record<string, unknown>)[key] = arrayFields.has(key) ? [] : key === 'generalPurposeModel' ? false : null;
    } else if (typeof value === 'string') {
      (next as Record<string, unknown>)[key] = cleanText(value);
    } else if (Array.isArray(value) && key !== 'contacts') {
      (next as Record<string, unknown>)[key] = [...new Set(value.map((v) => (typeof v === 'string' ? v.trim() : v)))];
    } else if (key === 'contacts') {
      (next as Record<string, unknown>)[key] = (value as Array<{ name: string; email: string; role: string }>).map((c) => ({
        name: c.name.trim(),
        email: c.email.trim().toLowerCase(),
        role: c.role.trim(),
      }));
    } else {
      (next as Record<string, unknown>)[key] = value;
    }
  }
  return next;
}

const required: Array<[keyof DraftContent, string]> = [
  ['name', 'is required'],
  ['shortDescription', 'is required (at most 350 characters)'],
  ['description', 'is required'],
  ['contacts', 'needs at least one contact'],
  ['policyAreas', 'needs at least one policy area'],
  ['lifecycle', 'is required'],
  ['purpose', 'is required'],
  ['aiTechniques', 'needs at least one AI technique'],
  ['inputData', 'is required'],
  ['processesPersonalData', 'must be answered'],
  ['humanOversight', 'is required'],
  ['risksAndMitigations', 'is required'],
  ['aiActRiskClass', 'is required (NOT_ASSESSED if not yet assessed)'],
  ['dpiaStatus', 'is required'],
  ['friaStatus', 'is required'],
  ['deploymentModes', 'needs at least one deployment mode'],
  ['languages', 'needs at least one language'],
  ['maintenance', 'is required'],
  ['reusePotential', 'is required'],
];

const highRisk = new Set([AiActRiskClass.HIGH_RISK_ANNEX_I, AiActRiskClass.HIGH_RISK_ANNEX_III]);

/** Everything that keeps a draft from being submitted, all at once, with field paths. */
export function submissionProblems(draft: DraftContent): FieldProblem[] {
  const problems: FieldProblem[] = [];
  for (const [field, message] of required) {
    const value = draft[field];
    if (value === null || (Array.isArray(value) && value.length === 0)) problems.push({ field: `content.${field}`, message });
  }
  if (draft.aiActRiskClass === AiActRiskClass.PROHIBITED) {
    problems.push({ field: 'content.aiActRiskClass', message: 'prohibited practices (Art. 5 AI Act) cannot be published' });
  }
  if (draft.aiActRiskClass !== null && highRisk.has(draft.aiActRiskClass) && draft.friaStatus === AssessmentStatus.NOT_REQUIRED) {
    problems.push({ field: 'content.friaStatus', message: 'public bodies deploying a high-risk system need a FRIA (Art. 27 AI Act)' });
  }
  if (draft.processesPersonalData === true && draft.legalBasis === null) {
    problems.push({ field: 'content.legalBasis', message: 'is required when personal data is processed' });
  }
  if (draft.sourceCodeUrl !== null && draft.licence === null) {
    problems.push({ field: 'content.licence', message: 'is required when source code is published' });
  }
  return problems;
}

/** A draft without problems is a complete entry. */
export function asContent(draft: DraftContent): AiSystemContent {
  return draft as AiSystemContent;
}

/** URL-safe slug from a German name: umlauts transliterated (ä → ae, ß → ss). */
export function slugify(name: string): string {
  return name
    .toLowerCase()
    .replace(/ä/g, 'ae')
    .replace(/ö/g, 'oe')
    .replace(/ü/g, 'ue')
    .replace(/ß/g, 'ss')
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 80)
    .replace(/-+$/, '');
}

import type {
  AiActRiskClass,
  AiTechnique,
  AssessmentStatus,
  DeploymentMode,
  Lifecycle,
  Maintenance,
  PolicyArea,
  ReusePotential,
} from './catalogue-enums.js';

export interface AiSystemContact {
  name: string;
  email: string;
  role: string;
}

/** Shown only to the owning organisation and to organisations with a current approved reuse request. */
export interface GatedDetails {
  deploymentNotes: string | null;
  technicalContact: string | null;
  repositoryAccess: string | null;
}

/**
 * Everything a publisher writes about an AI system; one immutable copy per revision. German texts are
 * required, English ones optional (`...En`).
 */
export interface AiSystemContent {
  name: string;
  nameEn: string | null;
  /** ≤ 350 characters. */
  shortDescription: string;
  shortDescriptionEn: string | null;
  description: string;
  descriptionEn: string | null;
  contacts: AiSystemContact[];
  policyAreas: PolicyArea[];
  tags: string[];
  lifecycle: Lifecycle;
  purpose: string;
  affectedGroups: string[];
  aiTechniques: AiTechnique[];
  modelsUsed: string[];
  inputData: string;
  processesPersonalData: boolean;
  humanOversight: string;
  risksAndMitigations: string;
  aiActRiskClass: AiActRiskClass;
  generalPurposeModel: boolean;
  legalBasis: string | null;
  dpiaStatus: AssessmentStatus;
  friaStatus: AssessmentStatus;
  /** SPDX licence id, e.g. EUPL-1.2; null when not open source. */
  licence: string | null;
  sourceCodeUrl: string | null;
  documentationUrl: string | null;
  demoUrl: string | null;
  deploymentModes: DeploymentMode[];
  /** ISO 639-1 codes of the languages the system works in. */
  languages: string[];
  maintenance: Maintenance;
  maintainer: string | null;
  reusePotential: ReusePotential;
  reuseConditions: string | null;
  cooperationWishes: string | null;
  gatedDetails: GatedDetails;
  version: string | null;
}

import { Field, Float, ID, Int, ObjectType } from '@nestjs/graphql';
import { Connection, toGlobalId } from '@app/common';
import type { OrganisationEntity } from '@app/data';
import { Node } from '../graphql/node.interface.js';
import { Organisation } from '../identity/organisation.type.js';
import type { DraftContent } from './ai-system-content.rules.js';
import { resolveOrganisation } from './organisation-field.js';
import { AiActRiskClass, AiTechnique, AssessmentStatus, DeploymentMode, EntryStatus, Lifecycle, Maintenance, PolicyArea, ReusePotential } from './catalogue-enums.graphql.js';

@ObjectType()
export class Contact {
  @Field()
  name!: string;

  @Field()
  email!: string;

  @Field()
  role!: string;
}

@ObjectType()
export class GatedDetails {
  @Field(() => String, { nullable: true })
  deploymentNotes!: string | null;

  @Field(() => String, { nullable: true })
  technicalContact!: string | null;

  @Field(() => String, { nullable: true })
  repositoryAccess!: string | null;
}

/** What an entry says. Published content has every field that submission requires; drafts may lack some. */
@ObjectType()
export class AiSystemContent {
  @Field(() => String, { nullable: true })
  name!: string | null;

  @Field(() => String, { nullable: true })
  nameEn!: string | null;

  @Field(() => String, { nullable: true })
  shortDescription!: string | null;

  @Field(() => String, { nullable: true })
  shortDescriptionEn!: string | null;

  @Field(() => String, { nullable: true })
  description!: string | null;

  @Field(() => String, { nullable: true })
  descriptionEn!: string | null;

  @Field(() => [Contact])
  contacts!: Contact[];

  @Field(() => [PolicyArea])
  policyAreas!: PolicyArea[];

  @Field(() => [String])
  tags!: string[];

  @Field(() => Lifecycle, { nullable: true })
  lifecycle!: Lifecycle | null;

  @Field(() => String, { nullable: true })
  purpose!: string | null;

  @Field(() => [String])
  affectedGroups!: string[];

  @Field(() => [AiTechnique])
  aiTechniques!: AiTechnique[];

  @Field(() => [String])
  modelsUsed!: string[];

  @Field(() => String, { nullable: true })
  inputData!: string | null;

  @Field(() => Boolean, { nullable: true })
  processesPersonalData!: boolean | null;

  @Field(() => String, { nullable: true })
  humanOversight!: string | null;

  @Field(() => String, { nullable: true })
  risksAndMitigations!: string | null;

  @Field(() => AiActRiskClass, { nullable: true })
  aiActRiskClass!: AiActRiskClass | null;

  @Field(() => Boolean)
  generalPurposeModel!: boolean;

  @Field(() => String, { nullable: true })
  legalBasis!: string | null;

  @Field(() => AssessmentStatus, { nullable: true })
  dpiaStatus!: AssessmentStatus | null;

  @Field(() => AssessmentStatus, { nullable: true })
  friaStatus!: AssessmentStatus | null;

  @Field(() => String, { nullable: true, description: 'SPDX licence id.' })
  licence!: string | null;

  @Field(() => String, { nullable: true })
  sourceCodeUrl!: string | null;

  @Field(() => String, { nullable: true })
  documentationUrl!: string | null;

  @Field(() => String, { nullable: true })
  demoUrl!: string | null;

  @Field(() => [DeploymentMode])
  deploymentModes!: DeploymentMode[];

  @Field(() => [String])
  languages!: string[];

  @Field(() => Maintenance, { nullable: true })
  maintenance!: Maintenance | null;

  @Field(() => String, { nullable: true })
  maintainer!: string | null;

  @Field(() => ReusePotential, { nullable: true })
  reusePotential!: ReusePotential | null;

  @Field(() => String, { nullable: true })
  reuseConditions!: string | null;

  @Field(() => String, { nullable: true })
  cooperationWishes!: string | null;

  @Field(() => GatedDetails, { nullable: true, description: 'Null unless your organisation owns the entry or holds a current approved reuse request.' })
  gatedDetails!: GatedDetails | null;

  @Field(() => Boolean, { description: 'True when gated details exist but are withheld from you.' })
  gated!: boolean;

  @Field(() => String, { nullable: true })
  version!: string | null;

  static from(content: DraftContent, showGated: boolean): AiSystemContent {
    const hasGated = Object.values(content.gatedDetails).some((value) => value !== null);
    return Object.assign(new AiSystemContent(), content, {
      gatedDetails: showGated ? content.gatedDetails : null,
      gated: hasGated && !showGated,
    });
  }
}

@ObjectType()
export class RatingSummary {
  @Field(() => Int)
  count!: number;

  @Field(() => Float, { nullable: true, description: 'Mean stars, two decimals; null without ratings.' })
  average!: number | null;

  @Field(() => [Int], { description: 'Number of ratings with 1, 2, 3, 4 and 5 stars.' })
  histogram!: number[];

  @Field(() => Int, { description: 'Ratings from organisations holding an approved reuse request.' })
  verifiedCount!: number;
}

@ObjectType('AiSystem', { implements: () => [Node] })
export class AiSystem implements Node {
  @Field(() => ID)
  id!: string;

  uuid!: string;

  organisationId!: string;

  /** Whether the caller may see the working copy and gated details (owning organisation). */
  ownerView!: boolean;

  /** Published and not archived: visible to every reader. */
  listed!: boolean;

  /** The owning organisation when the query that found the entry read it already (search); else the loader reads it. */
  loadedOrganisation?: OrganisationEntity;

  @Field(() => Organisation, { description: 'The organisation that owns and runs the system.', middleware: [resolveOrganisation] })
  organisation?: Organisation;

  @Field(() => RatingSummary, { description: 'Kept exact in the transaction of every rating.' })
  ratingSummary!: RatingSummary;

  @Field()
  slug!: string;

  @Field(() => EntryStatus, { description: 'Workflow state of the working copy; PUBLISHED means no pending changes.' })
  status!: EntryStatus;

  @Field(() => Int, { description: 'Changes with every write; pass it back as expectedVersion.' })
  version!: number;

  @Field(() => AiSystemContent, { nullable: true, description: 'The published revision; null until first published.' })
  published!: AiSystemContent | null;

  @Field(() => AiSystemContent, { nullable: true, description: 'The working copy; only for the owning organisation.' })
  draft!: AiSystemContent | null;

  @Field(() => Date, { nullable: true })
  publishedAt!: Date | null;

  @Field(() => Date, { nullable: true })
  firstPublishedAt!: Date | null;

  @Field(() => Date, { nullable: true })
  archivedAt!: Date | null;

  @Field()
  createdAt!: Date;

  @Field()
  updatedAt!: Date;
}

@ObjectType()
export class AiSystemConnection extends Connection(AiSystem) {}

@ObjectType('AiSystemRevision')
export class AiSystemRevision {
  @Field(() => ID)
  id!: string;

  @Field(() => Int)
  number!: number;

  @Field(() => AiSystemContent)
  content!: AiSystemContent;

  submittedById!: string;

  @Field()
  submittedAt!: Date;

  @Field(() => String, { nullable: true, description: 'APPROVED or CHANGES_REQUESTED; null while in review.' })
  outcome!: string | null;

  reviewedById!: string | null;

  @Field(() => Date, { nullable: true })
  reviewedAt!: Date | null;

  @Field(() => String, { nullable: true })
  reviewComment!: string | null;
}

export function aiSystemGlobalId(id: string): string {
  return toGlobalId('AiSystem', id);
}

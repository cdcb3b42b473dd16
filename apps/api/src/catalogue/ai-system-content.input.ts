import { createRequire } from 'node:module';
import { Field, InputType } from '@nestjs/graphql';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsEmail,
  IsEnum,
  IsOptional,
  IsString,
  IsUrl,
  Length,
  Matches,
  MaxLength,
  ValidateNested,
  registerDecorator,
  type ValidationOptions,
} from 'class-validator';
import { AiActRiskClass, AiTechnique, AssessmentStatus, DeploymentMode, Lifecycle, Maintenance, PolicyArea, ReusePotential } from './catalogue-enums.graphql.js';

const spdxIds = new Set<string>(createRequire(import.meta.url)('spdx-license-ids') as string[]);

export function isSpdxLicence(value: unknown): boolean {
  return typeof value === 'string' && spdxIds.has(value);
}

/** A licence id from the SPDX list (e.g. EUPL-1.2, Apache-2.0). */
function IsSpdxLicence(options?: ValidationOptions) {
  return (target: object, propertyName: string) =>
    registerDecorator({
      name: 'isSpdxLicence',
      target: target.constructor,
      propertyName,
      options: { message: 'must be an SPDX licence id such as EUPL-1.2 or Apache-2.0', ...options },
      validator: { validate: (value: unknown) => value === null || value === undefined || isSpdxLicence(value) },
    });
}

const url = { protocols: ['https', 'http'], require_protocol: true, require_tld: true };
const urlMessage = { message: 'must be an http(s) URL' };

@InputType()
export class ContactInput {
  @Field()
  @IsString()
  @Length(2, 200)
  name!: string;

  @Field()
  @IsEmail({}, { message: 'must be an e-mail address' })
  @MaxLength(254)
  email!: string;

  @Field({ description: 'e.g. Fachverantwortung, Technik, Datenschutz' })
  @IsString()
  @Length(2, 100)
  role!: string;
}

@InputType()
export class GatedDetailsInput {
  @Field(() => String, { nullable: true })
  @IsOptional()
  @IsString()
  @MaxLength(5000)
  deploymentNotes?: string | null;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @IsString()
  @MaxLength(500)
  technicalContact?: string | null;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @IsString()
  @MaxLength(5000)
  repositoryAccess?: string | null;
}

/**
 * Fields of an entry; every field may be left out while drafting (a missing field keeps its value,
 * null clears it). Formats are checked on every save, completeness on validate and submit.
 */
@InputType()
export class AiSystemContentInput {
  @Field(() => String, { nullable: true })
  @IsOptional()
  @IsString()
  @Length(3, 120)
  name?: string | null;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @IsString()
  @Length(3, 120)
  nameEn?: string | null;

  @Field(() => String, { nullable: true, description: 'At most 350 characters.' })
  @IsOptional()
  @IsString()
  @Length(10, 350)
  shortDescription?: string | null;

  @Field(() => String, { nullable: true, description: 'At most 350 characters.' })
  @IsOptional()
  @IsString()
  @Length(10, 350)
  shortDescriptionEn?: string | null;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @IsString()
  @MaxLength(20000)
  description?: string | null;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @IsString()
  @MaxLength(20000)
  descriptionEn?: string | null;

  @Field(() => [ContactInput], { nullable: true })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(10)
  @ValidateNested({ each: true })
  @Type(() => ContactInput)
  contacts?: ContactInput[] | null;

  @Field(() => [PolicyArea], { nullable: true })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(10)
  @IsEnum(PolicyArea, { each: true })
  policyAreas?: PolicyArea[] | null;

  @Field(() => [String], { nullable: true, description: 'Up to 30 tags, 2..50 characters each.' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(30)
  @IsString({ each: true })
  @Length(2, 50, { each: true })
  tags?: string[] | null;

  @Field(() => Lifecycle, { nullable: true })
  @IsOptional()
  @IsEnum(Lifecycle)
  lifecycle?: Lifecycle | null;

  @Field(() => String, { nullable: true, description: 'Purpose and expected impact.' })
  @IsOptional()
  @IsString()
  @MaxLength(5000)
  purpose?: string | null;

  @Field(() => [String], { nullable: true })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(20)
  @IsString({ each: true })
  @Length(2, 200, { each: true })
  affectedGroups?: string[] | null;

  @Field(() => [AiTechnique], { nullable: true })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(17)
  @IsEnum(AiTechnique, { each: true })
  aiTechniques?: AiTechnique[] | null;

  @Field(() => [String], { nullable: true })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(20)
  @IsString({ each: true })
  @Length(2, 200, { each: true })
  modelsUsed?: string[] | null;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @IsString()
  @MaxLength(5000)
  inputData?: string | null;

  @Field(() => Boolean, { nullable: true })
  @IsOptional()
  @IsBoolean()
  processesPersonalData?: boolean | null;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @IsString()
  @MaxLength(5000)
  humanOversight?: string | null;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @IsString()
  @MaxLength(5000)
  risksAndMitigations?: string | null;

  @Field(() => AiActRiskClass, { nullable: true })
  @IsOptional()
  @IsEnum(AiActRiskClass)
  aiActRiskClass?: AiActRiskClass | null;

  @Field(() => Boolean, { nullable: true })
  @IsOptional()
  @IsBoolean()
  generalPurposeModel?: boolean | null;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @IsString()
  @MaxLength(1000)
  legalBasis?: string | null;

  @Field(() => AssessmentStatus, { nullable: true })
  @IsOptional()
  @IsEnum(AssessmentStatus)
  dpiaStatus?: AssessmentStatus | null;

  @Field(() => AssessmentStatus, { nullable: true })
  @IsOptional()
  @IsEnum(AssessmentStatus)
  friaStatus?: AssessmentStatus | null;

  @Field(() => String, { nullable: true, description: 'SPDX licence id, e.g. EUPL-1.2.' })
  @IsOptional()
  @IsSpdxLicence()
  licence?: string | null;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @MaxLength(2000)
  @IsUrl(url, urlMessage)
  sourceCodeUrl?: string | null;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @MaxLength(2000)
  @IsUrl(url, urlMessage)
  documentationUrl?: string | null;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @MaxLength(2000)
  @IsUrl(url, urlMessage)
  demoUrl?: string | null;

  @Field(() => [DeploymentMode], { nullable: true })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(3)
  @IsEnum(DeploymentMode, { each: true })
  deploymentModes?: DeploymentMode[] | null;

  @Field(() => [String], { nullable: true, description: 'ISO 639-1 codes, e.g. de, en, uk.' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(30)
  @Matches(/^[a-z]{2}$/, { each: true, message: 'must be ISO 639-1 language codes such as de or en' })
  languages?: string[] | null;

  @Field(() => Maintenance, { nullable: true })
  @IsOptional()
  @IsEnum(Maintenance)
  maintenance?: Maintenance | null;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  maintainer?: string | null;

  @Field(() => ReusePotential, { nullable: true })
  @IsOptional()
  @IsEnum(ReusePotential)
  reusePotential?: ReusePotential | null;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @IsString()
  @MaxLength(3000)
  reuseConditions?: string | null;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @IsString()
  @MaxLength(3000)
  cooperationWishes?: string | null;

  @Field(() => GatedDetailsInput, { nullable: true, description: 'Shown only to the owner and to approved reusers.' })
  @IsOptional()
  @ValidateNested()
  @Type(() => GatedDetailsInput)
  gatedDetails?: GatedDetailsInput | null;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @IsString()
  @MaxLength(50)
  version?: string | null;
}

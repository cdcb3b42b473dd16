import { ArgsType, Field, Float, ID, InputType, registerEnumType } from '@nestjs/graphql';
import { Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsBoolean, IsEnum, IsNumber, IsOptional, IsString, Matches, Max, MaxLength, Min, ValidateNested } from 'class-validator';
import { ConnectionArgs } from '@app/common';
import { Bundesland, GovernmentLevel } from '@app/data';
import { AiActRiskClass, AiTechnique, DeploymentMode, Lifecycle, PolicyArea, ReusePotential } from './catalogue-enums.graphql.js';

export enum AiSystemOrder {
  RELEVANCE = 'RELEVANCE',
  NEWEST = 'NEWEST',
  NAME = 'NAME',
  RATING = 'RATING',
}

registerEnumType(AiSystemOrder, {
  name: 'AiSystemOrder',
  description:
    'RELEVANCE needs a query (and is the default with one; it ranks at most 2,000 name or short-description matches plus 2,000 others, so totalCount may exceed what its pages reach); NEWEST is the default without; RATING sorts by average stars, unrated last.',
});

/** Every list is "any of"; different fields combine with AND. */
@InputType()
export class AiSystemFilter {
  @Field(() => [Lifecycle], { nullable: true })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(20)
  @IsEnum(Lifecycle, { each: true })
  lifecycle?: Lifecycle[] | null;

  @Field(() => [AiActRiskClass], { nullable: true })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(20)
  @IsEnum(AiActRiskClass, { each: true })
  aiActRiskClass?: AiActRiskClass[] | null;

  @Field(() => [ID], { nullable: true, description: 'Owning organisations.' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(50)
  @IsString({ each: true })
  organisation?: string[] | null;

  @Field(() => [GovernmentLevel], { nullable: true })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(10)
  @IsEnum(GovernmentLevel, { each: true })
  governmentLevel?: GovernmentLevel[] | null;

  @Field(() => [Bundesland], { nullable: true })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(16)
  @IsEnum(Bundesland, { each: true })
  state?: Bundesland[] | null;

  @Field(() => [PolicyArea], { nullable: true })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(30)
  @IsEnum(PolicyArea, { each: true })
  policyArea?: PolicyArea[] | null;

  @Field(() => [AiTechnique], { nullable: true })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(30)
  @IsEnum(AiTechnique, { each: true })
  aiTechnique?: AiTechnique[] | null;

  @Field(() => [String], { nullable: true, description: 'SPDX licence ids.' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(30)
  @IsString({ each: true })
  @MaxLength(100, { each: true })
  licence?: string[] | null;

  @Field(() => [DeploymentMode], { nullable: true })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(10)
  @IsEnum(DeploymentMode, { each: true })
  deploymentMode?: DeploymentMode[] | null;

  @Field(() => [String], { nullable: true, description: 'ISO 639-1 codes.' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(30)
  @Matches(/^[a-z]{2}$/, { each: true, message: 'must be ISO 639-1 language codes such as de or en' })
  language?: string[] | null;

  @Field(() => Boolean, { nullable: true })
  @IsOptional()
  @IsBoolean()
  processesPersonalData?: boolean | null;

  @Field(() => Boolean, { nullable: true })
  @IsOptional()
  @IsBoolean()
  hasSourceCode?: boolean | null;

  @Field(() => [ReusePotential], { nullable: true })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(10)
  @IsEnum(ReusePotential, { each: true })
  reusePotential?: ReusePotential[] | null;

  @Field(() => Float, { nullable: true, description: 'Only entries whose average rating is at least this (1..5).' })
  @IsOptional()
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(1)
  @Max(5)
  minRating?: number | null;
}

@ArgsType()
export class SearchAiSystemsArgs extends ConnectionArgs {
  @Field(() => String, { nullable: true, description: 'Words to find (German or English, up to 500 characters); omit to browse.' })
  @IsOptional()
  @IsString()
  query?: string | null;

  @Field(() => AiSystemFilter, { nullable: true })
  @IsOptional()
  @ValidateNested()
  @Type(() => AiSystemFilter)
  filter?: AiSystemFilter | null;

  @Field(() => AiSystemOrder, { nullable: true })
  @IsOptional()
  @IsEnum(AiSystemOrder)
  orderBy?: AiSystemOrder | null;
}

import { Field, ID, InputType, Int, ObjectType, registerEnumType } from '@nestjs/graphql';
import { Type } from 'class-transformer';
import { IsEnum, IsInt, IsOptional, IsString, Length, Matches, Min, ValidateNested } from 'class-validator';
import { AiSystemContentInput } from './ai-system-content.input.js';
import { AiSystem } from './ai-system.type.js';

export enum ReviewDecision {
  APPROVE = 'APPROVE',
  REQUEST_CHANGES = 'REQUEST_CHANGES',
}

registerEnumType(ReviewDecision, { name: 'ReviewDecision' });

@InputType()
export class CreateAiSystemDraftInput {
  @Field(() => String, { nullable: true, description: 'Defaults to one made from the name (ä → ae, ß → ss).' })
  @IsOptional()
  @Length(3, 100)
  @Matches(/^[a-z0-9]+(-[a-z0-9]+)*$/, { message: 'must be lower-case letters and digits joined by single hyphens' })
  slug?: string | null;

  @Field(() => AiSystemContentInput, { description: 'The name is required; everything else may follow later.' })
  @ValidateNested()
  @Type(() => AiSystemContentInput)
  content!: AiSystemContentInput;
}

@InputType({ isAbstract: true })
abstract class VersionedInput {
  @Field(() => ID)
  @IsString()
  id!: string;

  @Field(() => Int, { description: 'The version you read; a stale one gets CONFLICT.' })
  @IsInt()
  @Min(1)
  expectedVersion!: number;
}

@InputType()
export class UpdateAiSystemDraftInput extends VersionedInput {
  @Field(() => AiSystemContentInput)
  @ValidateNested()
  @Type(() => AiSystemContentInput)
  content!: AiSystemContentInput;
}

@InputType()
export class SubmitAiSystemForReviewInput extends VersionedInput {}

@InputType()
export class ReviewAiSystemInput extends VersionedInput {
  @Field(() => ReviewDecision)
  @IsEnum(ReviewDecision)
  decision!: ReviewDecision;

  @Field(() => String, { nullable: true, description: 'Required when requesting changes.' })
  @IsOptional()
  @IsString()
  @Length(1, 5000)
  comment?: string | null;
}

@InputType()
export class ArchiveAiSystemInput extends VersionedInput {
  @Field(() => String, { nullable: true })
  @IsOptional()
  @IsString()
  @Length(1, 2000)
  reason?: string | null;
}

@ObjectType()
export class AiSystemPayload {
  @Field(() => AiSystem)
  aiSystem!: AiSystem;
}

@ObjectType()
export class ValidationProblem {
  @Field({ description: 'Path of the field, e.g. content.shortDescription.' })
  field!: string;

  @Field()
  message!: string;
}

@ObjectType()
export class AiSystemValidation {
  @Field()
  valid!: boolean;

  @Field(() => [ValidationProblem])
  problems!: ValidationProblem[];
}

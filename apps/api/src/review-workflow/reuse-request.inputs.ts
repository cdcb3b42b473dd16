import { ArgsType, Field, ID, InputType, Int, registerEnumType } from '@nestjs/graphql';
import { Type } from 'class-transformer';
import { IsBoolean, IsDate, IsEmail, IsEnum, IsInt, IsOptional, IsString, Length, Max, MaxLength, Min, ValidateNested } from 'class-validator';
import { ConnectionArgs } from '@app/common';
import { ReuseRequestState } from './reuse-request.types.js';

export enum ReuseDecision {
  APPROVE = 'APPROVE',
  REJECT = 'REJECT',
}

export enum ReuseRequestRole {
  REQUESTER = 'REQUESTER',
  OWNER = 'OWNER',
}

registerEnumType(ReuseDecision, { name: 'ReuseDecision' });
registerEnumType(ReuseRequestRole, { name: 'ReuseRequestRole', description: 'REQUESTER: requests your organisation made; OWNER: requests for your organisation\'s systems.' });

@InputType()
export class RequestReuseInput {
  @Field(() => ID)
  @IsString()
  aiSystemId!: string;

  @Field({ description: 'Why your organisation wants to reuse the system (1..5000 characters).' })
  @IsString()
  @Length(1, 5000)
  purpose!: string;

  @Field({ description: 'How and where it would be used (1..5000 characters).' })
  @IsString()
  @Length(1, 5000)
  intendedUse!: string;

  @Field(() => Int, { nullable: true })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(10_000_000)
  expectedUsers?: number | null;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @IsEmail({}, { message: 'must be an e-mail address' })
  @MaxLength(254)
  contactEmail?: string | null;

  @Field(() => Boolean, { nullable: true, description: 'List your organisation in usedBy once approved (default true).' })
  @IsOptional()
  @IsBoolean()
  listAsUser?: boolean | null;

  @Field(() => ID, { nullable: true, description: 'The rejected request this one follows up.' })
  @IsOptional()
  @IsString()
  previousRequestId?: string | null;

  @Field(() => String, { nullable: true, description: 'Idempotency key: a retry with the same key returns the first request.' })
  @IsOptional()
  @IsString()
  @Length(1, 100)
  clientMutationId?: string | null;
}

@InputType()
export class DecideReuseRequestInput {
  @Field(() => ID)
  @IsString()
  id!: string;

  @Field(() => ReuseDecision)
  @IsEnum(ReuseDecision)
  decision!: ReuseDecision;

  @Field(() => String, { nullable: true, description: 'Required when rejecting.' })
  @IsOptional()
  @IsString()
  @MaxLength(5000)
  note?: string | null;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @IsString()
  @MaxLength(5000)
  conditions?: string | null;

  @Field(() => Date, { nullable: true, description: 'When an approval ends; must lie in the future.' })
  @IsOptional()
  @Type(() => Date)
  @IsDate()
  expiresAt?: Date | null;

  @Field(() => Int)
  @IsInt()
  @Min(1)
  expectedVersion!: number;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @IsString()
  @Length(1, 100)
  clientMutationId?: string | null;
}

@InputType()
export class WithdrawReuseRequestInput {
  @Field(() => ID)
  @IsString()
  id!: string;

  @Field(() => Int)
  @IsInt()
  @Min(1)
  expectedVersion!: number;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @IsString()
  @Length(1, 100)
  clientMutationId?: string | null;
}

@InputType()
export class AddReuseRequestMessageInput {
  @Field(() => ID)
  @IsString()
  reuseRequestId!: string;

  @Field({ description: '1..5000 characters.' })
  @IsString()
  @Length(1, 5000)
  body!: string;
}

@InputType()
export class ReuseRequestFilter {
  @Field(() => ReuseRequestRole)
  @IsEnum(ReuseRequestRole)
  role!: ReuseRequestRole;

  @Field(() => ReuseRequestState, { nullable: true })
  @IsOptional()
  @IsEnum(ReuseRequestState)
  status?: ReuseRequestState | null;

  @Field(() => ID, { nullable: true })
  @IsOptional()
  @IsString()
  aiSystemId?: string | null;
}

@ArgsType()
export class ReuseRequestsArgs extends ConnectionArgs {
  @Field(() => ReuseRequestFilter)
  @ValidateNested()
  @Type(() => ReuseRequestFilter)
  filter!: ReuseRequestFilter;
}

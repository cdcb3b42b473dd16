import { ArgsType, Field, ID, InputType, Int, registerEnumType } from '@nestjs/graphql';
import { IsEnum, IsInt, IsOptional, IsString, Length, Max, Min } from 'class-validator';
import { ConnectionArgs } from '@app/common';

export enum RatingOrder {
  NEWEST = 'NEWEST',
  MOST_HELPFUL = 'MOST_HELPFUL',
}

registerEnumType(RatingOrder, { name: 'RatingOrder' });

@InputType()
export class RateAiSystemInput {
  @Field(() => ID)
  @IsString()
  aiSystemId!: string;

  @Field(() => Int, { description: '1..5' })
  @IsInt()
  @Min(1)
  @Max(5)
  stars!: number;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @IsString()
  @Length(1, 200)
  title?: string | null;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @IsString()
  @Length(1, 5000)
  text?: string | null;
}

@InputType()
export class ReplyToRatingInput {
  @Field(() => ID)
  @IsString()
  ratingId!: string;

  @Field({ description: '1..5000 characters.' })
  @IsString()
  @Length(1, 5000)
  reply!: string;
}

@InputType()
export class MarkRatingHelpfulInput {
  @Field(() => ID)
  @IsString()
  ratingId!: string;
}

@ArgsType()
export class RatingsArgs extends ConnectionArgs {
  @Field(() => RatingOrder, { nullable: true, description: 'Default NEWEST.' })
  @IsOptional()
  @IsEnum(RatingOrder)
  orderBy?: RatingOrder | null;
}

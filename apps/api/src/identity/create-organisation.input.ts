import { Field, InputType, ObjectType } from '@nestjs/graphql';
import { IsEnum, IsOptional, Length, Matches } from 'class-validator';
import { Bundesland, GovernmentLevel } from '@app/data';
import { Organisation } from './organisation.type.js';

@InputType()
export class CreateOrganisationInput {
  @Field({ description: '2..200 characters.' })
  @Length(2, 200)
  name!: string;

  @Field({ description: 'Lower-case words joined by hyphens, at most 80 characters, e.g. stadt-leipzig.' })
  @Length(2, 80)
  @Matches(/^[a-z0-9]+(-[a-z0-9]+)*$/, { message: 'must be lower-case letters and digits joined by single hyphens' })
  slug!: string;

  @Field(() => GovernmentLevel)
  @IsEnum(GovernmentLevel)
  level!: GovernmentLevel;

  @Field(() => Bundesland, { nullable: true, description: 'Required for LAND and KOMMUNE, absent for BUND.' })
  @IsOptional()
  @IsEnum(Bundesland)
  state?: Bundesland | null;
}

@ObjectType()
export class CreateOrganisationPayload {
  @Field(() => Organisation)
  organisation!: Organisation;
}

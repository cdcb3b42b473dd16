import { ArgsType, Field, ID, InputType, Int } from '@nestjs/graphql';
import { ArrayMaxSize, IsBoolean, IsInt, IsOptional, IsString } from 'class-validator';

@ArgsType()
export class NotificationsArgs {
  @Field(() => Boolean, { nullable: true, description: 'Only unread notifications (default false).' })
  @IsOptional()
  @IsBoolean()
  unreadOnly?: boolean | null;

  @Field(() => Int, { description: 'Page size, 1..100; newest first.' })
  @IsInt()
  first!: number;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @IsString()
  after?: string | null;
}

@InputType()
export class MarkNotificationsReadInput {
  @Field(() => [ID], { nullable: true, description: 'Notifications to mark read (up to 100); give ids or all.' })
  @IsOptional()
  @ArrayMaxSize(100)
  @IsString({ each: true })
  ids?: string[] | null;

  @Field(() => Boolean, { nullable: true, description: 'Mark every unread notification read.' })
  @IsOptional()
  @IsBoolean()
  all?: boolean | null;
}

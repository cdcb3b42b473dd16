import { Field, InputType, ObjectType, registerEnumType } from '@nestjs/graphql';
import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsEnum, IsString, MaxLength, ValidateNested } from 'class-validator';

export enum EmailDelivery {
  IMMEDIATE = 'IMMEDIATE',
  DAILY_DIGEST = 'DAILY_DIGEST',
  OFF = 'OFF',
}

registerEnumType(EmailDelivery, { name: 'EmailDelivery', description: 'IMMEDIATE: one mail per event; DAILY_DIGEST: one mail a day with the day\'s events; OFF: none.' });

export const DEFAULT_EMAIL_DELIVERY = EmailDelivery.IMMEDIATE;

@ObjectType({ description: 'How you hear of one event type. Webhooks are set per organisation (registerWebhook).' })
export class NotificationPreference {
  @Field()
  eventType!: string;

  @Field({ description: 'The in-app inbox and live subscription are always on.' })
  inApp!: boolean;

  @Field(() => EmailDelivery)
  email!: EmailDelivery;
}

@InputType()
export class NotificationPreferenceInput {
  @Field({ description: 'An event type name, e.g. ReuseRequestDecided (see notificationPreferences).' })
  @IsString()
  @MaxLength(100)
  eventType!: string;

  @Field(() => EmailDelivery)
  @IsEnum(EmailDelivery)
  email!: EmailDelivery;
}

@InputType()
export class UpdateNotificationPreferencesInput {
  @Field(() => [NotificationPreferenceInput], { description: 'The event types to change; others keep their setting.' })
  @ValidateNested({ each: true })
  @Type(() => NotificationPreferenceInput)
  @ArrayMinSize(1)
  @ArrayMaxSize(50)
  preferences!: NotificationPreferenceInput[];
}

@ObjectType()
export class UpdateNotificationPreferencesPayload {
  @Field(() => [NotificationPreference])
  preferences!: NotificationPreference[];
}

import { ArgsType, Field, ID, InputType, Int, ObjectType, registerEnumType } from '@nestjs/graphql';
import { ArrayMaxSize, ArrayMinSize, IsInt, IsOptional, IsString, Length, MaxLength } from 'class-validator';
import { Connection } from '@app/common';

export enum WebhookDeliveryStatus {
  PENDING = 'PENDING',
  SUCCEEDED = 'SUCCEEDED',
  FAILED = 'FAILED',
}

registerEnumType(WebhookDeliveryStatus, { name: 'WebhookDeliveryStatus', description: 'PENDING: not yet accepted (retrying); SUCCEEDED: a 2xx answer; FAILED: given up.' });

@ObjectType()
export class WebhookDelivery {
  @Field(() => ID, { description: 'Also sent as the X-KIM-Delivery header; a retry keeps it.' })
  id!: string;

  @Field()
  eventType!: string;

  @Field(() => WebhookDeliveryStatus)
  status!: WebhookDeliveryStatus;

  @Field(() => Int)
  attempts!: number;

  @Field(() => Int, { nullable: true, description: 'HTTP status of the last attempt.' })
  lastStatusCode!: number | null;

  @Field(() => String, { nullable: true })
  lastError!: string | null;

  @Field()
  createdAt!: Date;

  @Field(() => Date, { nullable: true })
  deliveredAt!: Date | null;
}

@ObjectType()
export class WebhookDeliveryConnection extends Connection(WebhookDelivery) {}

@ObjectType({ description: 'Your organisation\'s subscription of an HTTPS endpoint to event types. Its secret is never shown again.' })
export class Webhook {
  @Field(() => ID)
  id!: string;

  uuid!: string;

  @Field()
  url!: string;

  @Field(() => [String])
  events!: string[];

  @Field({ description: 'False after too many failed deliveries in a row (WEBHOOK_MAX_FAILURES).' })
  enabled!: boolean;

  @Field(() => Int)
  consecutiveFailures!: number;

  @Field()
  createdAt!: Date;

  @Field(() => Date, { nullable: true })
  disabledAt!: Date | null;
}

@InputType()
export class RegisterWebhookInput {
  @Field({ description: 'An https URL on a public address.' })
  @IsString()
  @MaxLength(2000)
  url!: string;

  @Field(() => [String], { description: 'Event type names, e.g. ReuseRequested.' })
  @IsString({ each: true })
  @ArrayMinSize(1)
  @ArrayMaxSize(20)
  events!: string[];

  @Field({ description: 'Key of the HMAC-SHA256 signature in X-KIM-Signature (16..200 characters).' })
  @IsString()
  @Length(16, 200)
  secret!: string;
}

@ObjectType()
export class RegisterWebhookPayload {
  @Field(() => Webhook)
  webhook!: Webhook;
}

@ArgsType()
export class WebhookDeliveriesArgs {
  @Field(() => Int, { description: 'Page size, 1..100; newest first.' })
  @IsInt()
  first!: number;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @IsString()
  after?: string | null;
}

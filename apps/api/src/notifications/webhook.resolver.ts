import { Args, Mutation, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import { Allow, CurrentActor, Role, type Actor } from '@app/common';
import { WebhookService } from './webhook.service.js';
import { RegisterWebhookInput, RegisterWebhookPayload, Webhook, WebhookDeliveriesArgs, WebhookDeliveryConnection } from './webhook.types.js';

@Resolver(() => Webhook)
export class WebhookResolver {
  constructor(private readonly service: WebhookService) {}

  @Mutation(() => RegisterWebhookPayload, { description: 'Subscribes an https endpoint of your organisation to event types; deliveries are signed with the secret.' })
  @Allow(Role.PUBLISHER, Role.REVIEWER)
  async registerWebhook(@Args('input') input: RegisterWebhookInput, @CurrentActor() actor: Actor): Promise<RegisterWebhookPayload> {
    return { webhook: await this.service.register(actor, input) };
  }

  @Query(() => [Webhook], { description: 'Your organisation\'s webhooks, oldest first.' })
  @Allow(Role.PUBLISHER, Role.REVIEWER)
  webhooks(@CurrentActor() actor: Actor): Promise<Webhook[]> {
    return this.service.list(actor);
  }

  @ResolveField(() => WebhookDeliveryConnection, { description: 'Deliveries, newest first, with their status.' })
  deliveries(@Parent() webhook: Webhook, @Args() args: WebhookDeliveriesArgs): Promise<WebhookDeliveryConnection> {
    return this.service.deliveries(webhook, args);
  }
}

import { Args, Mutation, Parent, Query, ResolveField, Resolver, Subscription } from '@nestjs/graphql';
import { Allow, CurrentActor, Role, type Actor } from '@app/common';
import { MarkNotificationsReadInput, NotificationsArgs } from './notification.inputs.js';
import { NotificationInboxService } from './notification-inbox.service.js';
import { NotificationLiveService } from './notification-live.service.js';
import { Language, renderNotification } from './notification-texts.js';
import { MarkNotificationsReadPayload, Notification, NotificationConnection } from './notification.types.js';

@Resolver(() => Notification)
export class NotificationResolver {
  constructor(
    private readonly inbox: NotificationInboxService,
    private readonly live: NotificationLiveService,
  ) {}

  @Query(() => NotificationConnection, { description: 'Your in-app inbox, newest first.' })
  @Allow(Role.AGENCY_USER)
  notifications(@Args() args: NotificationsArgs, @CurrentActor() actor: Actor): Promise<NotificationConnection> {
    return this.inbox.list(actor, args);
  }

  @Mutation(() => MarkNotificationsReadPayload, { description: 'Marks your notifications read: the given ids, or all.' })
  @Allow(Role.AGENCY_USER)
  markNotificationsRead(@Args('input') input: MarkNotificationsReadInput, @CurrentActor() actor: Actor): Promise<MarkNotificationsReadPayload> {
    return this.inbox.markRead(actor, input);
  }

  @Subscription(() => Notification, {
    description: 'Your new notifications as they are created (graphql-ws; connectionParams { authorization: "Bearer <token>" }).',
    resolve: (notification: Notification) => notification,
  })
  @Allow(Role.AGENCY_USER)
  notificationAdded(@CurrentActor() actor: Actor): AsyncIterableIterator<Notification> {
    return this.live.subscribe(actor.userId);
  }

  @ResolveField(() => String)
  title(@Parent() notification: Notification, @Args('language', { type: () => Language, defaultValue: Language.DE }) language: Language): string {
    return renderNotification(notification.eventType, notification.params, language).title;
  }

  @ResolveField(() => String)
  body(@Parent() notification: Notification, @Args('language', { type: () => Language, defaultValue: Language.DE }) language: Language): string {
    return renderNotification(notification.eventType, notification.params, language).body;
  }
}

import { Module, OnModuleInit } from '@nestjs/common';
import { NodeRegistry } from '../graphql/node-registry.service.js';
import { NotificationEmailService } from './notification-email.service.js';
import { NotificationFanoutService } from './notification-fanout.service.js';
import { NotificationInboxService } from './notification-inbox.service.js';
import { NotificationLiveService } from './notification-live.service.js';
import { NotificationPreferenceResolver } from './notification-preference.resolver.js';
import { NotificationPreferenceService } from './notification-preference.service.js';
import { NotificationResolver } from './notification.resolver.js';
import { UnsubscribeController } from './unsubscribe.controller.js';
import { WebhookResolver } from './webhook.resolver.js';
import { WebhookService } from './webhook.service.js';

/** Reacts to domain events only (through the job engine); no other module calls into it. */
@Module({
  providers: [NotificationFanoutService, NotificationInboxService, NotificationResolver, NotificationPreferenceService, NotificationPreferenceResolver, NotificationLiveService, NotificationEmailService, WebhookService, WebhookResolver],
  controllers: [UnsubscribeController],
  exports: [NotificationFanoutService],
})
export class NotificationsModule implements OnModuleInit {
  constructor(
    private readonly nodes: NodeRegistry,
    private readonly inbox: NotificationInboxService,
  ) {}

  onModuleInit(): void {
    this.nodes.register('Notification', (id, actor) => this.inbox.findVisible(id, actor));
  }
}

import { EventEmitter } from 'node:events';
import { Inject, Injectable, Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { createClient } from 'redis';
import { APP_CONFIG, type AppConfig } from '@app/common';
import { DATABASE_URL } from '@app/data';
import { pushIterator } from './async-queue.js';
import { NotificationFanoutService, type NotificationListener } from './notification-fanout.service.js';
import { Notification } from './notification.types.js';

type RedisClient = ReturnType<typeof createClient>;

type WireNotification = Omit<Notification, 'createdAt' | 'readAt'> & { createdAt: string; readAt: string | null };

/**
 * Live delivery: the process that created notifications publishes them; every api replica hands them to its own
 * subscribers. Through Redis pub/sub when REDIS_URL is set (any number of replicas and workers), in memory
 * otherwise (one process that also works the queue, like the embedded default).
 */
@Injectable()
export class NotificationLiveService implements NotificationListener, OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(NotificationLiveService.name);
  private readonly local = new EventEmitter();
  private readonly channel: string;
  private publisher: RedisClient | null = null;
  private subscriber: RedisClient | null = null;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(DATABASE_URL) databaseUrl: string,
    private readonly fanout: NotificationFanoutService,
  ) {
    this.local.setMaxListeners(0);
    // One channel per database, so deployments (and test databases) sharing a Redis do not hear each other.
    this.channel = `ki-marktplatz:notifications:${new URL(databaseUrl).pathname.slice(1)}`;
  }

  async onModuleInit(): Promise<void> {
    this.fanout.addListener(this);
    const url = this.config.notifications.redisUrl;
    if (url === null) return;
    this.publisher = createClient({ url });
    this.subscriber = this.publisher.duplicate();
    for (const client of [this.publisher, this.subscriber]) client.on('error', (error: Error) => this.logger.warn(`redis: ${error.message}`));
    await Promise.all([this.publisher.connect(), this.subscriber.connect()]);
    await this.subscriber.subscribe(this.channel, (message) => this.deliverLocally(JSON.parse(message) as WireNotification[]));
  }

  /** After the job engine stopped (beforeApplicationShutdown): a fan-out still running may publish until then. */
  async onApplicationShutdown(): Promise<void> {
    await Promise.all([this.subscriber, this.publisher].map((client) => (client?.isOpen ? client.quit() : Promise.resolve())));
    this.local.removeAllListeners();
  }

  async notificationsCreated(notifications: Notification[]): Promise<void> {
    if (notifications.length === 0) return;
    const wire = JSON.parse(JSON.stringify(notifications)) as WireNotification[];
    if (this.publisher === null) this.deliverLocally(wire);
    else await this.publisher.publish(this.channel, JSON.stringify(wire));
  }

  /** The caller's new notifications, as they are created anywhere. */
  subscribe(userId: string): AsyncIterableIterator<Notification> {
    return pushIterator<Notification>((push) => {
      this.local.on(userId, push);
      return () => this.local.off(userId, push);
    });
  }

  /** Open subscriptions of `userId` on this replica. */
  subscriberCount(userId: string): number {
    return this.local.listenerCount(userId);
  }

  private deliverLocally(wire: WireNotification[]): void {
    for (const item of wire) {
      const notification = Object.assign(new Notification(), item, { createdAt: new Date(item.createdAt), readAt: item.readAt === null ? null : new Date(item.readAt) });
      this.local.emit(notification.recipientId, notification);
    }
  }
}

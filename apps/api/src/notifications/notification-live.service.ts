import { EventEmitter } from 'node:events';
import { Inject, Injectable, Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { createClient } from 'redis';
import { APP_CONFIG, type AppConfig } from '@app/common';
import { DATABASE_URL } from '@app/data';
import { pushIterator } from './async-queue.js';
import { NotificationFanoutService, type NotificationListener } from './notification-fanout.service.js';
import { Notification } from './notification.types.js';

type RedisClient = ReturnType<typeof createClient>;

/** How long a fan-out waits for Redis to take its live message. */
const PUBLISH_TIMEOUT_MS = 1000;

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
    // While Redis is unreachable a publish fails at once instead of waiting in the offline queue.
    this.publisher = createClient({ url, disableOfflineQueue: true });
    this.subscriber = this.publisher.duplicate();
    for (const client of [this.publisher, this.subscriber]) client.on('error', (error: Error) => this.logger.warn(`redis: ${error.message}`));
    await Promise.all([this.publisher.connect(), this.subscriber.connect()]);
    await this.subscriber.subscribe(this.channel, (message) => this.deliverLocally(JSON.parse(message) as WireNotification[]));
  }

  /** After the job engine stopped (beforeApplicationShutdown): a fan-out still running may publish until then. */
  async onApplicationShutdown(): Promise<void> {
    // destroy, not quit: quit waits for Redis to answer, which a Redis that went silent never does.
    for (const client of [this.subscriber, this.publisher]) if (client?.isOpen) client.destroy();
    this.local.removeAllListeners();
  }

  async notificationsCreated(notifications: Notification[]): Promise<void> {
    if (notifications.length === 0) return;
    const wire = JSON.parse(JSON.stringify(notifications)) as WireNotification[];
    if (this.publisher === null) {
      this.deliverLocally(wire);
      return;
    }
    // A Redis that stopped answering must not hold the fan-out: the inbox row is the source of truth.
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`redis did not confirm the publish within ${PUBLISH_TIMEOUT_MS} ms`)), PUBLISH_TIMEOUT_MS);
    });
    try {
      await Promise.race([this.publisher.publish(this.channel, JSON.stringify(wire)), late]);
    } finally {
      clearTimeout(timer);
    }
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

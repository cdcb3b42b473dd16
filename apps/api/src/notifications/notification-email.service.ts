import { randomUUID } from 'node:crypto';
import { Inject, Injectable, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import nodemailer, { type Transporter } from 'nodemailer';
import { APP_CONFIG, loadOrCreateLocalSecret, type AppConfig } from '@app/common';
import { JobQueue, TransactionService } from '@app/data';
import { deliveryId } from './notification-id.js';
import { digestMail, immediateMail, type RenderedMail } from './notification-mail.js';
import { NotificationFanoutService, type FannedOutEvent, type FanoutChannel } from './notification-fanout.service.js';
import { NotificationPreferenceService } from './notification-preference.service.js';
import { EmailDelivery } from './notification-preference.types.js';
import type { NotificationParams } from './notification-texts.js';
import { createUnsubscribeToken } from './unsubscribe-token.js';

export const EMAIL_SEND_QUEUE = 'email-send';
export const EMAIL_DIGEST_QUEUE = 'email-digest';
export const EMAIL_DIGEST_SEND_QUEUE = 'email-digest-send';

interface Recipient {
  recipientId: string;
  email: string;
  displayName: string;
}

/**
 * E-mail channel (on when SMTP_URL is set). The fan-out's transaction records one email_delivery per recipient who
 * wants mail and enqueues IMMEDIATE ones; DAILY_DIGEST ones wait for the scheduled digest. A delivery is marked
 * SENT after the SMTP server accepted it; see ADR 0008 for what a crash in between means.
 */
@Injectable()
export class NotificationEmailService implements FanoutChannel, OnModuleInit, OnApplicationShutdown {
  private transporter: Transporter | null = null;
  readonly secret: Uint8Array;

  constructor(
    private readonly tx: TransactionService,
    private readonly jobs: JobQueue,
    private readonly fanout: NotificationFanoutService,
    private readonly preferences: NotificationPreferenceService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    this.secret = loadOrCreateLocalSecret(config.dataDir, config.notifications.secret, 'notification-secret');
  }

  async onModuleInit(): Promise<void> {
    const smtpUrl = this.config.notifications.smtpUrl;
    if (smtpUrl === null) return;
    this.transporter = nodemailer.createTransport(smtpUrl);
    this.fanout.addChannel(this);
    await this.jobs.define({ name: EMAIL_SEND_QUEUE, retryBackoff: true, deadLetter: `${EMAIL_SEND_QUEUE}-dead` });
    await this.jobs.define({ name: EMAIL_DIGEST_QUEUE, retryLimit: 3 });
    await this.jobs.define({ name: EMAIL_DIGEST_SEND_QUEUE, retryBackoff: true, deadLetter: `${EMAIL_DIGEST_SEND_QUEUE}-dead` });
    this.jobs.schedule(EMAIL_DIGEST_QUEUE, this.config.jobs.digestCron);
    await this.jobs.work<{ deliveryId: string }>(EMAIL_SEND_QUEUE, (job) => this.sendImmediate(job.deliveryId));
    await this.jobs.work(EMAIL_DIGEST_QUEUE, async () => {
      await this.collectDigests();
    });
    await this.jobs.work<{ digestId: string }>(EMAIL_DIGEST_SEND_QUEUE, (job) => this.sendDigest(job.digestId));
  }

  /** After the job engine stopped (beforeApplicationShutdown), so a send that is under way finishes. */
  onApplicationShutdown(): void {
    this.transporter?.close();
  }

  async enqueue(fanned: FannedOutEvent, created: ReadonlySet<string>): Promise<void> {
    const userIds = fanned.recipients.map((r) => r.userId).filter((id) => created.has(id));
    if (userIds.length === 0) return;
    const modes = await this.preferences.emailDeliveries(userIds, fanned.event.type);
    const wanted = userIds.flatMap((userId) => {
      const mode = modes.get(userId);
      if (mode === undefined || mode === EmailDelivery.OFF) return [];
      return [{ id: deliveryId(fanned.event.id, userId, 'EMAIL'), notification_id: deliveryId(fanned.event.id, userId, 'IN_APP'), recipient_id: userId, mode }];
    });
    if (wanted.length === 0) return;
    const rows: Array<{ id: string; mode: EmailDelivery }> = await this.tx.manager.query(
      `INSERT INTO email_delivery (id, notification_id, recipient_id, mode)
       SELECT d.id, d.notification_id, d.recipient_id, d.mode FROM jsonb_to_recordset($1) AS d (id uuid, notification_id uuid, recipient_id uuid, mode text)
       ON CONFLICT DO NOTHING RETURNING id, mode`,
      [JSON.stringify(wanted)],
    );
    for (const row of rows) {
      if (row.mode === EmailDelivery.IMMEDIATE) await this.jobs.send(EMAIL_SEND_QUEUE, { deliveryId: row.id }, { id: row.id });
    }
  }

  /**
   * Sends one pending delivery, holding its row lock until SENT is committed: a concurrent or redelivered job waits
   * and then finds it SENT. Only a crash between the SMTP server's acceptance and that commit sends it again.
   */
  async sendImmediate(id: string): Promise<void> {
    await this.tx.run(async (manager) => {
      const rows: Array<Recipient & { status: string; eventType: string; params: NotificationParams }> = await manager.query(
        `SELECT d.status, d.recipient_id AS "recipientId", u.email, u.display_name AS "displayName", n.event_type AS "eventType", n.params
         FROM email_delivery d JOIN app_user u ON u.id = d.recipient_id JOIN notification n ON n.id = d.notification_id WHERE d.id = $1 FOR UPDATE OF d`,
        [id],
      );
      const row = rows[0];
      if (row === undefined || row.status !== 'PENDING') return;
      // The recipient may have changed their mind since the fan-out: the choice at send time counts.
      const mode = (await this.preferences.emailDeliveries([row.recipientId], row.eventType)).get(row.recipientId);
      if (mode === EmailDelivery.OFF) {
        await manager.query(`UPDATE email_delivery SET status = 'SKIPPED' WHERE id = $1`, [id]);
        return;
      }
      if (mode === EmailDelivery.DAILY_DIGEST) {
        await manager.query(`UPDATE email_delivery SET mode = 'DAILY_DIGEST' WHERE id = $1`, [id]);
        return;
      }
      await this.send(row, id, immediateMail(row, row.displayName, this.unsubscribeUrl(row.recipientId, row.eventType), this.inboxUrl()), row.eventType);
      await manager.query(`UPDATE email_delivery SET status = 'SENT', sent_at = now() WHERE id = $1`, [id]);
    });
  }

  /**
   * Claims every waiting digest delivery into one digest per recipient and enqueues its mail. Concurrent runs
   * block on the rows and find them claimed, so each delivery belongs to exactly one digest.
   */
  async collectDigests(): Promise<number> {
    return this.tx.run(async (manager) => {
      const due: Array<{ recipientId: string }> = await manager.query(
        `SELECT DISTINCT recipient_id AS "recipientId" FROM email_delivery WHERE mode = 'DAILY_DIGEST' AND digest_id IS NULL AND status = 'PENDING'`,
      );
      let digests = 0;
      for (const { recipientId } of due) {
        const digestId = randomUUID();
        await manager.query(`INSERT INTO email_digest (id, recipient_id) VALUES ($1, $2)`, [digestId, recipientId]);
        const [, claimed]: [unknown[], number] = await manager.query(
          `UPDATE email_delivery SET digest_id = $1 WHERE recipient_id = $2 AND mode = 'DAILY_DIGEST' AND digest_id IS NULL AND status = 'PENDING'`,
          [digestId, recipientId],
        );
        if (claimed === 0) {
          await manager.query(`DELETE FROM email_digest WHERE id = $1`, [digestId]);
          continue;
        }
        await this.jobs.send(EMAIL_DIGEST_SEND_QUEUE, { digestId }, { id: digestId });
        digests++;
      }
      return digests;
    });
  }

  async sendDigest(digestId: string): Promise<void> {
    await this.tx.run(async (manager) => {
      const digests: Array<Recipient & { status: string }> = await manager.query(
        `SELECT g.status, g.recipient_id AS "recipientId", u.email, u.display_name AS "displayName"
         FROM email_digest g JOIN app_user u ON u.id = g.recipient_id WHERE g.id = $1 FOR UPDATE OF g`,
        [digestId],
      );
      const digest = digests[0];
      if (digest === undefined || digest.status !== 'PENDING') return;
      const claimed: Array<{ id: string; eventType: string; params: NotificationParams }> = await manager.query(
        `SELECT d.id, n.event_type AS "eventType", n.params FROM email_delivery d JOIN notification n ON n.id = d.notification_id
         WHERE d.digest_id = $1 AND d.status = 'PENDING' ORDER BY n.created_at, n.id`,
        [digestId],
      );
      // Event types the recipient turned off since the fan-out are left out (the choice at send time counts).
      const modes = await Promise.all(claimed.map(async (item) => (await this.preferences.emailDeliveries([digest.recipientId], item.eventType)).get(digest.recipientId)));
      const items = claimed.filter((_, index) => modes[index] !== EmailDelivery.OFF);
      const skipped = claimed.filter((_, index) => modes[index] === EmailDelivery.OFF).map((item) => item.id);
      if (skipped.length > 0) await manager.query(`UPDATE email_delivery SET status = 'SKIPPED' WHERE id = ANY($1)`, [skipped]);
      if (items.length > 0) await this.send(digest, digestId, digestMail(items, digest.displayName, this.unsubscribeUrl(digest.recipientId, null), this.inboxUrl()), null);
      await manager.query(`UPDATE email_digest SET status = 'SENT', sent_at = now() WHERE id = $1`, [digestId]);
      await manager.query(`UPDATE email_delivery SET status = 'SENT', sent_at = now() WHERE digest_id = $1 AND status = 'PENDING'`, [digestId]);
    });
  }

  unsubscribeUrl(userId: string, eventType: string | null): string {
    return `${this.config.notifications.publicUrl}/notifications/unsubscribe?token=${createUnsubscribeToken(this.secret, { userId, eventType })}`;
  }

  private inboxUrl(): string {
    return `${this.config.notifications.publicUrl}/graphql`;
  }

  /** The Message-ID is derived from the delivery, so a resend after a crash is recognisable as the same mail. */
  private async send(to: Recipient, id: string, mail: RenderedMail, eventType: string | null): Promise<void> {
    if (this.transporter === null) throw new Error('e-mail is not configured');
    const unsubscribe = this.unsubscribeUrl(to.recipientId, eventType);
    await this.transporter.sendMail({
      from: this.config.notifications.mailFrom,
      to: { name: to.displayName, address: to.email },
      subject: mail.subject,
      text: mail.text,
      html: mail.html,
      messageId: `<${id}@ki-marktplatz>`,
      headers: { 'List-Unsubscribe': `<${unsubscribe}>`, 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' },
    });
  }
}

import type { ParsedMail } from 'mailparser';
import request from 'supertest';
import { Role } from '@app/common';
import { createTestApp, makeOrganisation, makePublishedEntry, makeUser, type MadeUser, type TestApp, eventually, startMailSink, type MailSink } from '@app/testing';
import { NotificationEmailService } from '../apps/api/src/notifications/notification-email.service.js';
import { NotificationFanoutService } from '../apps/api/src/notifications/notification-fanout.service.js';

const REQUEST = `mutation($input: RequestReuseInput!) { requestReuse(input: $input) { reuseRequest { id } } }`;
const UPDATE = `mutation($input: UpdateNotificationPreferencesInput!) { updateNotificationPreferences(input: $input) { preferences { eventType email } } }`;


describe('notifications by e-mail (a real SMTP server)', () => {
  let smtp: MailSink;
  let t: TestApp;
  let owner: { publisher: MadeUser; reviewer: MadeUser; quietReviewer: MadeUser; digestReviewer: MadeUser };

  beforeAll(async () => {
    smtp = await startMailSink();
    t = await createTestApp({ WORKER: 'true', SMTP_URL: smtp.url, PUBLIC_URL: 'https://kim.example', MAIL_FROM: 'ki-marktplatz <noreply@kim.example>' });
    const ownerOrg = await makeOrganisation(t.dataSource, { name: 'Landesamt Post' });
    owner = {
      publisher: await makeUser(t.dataSource, { organisation: ownerOrg, roles: [Role.PUBLISHER] }),
      reviewer: await makeUser(t.dataSource, { organisation: ownerOrg, roles: [Role.REVIEWER], displayName: 'Rita Prüfer' }),
      quietReviewer: await makeUser(t.dataSource, { organisation: ownerOrg, roles: [Role.REVIEWER] }),
      digestReviewer: await makeUser(t.dataSource, { organisation: ownerOrg, roles: [Role.REVIEWER] }),
    };
  });

  afterAll(async () => {
    await t?.close();
    await smtp.close();
  });

  async function as(user: MadeUser, query: string, variables: Record<string, unknown> = {}) {
    return t.gql<Record<string, any>>(query, variables, await t.tokenFor(user));
  }

  async function jobsDone(): Promise<void> {
    await eventually(async () => {
      const rows: Array<{ n: number }> = await t.dataSource.query(`SELECT count(*)::int AS n FROM pgboss.job WHERE name NOT LIKE '%-dead' AND name <> 'approval-expiry-scan' AND state < 'completed'`);
      return rows[0]?.n === 0;
    });
  }

  const to = (user: MadeUser) => smtp.to(user.email);

  async function requestReuse(name: string): Promise<string> {
    const system = await makePublishedEntry(t.dataSource, { id: owner.publisher.organisationId, slug: owner.publisher.organisationSlug } as never, { name });
    const requester = await makeUser(t.dataSource, { organisation: await makeOrganisation(t.dataSource, { name: `Stadt ${name}` }) });
    const res = await as(requester, REQUEST, { input: { aiSystemId: system.globalId, purpose: 'Post', intendedUse: 'Test' } });
    expect(res.errors).toBeUndefined();
    return res.data?.requestReuse.reuseRequest.id;
  }

  it('mails IMMEDIATE recipients once, German plain and HTML with English below and an unsubscribe link; OFF gets nothing', async () => {
    await as(owner.quietReviewer, UPDATE, { input: { preferences: [{ eventType: 'ReuseRequested', email: 'OFF' }] } });
    await as(owner.digestReviewer, UPDATE, { input: { preferences: [{ eventType: 'ReuseRequested', email: 'DAILY_DIGEST' }] } });
    await requestReuse('Postsortierung');
    await jobsDone();

    const mine = to(owner.reviewer);
    expect(mine).toHaveLength(1);
    const mail = mine[0] as ParsedMail;
    expect(mail.subject).toBe('[ki-marktplatz] Nachnutzungsanfrage für „Postsortierung“');
    expect(mail.from?.value[0]).toMatchObject({ name: 'ki-marktplatz', address: 'noreply@kim.example' });
    expect(mail.text).toContain('Hallo Rita Prüfer,');
    expect(mail.text).toContain('Stadt Postsortierung möchte „Postsortierung“ nachnutzen.');
    expect(mail.text).toContain('-- English --\nReuse request for „Postsortierung“');
    expect(mail.html).toContain('<p>Hallo Rita Prüfer,</p>');
    expect(mail.html).toContain('lang="en"');
    expect(mail.messageId).toMatch(/^<[0-9a-f-]{36}@ki-marktplatz>$/);
    expect(mail.headerLines.find((h) => h.key === 'list-unsubscribe-post')?.line).toBe('List-Unsubscribe-Post: List-Unsubscribe=One-Click');
    expect(mail.headerLines.find((h) => h.key === 'list-unsubscribe')?.line).toMatch(/^List-Unsubscribe:\s+<https:\/\/kim\.example\/notifications\/unsubscribe\?token=/);
    expect(mail.text).toMatch(/Abbestellen \/ Unsubscribe: https:\/\/kim\.example\/notifications\/unsubscribe\?token=[\w-]+\.[\w-]+/);

    // Both still have it in the inbox; neither got a mail.
    expect(to(owner.quietReviewer)).toEqual([]);
    expect(to(owner.digestReviewer)).toEqual([]);
    const inbox: Array<{ n: number }> = await t.dataSource.query(`SELECT count(*)::int AS n FROM notification WHERE recipient_id = ANY($1)`, [[owner.quietReviewer.id, owner.digestReviewer.id]]);
    expect(inbox[0]?.n).toBe(2);
  });

  it('sends no second mail when the fan-out or the send job runs again', async () => {
    const before = smtp.mails.length;
    const deliveries: Array<{ id: string; eventId: string }> = await t.dataSource.query(
      `SELECT d.id, n.event_id AS "eventId" FROM email_delivery d JOIN notification n ON n.id = d.notification_id WHERE d.recipient_id = $1`,
      [owner.reviewer.id],
    );
    expect(deliveries).toHaveLength(1);
    const [delivery] = deliveries;
    const email = t.app.get(NotificationEmailService);
    await Promise.all([email.sendImmediate(delivery?.id ?? ''), email.sendImmediate(delivery?.id ?? '')]);
    expect(await t.app.get(NotificationFanoutService).handle(delivery?.eventId ?? '')).toEqual([]);
    await jobsDone();
    expect(smtp.mails.length).toBe(before);
  });

  it('collects DAILY_DIGEST events into one digest mail that lists each of the day’s events once', async () => {
    await requestReuse('Aktenordnung');
    await requestReuse('Terminvergabe');
    await jobsDone();
    expect(to(owner.digestReviewer)).toEqual([]);

    const schedules: Array<{ name: string; cron: string; timezone: string }> = await t.dataSource.query(`SELECT name, cron, timezone FROM pgboss.schedule`);
    expect(schedules).toContainEqual({ name: 'email-digest', cron: '0 7 * * *', timezone: 'Europe/Berlin' });
    const email = t.app.get(NotificationEmailService);
    const runs = await Promise.all([email.collectDigests(), email.collectDigests()]);
    expect(runs.reduce((a, b) => a + b, 0)).toBe(1);
    await jobsDone();
    const digests = to(owner.digestReviewer);
    expect(digests).toHaveLength(1);
    const digest = digests[0] as ParsedMail;
    expect(digest.subject).toBe('[ki-marktplatz] Ihre Tagesübersicht: 3 Benachrichtigungen');
    for (const name of ['Postsortierung', 'Aktenordnung', 'Terminvergabe']) {
      expect(digest.text?.split(`* Nachnutzungsanfrage für „${name}“`)).toHaveLength(2);
    }

    expect(await email.collectDigests()).toBe(0);
    await requestReuse('Bauantrag');
    await jobsDone();
    expect(await email.collectDigests()).toBe(1);
    await jobsDone();
    const next = to(owner.digestReviewer);
    expect(next).toHaveLength(2);
    expect(next[1]?.subject).toBe('[ki-marktplatz] Ihre Tagesübersicht: 1 Benachrichtigung');
    expect(next[1]?.text).not.toContain('Postsortierung');
  });

  it('unsubscribes through the signed link without signing in, and refuses a tampered link', async () => {
    const link = (to(owner.reviewer)[0]?.text ?? '').match(/https:\/\/kim\.example(\/notifications\/unsubscribe\?token=([\w.-]+))/);
    const path = link?.[1] ?? '';
    const token = link?.[2] ?? '';
    const server = t.app.getHttpServer();

    const page = await request(server).get(path).expect(200);
    expect(page.text).toContain('<form method="post">');
    const before: Array<{ email: string }> = await t.dataSource.query(`SELECT email FROM notification_preference WHERE user_id = $1 AND event_type = 'ReuseRequested'`, [owner.reviewer.id]);
    expect(before).toEqual([]);

    const [payload, signature] = token.split('.');
    const otherUser = Buffer.from(JSON.stringify({ u: owner.quietReviewer.id, e: null })).toString('base64url');
    for (const tampered of [`${otherUser}.${signature}`, `${payload}.${signature?.slice(0, -2)}xx`, `${payload}`, '', 'a.b.c']) {
      const res = await request(server).post(`/notifications/unsubscribe?token=${encodeURIComponent(tampered)}`).expect(400);
      expect(res.text).toContain('Dieser Abmeldelink ist ungültig oder wurde verändert.');
    }
    await request(server).get('/notifications/unsubscribe').expect(400);

    const done = await request(server).post(path).send('List-Unsubscribe=One-Click').set('content-type', 'application/x-www-form-urlencoded').expect(200);
    expect(done.text).toContain('Sie erhalten diese E-Mails nicht mehr.');
    const after: Array<{ email: string }> = await t.dataSource.query(`SELECT email FROM notification_preference WHERE user_id = $1 AND event_type = 'ReuseRequested'`, [owner.reviewer.id]);
    expect(after).toEqual([{ email: 'OFF' }]);
    const untouched: Array<{ n: number }> = await t.dataSource.query(`SELECT count(*)::int AS n FROM notification_preference WHERE user_id = $1 AND email = 'OFF'`, [owner.quietReviewer.id]);
    expect(untouched[0]?.n).toBe(1);

    const before2 = to(owner.reviewer).length;
    await requestReuse('Nach der Abmeldung');
    await jobsDone();
    expect(to(owner.reviewer)).toHaveLength(before2);
  });
});

import { Role } from '@app/common';
import { createTestApp, makeOrganisation, makePublishedEntry, makeUser, type MadeUser, type TestApp, startMailSink, type MailSink } from '@app/testing';
import { NotificationEmailService } from '../apps/api/src/notifications/notification-email.service.js';
import { NotificationFanoutService } from '../apps/api/src/notifications/notification-fanout.service.js';

const REQUEST = `mutation($input: RequestReuseInput!) { requestReuse(input: $input) { reuseRequest { id } } }`;
const UPDATE = `mutation($input: UpdateNotificationPreferencesInput!) { updateNotificationPreferences(input: $input) { preferences { eventType email } } }`;

describe('e-mail already queued when the recipient changes their preference', () => {
  let smtp: MailSink;
  let t: TestApp;
  let organisation: Awaited<ReturnType<typeof makeOrganisation>>;

  beforeAll(async () => {
    smtp = await startMailSink();
    // Nobody works the queue: the test runs the fan-out and the send jobs itself, with the preference changed between.
    t = await createTestApp({ SMTP_URL: smtp.url });
    organisation = await makeOrganisation(t.dataSource, { name: 'Landesamt Sinneswandel' });
  });

  afterAll(async () => {
    await t?.close();
    await smtp.close();
  });

  const to = (user: MadeUser) => smtp.to(user.email);

  async function fanOutReuseRequest(): Promise<void> {
    const system = await makePublishedEntry(t.dataSource, organisation);
    const requester = await makeUser(t.dataSource, { organisation: await makeOrganisation(t.dataSource) });
    const res = await t.gql(REQUEST, { input: { aiSystemId: system.globalId, purpose: 'Sinneswandel', intendedUse: 'Test' } }, await t.tokenFor(requester));
    expect(res.errors).toBeUndefined();
    const events: Array<{ id: string }> = await t.dataSource.query(`SELECT id FROM domain_event WHERE type = 'ReuseRequested' ORDER BY occurred_at DESC LIMIT 1`);
    await t.app.get(NotificationFanoutService).handle(events[0]?.id ?? '');
  }

  async function deliveryOf(user: MadeUser): Promise<{ id: string; status: string; mode: string; digestId: string | null }> {
    const rows: Array<{ id: string; status: string; mode: string; digestId: string | null }> = await t.dataSource.query(
      `SELECT id, status, mode, digest_id AS "digestId" FROM email_delivery WHERE recipient_id = $1`,
      [user.id],
    );
    expect(rows).toHaveLength(1);
    return rows[0] as { id: string; status: string; mode: string; digestId: string | null };
  }

  async function choose(user: MadeUser, email: string): Promise<void> {
    const res = await t.gql(UPDATE, { input: { preferences: [{ eventType: 'ReuseRequested', email }] } }, await t.tokenFor(user));
    expect(res.errors).toBeUndefined();
  }

  it('skips an immediate mail after unsubscribing, moves it into the digest after switching to it, skips digest items turned off', async () => {
    const unsubscribed = await makeUser(t.dataSource, { organisation, roles: [Role.REVIEWER] });
    const switched = await makeUser(t.dataSource, { organisation, roles: [Role.REVIEWER] });
    const digestReader = await makeUser(t.dataSource, { organisation, roles: [Role.REVIEWER] });
    await choose(digestReader, 'DAILY_DIGEST');
    await fanOutReuseRequest();

    await choose(unsubscribed, 'OFF');
    await choose(switched, 'DAILY_DIGEST');
    await choose(digestReader, 'OFF');
    const email = t.app.get(NotificationEmailService);
    await email.sendImmediate((await deliveryOf(unsubscribed)).id);
    await email.sendImmediate((await deliveryOf(switched)).id);
    expect(await deliveryOf(unsubscribed)).toMatchObject({ status: 'SKIPPED' });
    expect(await deliveryOf(switched)).toMatchObject({ status: 'PENDING', mode: 'DAILY_DIGEST' });

    expect(await email.collectDigests()).toBe(2);
    for (const user of [switched, digestReader]) {
      const { digestId } = await deliveryOf(user);
      await email.sendDigest(digestId ?? '');
    }
    expect(await deliveryOf(digestReader)).toMatchObject({ status: 'SKIPPED' });
    expect(await deliveryOf(switched)).toMatchObject({ status: 'SENT' });
    expect(to(unsubscribed)).toEqual([]);
    expect(to(digestReader)).toEqual([]);
    expect(to(switched)).toHaveLength(1);
  });
});

import { createTestApp, makeUser, type MadeUser, type TestApp } from '@app/testing';

const PREFERENCES = `{ notificationPreferences { eventType inApp email } }`;
const UPDATE = `mutation($input: UpdateNotificationPreferencesInput!) { updateNotificationPreferences(input: $input) { preferences { eventType inApp email } } }`;

describe('notification preferences', () => {
  let t: TestApp;
  let user: MadeUser;
  let other: MadeUser;

  beforeAll(async () => {
    t = await createTestApp();
    user = await makeUser(t.dataSource);
    other = await makeUser(t.dataSource);
  });

  afterAll(async () => {
    await t.close();
  });

  async function as(who: MadeUser, query: string, variables: Record<string, unknown> = {}) {
    return t.gql<Record<string, any>>(query, variables, await t.tokenFor(who));
  }

  it('lists every event type with in-app on and e-mail immediately by default', async () => {
    const res = await as(user, PREFERENCES);
    expect(res.errors).toBeUndefined();
    const preferences = res.data?.notificationPreferences;
    expect(preferences).toHaveLength(12);
    expect(preferences).toContainEqual({ eventType: 'ReuseRequestDecided', inApp: true, email: 'IMMEDIATE' });
    expect(preferences.every((p: { inApp: boolean; email: string }) => p.inApp && p.email === 'IMMEDIATE')).toBe(true);
  });

  it('changes e-mail per event type for the caller only, keeping the others', async () => {
    const res = await as(user, UPDATE, {
      input: { preferences: [{ eventType: 'ReuseRequestDecided', email: 'DAILY_DIGEST' }, { eventType: 'RatingAdded', email: 'OFF' }] },
    });
    expect(res.errors).toBeUndefined();
    const byType = new Map(res.data?.updateNotificationPreferences.preferences.map((p: { eventType: string; email: string }) => [p.eventType, p.email]));
    expect(byType.get('ReuseRequestDecided')).toBe('DAILY_DIGEST');
    expect(byType.get('RatingAdded')).toBe('OFF');
    expect(byType.get('EntryPublished')).toBe('IMMEDIATE');

    const again = await as(user, UPDATE, { input: { preferences: [{ eventType: 'RatingAdded', email: 'IMMEDIATE' }] } });
    expect(again.data?.updateNotificationPreferences.preferences).toContainEqual({ eventType: 'RatingAdded', inApp: true, email: 'IMMEDIATE' });
    expect(again.data?.updateNotificationPreferences.preferences).toContainEqual({ eventType: 'ReuseRequestDecided', inApp: true, email: 'DAILY_DIGEST' });

    const untouched = await as(other, PREFERENCES);
    expect(untouched.data?.notificationPreferences).toContainEqual({ eventType: 'ReuseRequestDecided', inApp: true, email: 'IMMEDIATE' });
  });

  it('refuses unknown event names, duplicates and unknown channels with BAD_USER_INPUT naming the field, and changes nothing', async () => {
    const unknown = await as(user, UPDATE, {
      input: { preferences: [{ eventType: 'EntryPublished', email: 'OFF' }, { eventType: 'EntryExploded', email: 'OFF' }] },
    });
    expect(unknown.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', fields: [{ field: 'input.preferences.1.eventType', message: expect.stringContaining('is not an event type') }] });
    const twice = await as(user, UPDATE, {
      input: { preferences: [{ eventType: 'EntryPublished', email: 'OFF' }, { eventType: 'EntryPublished', email: 'IMMEDIATE' }] },
    });
    expect(twice.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', fields: [{ field: 'input.preferences.1.eventType', message: 'is listed twice' }] });
    const empty = await as(user, UPDATE, { input: { preferences: [] } });
    expect(empty.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', fields: [expect.objectContaining({ field: 'input.preferences' })] });
    const channel = await as(user, UPDATE, { input: { preferences: [{ eventType: 'EntryPublished', email: 'PIGEON' }] } });
    expect(channel.errors?.[0]?.extensions.code).toBe('BAD_USER_INPUT');
    const anonymous = await t.gql(PREFERENCES);
    expect(anonymous.errors?.[0]?.extensions.code).toBe('UNAUTHENTICATED');

    const res = await as(user, PREFERENCES);
    expect(res.data?.notificationPreferences).toContainEqual({ eventType: 'EntryPublished', inApp: true, email: 'IMMEDIATE' });
  });
});

import { Role } from '@app/common';
import { completeContent, createTestApp, makeOrganisation, makePublishedEntry, makeUser, type MadeUser, type TestApp, eventually } from '@app/testing';
import { NotificationFanoutService } from '../apps/api/src/notifications/notification-fanout.service.js';
import { ApprovalExpiryScheduler } from '../apps/api/src/review-workflow/approval-expiry.scheduler.js';

const INBOX = `query($unreadOnly: Boolean, $first: Int!, $after: String) { notifications(unreadOnly: $unreadOnly, first: $first, after: $after) {
  totalCount unreadCount edges { cursor node { id eventType title body titleEn: title(language: EN) read subjectId aiSystemId } } pageInfo { hasNextPage endCursor } } }`;
const MARK = `mutation($input: MarkNotificationsReadInput!) { markNotificationsRead(input: $input) { marked unreadCount } }`;


describe('notifications: recipients and the in-app inbox', () => {
  let t: TestApp;
  let owner: { publisher: MadeUser; publisher2: MadeUser; reviewer: MadeUser; member: MadeUser };
  let operatorReviewer: MadeUser;
  let requester: MadeUser;
  let requesterReviewer: MadeUser;
  let outsider: MadeUser;

  beforeAll(async () => {
    t = await createTestApp({ WORKER: 'true', OPERATOR_ORGANISATION: 'betreiber-notif' });
    const operatorOrg = await makeOrganisation(t.dataSource, { slug: 'betreiber-notif', name: 'Betreiber' });
    operatorReviewer = await makeUser(t.dataSource, { organisation: operatorOrg, roles: [Role.REVIEWER] });
    const ownerOrg = await makeOrganisation(t.dataSource, { name: 'Landesamt Eigentümer' });
    owner = {
      publisher: await makeUser(t.dataSource, { organisation: ownerOrg, roles: [Role.PUBLISHER] }),
      publisher2: await makeUser(t.dataSource, { organisation: ownerOrg, roles: [Role.PUBLISHER] }),
      reviewer: await makeUser(t.dataSource, { organisation: ownerOrg, roles: [Role.REVIEWER] }),
      member: await makeUser(t.dataSource, { organisation: ownerOrg }),
    };
    const requestingOrg = await makeOrganisation(t.dataSource, { name: 'Stadt Nachnutzung' });
    requester = await makeUser(t.dataSource, { organisation: requestingOrg });
    requesterReviewer = await makeUser(t.dataSource, { organisation: requestingOrg, roles: [Role.REVIEWER] });
    outsider = await makeUser(t.dataSource, { organisation: await makeOrganisation(t.dataSource) });
  });

  afterAll(async () => {
    await t.close();
  });

  async function as(user: MadeUser, query: string, variables: Record<string, unknown> = {}) {
    return t.gql<Record<string, any>>(query, variables, await t.tokenFor(user));
  }

  /** Waits until the job engine has handled every recorded event, then returns who got what for `eventId`. */
  async function recipientsOf(eventType: string, aggregateId: string): Promise<string[]> {
    await eventually(async () => {
      const rows: Array<{ n: number }> = await t.dataSource.query(`SELECT count(*)::int AS n FROM pgboss.job WHERE name = 'domain-event' AND state < 'completed'`);
      return rows[0]?.n === 0;
    });
    const rows: Array<{ recipientId: string }> = await t.dataSource.query(
      `SELECT n.recipient_id AS "recipientId" FROM notification n JOIN domain_event e ON e.id = n.event_id WHERE e.type = $1 AND e.aggregate_id = $2`,
      [eventType, aggregateId],
    );
    return rows.map((r) => r.recipientId).sort();
  }

  const ids = (...users: MadeUser[]) => users.map((u) => u.id).sort();
  const uuidOf = (globalId: string) => Buffer.from(globalId, 'base64url').toString().split(':')[1] ?? '';

  it('tells exactly the intended people about each event of publishing, reuse and rating, never the actor', async () => {
    const created = await as(owner.publisher, `mutation($input: CreateAiSystemDraftInput!) { createAiSystemDraft(input: $input) { aiSystem { id version } } }`, {
      input: { content: completeContent({ name: 'Bescheid-Erklärer Benachrichtigung' }) },
    });
    const entryId: string = created.data?.createAiSystemDraft.aiSystem.id;
    const entryUuid = uuidOf(entryId);
    await as(owner.publisher, `mutation($input: SubmitAiSystemForReviewInput!) { submitAiSystemForReview(input: $input) { aiSystem { version } } }`, {
      input: { id: entryId, expectedVersion: 1 },
    });
    expect(await recipientsOf('EntrySubmitted', entryUuid)).toEqual(ids(owner.reviewer, operatorReviewer));

    const review = `mutation($input: ReviewAiSystemInput!) { reviewAiSystem(input: $input) { aiSystem { status } } }`;
    const approved = await as(owner.reviewer, review, { input: { id: entryId, expectedVersion: 2, decision: 'APPROVE' } });
    expect(approved.errors).toBeUndefined();
    expect(await recipientsOf('EntryPublished', entryUuid)).toEqual(ids(owner.publisher, owner.publisher2));

    const requested = await as(requester, `mutation($input: RequestReuseInput!) { requestReuse(input: $input) { reuseRequest { id } } }`, {
      input: { aiSystemId: entryId, purpose: 'Bürgerbüro', intendedUse: 'Pilot' },
    });
    const requestId: string = requested.data?.requestReuse.reuseRequest.id;
    const requestUuid = uuidOf(requestId);
    expect(await recipientsOf('ReuseRequested', requestUuid)).toEqual(ids(owner.reviewer));

    const message = `mutation($input: AddReuseRequestMessageInput!) { addReuseRequestMessage(input: $input) { reuseRequest { version } } }`;
    await as(owner.reviewer, message, { input: { reuseRequestId: requestId, body: 'Wofür genau?' } });
    await as(requester, message, { input: { reuseRequestId: requestId, body: 'Für Bescheide.' } });
    const messages: Array<{ id: string; fromOwner: boolean }> = await t.dataSource.query(
      `SELECT id, (payload->>'fromOwner')::boolean AS "fromOwner" FROM domain_event WHERE type = 'ReuseRequestMessageAdded' AND aggregate_id = $1`,
      [requestUuid],
    );
    expect(messages).toHaveLength(2);
    await recipientsOf('ReuseRequestMessageAdded', requestUuid);
    for (const m of messages) {
      const rows: Array<{ r: string }> = await t.dataSource.query(`SELECT recipient_id AS r FROM notification WHERE event_id = $1`, [m.id]);
      expect(rows.map((row) => row.r)).toEqual(m.fromOwner ? [requester.id] : [owner.reviewer.id]);
    }

    const decided = await as(owner.reviewer, `mutation($input: DecideReuseRequestInput!) { decideReuseRequest(input: $input) { reuseRequest { status } } }`, {
      input: { id: requestId, decision: 'APPROVE', note: 'Gern.', expectedVersion: 2 },
    });
    expect(decided.errors).toBeUndefined();
    expect(await recipientsOf('ReuseRequestDecided', requestUuid)).toEqual(ids(requester));

    const rated = await as(requester, `mutation($input: RateAiSystemInput!) { rateAiSystem(input: $input) { rating { id } } }`, { input: { aiSystemId: entryId, stars: 5 } });
    const ratingId: string = rated.data?.rateAiSystem.rating.id;
    expect(await recipientsOf('RatingAdded', uuidOf(ratingId))).toEqual(ids(owner.publisher, owner.publisher2));

    await as(owner.publisher, `mutation($input: ReplyToRatingInput!) { replyToRating(input: $input) { reply } }`, { input: { ratingId, reply: 'Danke!' } });
    expect(await recipientsOf('RatingReplied', uuidOf(ratingId))).toEqual(ids(requester));

    // Nobody outside the two organisations (and the operator's reviewer for the review) heard anything.
    const strangers: Array<{ n: number }> = await t.dataSource.query(`SELECT count(*)::int AS n FROM notification WHERE recipient_id = ANY($1)`, [[outsider.id, requesterReviewer.id, owner.member.id]]);
    expect(strangers[0]?.n).toBe(0);

    const inbox = await as(requester, INBOX, { first: 10 });
    expect(inbox.errors).toBeUndefined();
    expect(inbox.data?.notifications).toMatchObject({ totalCount: 3, unreadCount: 3 });
    const newest = inbox.data?.notifications.edges[0].node;
    expect(newest).toMatchObject({
      eventType: 'RatingReplied',
      title: 'Antwort auf Ihre Bewertung: „Bescheid-Erklärer Benachrichtigung“',
      titleEn: 'Reply to your rating: „Bescheid-Erklärer Benachrichtigung“',
      read: false,
      aiSystemId: entryId,
      subjectId: ratingId,
    });
    const decidedNode = inbox.data?.notifications.edges.find((e: { node: { eventType: string } }) => e.node.eventType === 'ReuseRequestDecided').node;
    expect(decidedNode.body).toBe('Landesamt Eigentümer hat Ihre Anfrage zu „Bescheid-Erklärer Benachrichtigung“ genehmigt.\nBegründung: Gern.');
  });

  it('shows a redelivered event once: handling the same event again creates nothing', async () => {
    const events: Array<{ id: string }> = await t.dataSource.query(`SELECT event_id AS id FROM notification GROUP BY event_id LIMIT 3`);
    expect(events.length).toBeGreaterThan(0);
    const before: Array<{ n: number }> = await t.dataSource.query(`SELECT count(*)::int AS n FROM notification`);
    const fanout = t.app.get(NotificationFanoutService);
    const again = await Promise.all(events.flatMap((e) => [fanout.handle(e.id), fanout.handle(e.id)]));
    expect(again.flat()).toEqual([]);
    const after: Array<{ n: number }> = await t.dataSource.query(`SELECT count(*)::int AS n FROM notification`);
    expect(after[0]?.n).toBe(before[0]?.n);
  });

  it('pages the inbox with keyset cursors and filters unread ones', async () => {
    const first = await as(owner.reviewer, INBOX, { first: 2 });
    const total = first.data?.notifications.totalCount;
    expect(total).toBe(3);
    const seen: string[] = first.data?.notifications.edges.map((e: { node: { id: string } }) => e.node.id);
    let after = first.data?.notifications.pageInfo.endCursor;
    let hasNext = first.data?.notifications.pageInfo.hasNextPage;
    while (hasNext) {
      const next = await as(owner.reviewer, INBOX, { first: 2, after });
      seen.push(...next.data?.notifications.edges.map((e: { node: { id: string } }) => e.node.id));
      after = next.data?.notifications.pageInfo.endCursor;
      hasNext = next.data?.notifications.pageInfo.hasNextPage;
    }
    expect(seen).toHaveLength(total);
    expect(new Set(seen).size).toBe(total);

    const marked = await as(owner.reviewer, MARK, { input: { ids: [seen[0]] } });
    expect(marked.data?.markNotificationsRead).toEqual({ marked: 1, unreadCount: total - 1 });
    const again = await as(owner.reviewer, MARK, { input: { ids: [seen[0]] } });
    expect(again.data?.markNotificationsRead).toEqual({ marked: 0, unreadCount: total - 1 });
    const unread = await as(owner.reviewer, INBOX, { first: 100, unreadOnly: true });
    expect(unread.data?.notifications.totalCount).toBe(total - 1);
    expect(unread.data?.notifications.edges.map((e: { node: { id: string } }) => e.node.id)).not.toContain(seen[0]);

    const all = await as(owner.reviewer, MARK, { input: { all: true } });
    expect(all.data?.markNotificationsRead).toEqual({ marked: total - 1, unreadCount: 0 });
  });

  it('keeps every inbox private: another user’s notification is NOT_FOUND to read and to mark', async () => {
    const [row]: Array<{ id: string }> = await t.dataSource.query(`SELECT id FROM notification WHERE recipient_id = $1 LIMIT 1`, [requester.id]);
    const globalId = Buffer.from(`Notification:${row?.id}`).toString('base64url');
    const own = await as(requester, `query($id: ID!) { node(id: $id) { id ... on Notification { eventType } } }`, { id: globalId });
    expect(own.data?.node?.id).toBe(globalId);
    for (const user of [outsider, requesterReviewer, owner.reviewer]) {
      const read = await as(user, `query($id: ID!) { node(id: $id) { id } }`, { id: globalId });
      expect(read.errors?.[0]?.extensions).toMatchObject({ code: 'NOT_FOUND', type: 'Notification', id: globalId });
      const mark = await as(user, MARK, { input: { ids: [globalId] } });
      expect(mark.errors?.[0]?.extensions).toMatchObject({ code: 'NOT_FOUND', type: 'Notification', id: globalId });
    }
    const still: Array<{ readAt: Date | null }> = await t.dataSource.query(`SELECT read_at AS "readAt" FROM notification WHERE id = $1`, [row?.id]);
    expect(still[0]?.readAt).toBeNull();
  });

  it('refuses bad input with documented codes', async () => {
    const anonymous = await t.gql(INBOX, { first: 5 });
    expect(anonymous.errors?.[0]?.extensions.code).toBe('UNAUTHENTICATED');
    const cases: Array<[string, Record<string, unknown>, string]> = [
      [INBOX, { first: 0 }, 'first'],
      [INBOX, { first: 101 }, 'first'],
      [INBOX, { first: 5, after: 'kein-cursor' }, 'after'],
      // Timestamps JavaScript rolls over into the next day or month but PostgreSQL refuses.
      ...['2024-02-30T00:00:00Z', '2023-02-29T12:00:00.123456Z', '2024-04-31T00:00:00.000Z', '2024-01-01T24:00:00Z', '0000-01-01T00:00:00Z'].map(
        (v): [string, Record<string, unknown>, string] => [INBOX, { first: 5, after: Buffer.from(JSON.stringify({ v, i: '00000000-0000-4000-8000-000000000000' })).toString('base64url') }, 'after'],
      ),
      [MARK, { input: {} }, 'input.ids'],
      [MARK, { input: { ids: [], all: true } }, 'input.all'],
      [MARK, { input: { ids: ['bm9wZQ'] } }, 'input.ids.0'],
    ];
    for (const [query, variables, field] of cases) {
      const res = await as(requester, query, variables);
      expect(res.errors?.[0]?.extensions.code).toBe('BAD_USER_INPUT');
      expect(res.errors?.[0]?.extensions.fields).toContainEqual(expect.objectContaining({ field }));
    }
  });

  it('tells the owner’s reviewers of a withdrawal, the requesting organisation of an approval ending soon, publishers of an archive', async () => {
    const ownerOrg = { id: owner.publisher.organisationId, slug: owner.publisher.organisationSlug } as never;
    const request = `mutation($input: RequestReuseInput!) { requestReuse(input: $input) { reuseRequest { id } } }`;
    const first = await makePublishedEntry(t.dataSource, ownerOrg);
    const withdrawn = await as(requester, request, { input: { aiSystemId: first.globalId, purpose: 'Zurückziehen', intendedUse: 'Test' } });
    const withdrawnId: string = withdrawn.data?.requestReuse.reuseRequest.id;
    const withdraw = await as(requester, `mutation($input: WithdrawReuseRequestInput!) { withdrawReuseRequest(input: $input) { reuseRequest { status } } }`, {
      input: { id: withdrawnId, expectedVersion: 1 },
    });
    expect(withdraw.errors).toBeUndefined();
    expect(await recipientsOf('ReuseRequestWithdrawn', uuidOf(withdrawnId))).toEqual(ids(owner.reviewer));

    const second = await makePublishedEntry(t.dataSource, ownerOrg);
    const expiring = await as(requester, request, { input: { aiSystemId: second.globalId, purpose: 'Läuft aus', intendedUse: 'Test' } });
    const expiringId: string = expiring.data?.requestReuse.reuseRequest.id;
    await as(owner.reviewer, `mutation($input: DecideReuseRequestInput!) { decideReuseRequest(input: $input) { reuseRequest { status } } }`, {
      input: { id: expiringId, decision: 'APPROVE', expiresAt: new Date(Date.now() + 3 * 86_400_000).toISOString(), expectedVersion: 1 },
    });
    expect(await t.app.get(ApprovalExpiryScheduler).run()).toBe(1);
    expect(await recipientsOf('ApprovalExpiring', uuidOf(expiringId))).toEqual(ids(requester, requesterReviewer));

    const archived = await as(owner.publisher, `mutation($input: ArchiveAiSystemInput!) { archiveAiSystem(input: $input) { aiSystem { status } } }`, {
      input: { id: second.globalId, expectedVersion: 1, reason: 'Abgelöst' },
    });
    expect(archived.errors).toBeUndefined();
    // makePublishedEntry adds each entry's author as a publisher of the organisation: all of them but the actor.
    const publishers: Array<{ id: string }> = await t.dataSource.query(`SELECT id FROM app_user WHERE organisation_id = $1 AND 'PUBLISHER' = ANY(roles) AND id <> $2`, [
      owner.publisher.organisationId,
      owner.publisher.id,
    ]);
    expect(publishers.length).toBeGreaterThanOrEqual(2);
    expect(await recipientsOf('EntryArchived', second.id)).toEqual(publishers.map((p) => p.id).sort());
  });
});

import { Role } from '@app/common';
import { createTestApp, makeOrganisation, makePublishedEntry, makeUser, type MadeUser, type TestApp } from '@app/testing';
import { ApprovalExpiryScheduler } from '../apps/api/src/review-workflow/approval-expiry.scheduler.js';

const REQUEST = `mutation($input: RequestReuseInput!) { requestReuse(input: $input) { clientMutationId reuseRequest { id status version previousRequest { id } } } }`;
const DECIDE = `mutation($input: DecideReuseRequestInput!) { decideReuseRequest(input: $input) { reuseRequest { id status version decisionNote conditions expiresAt } } }`;
const RATE = `mutation($input: RateAiSystemInput!) { rateAiSystem(input: $input) { rating { id stars verifiedReuse } ratingSummary { count average histogram verifiedCount } } }`;

describe('review workflow: request, decide, gated details, ratings', () => {
  let t: TestApp;
  let owner: { publisher: MadeUser; reviewer: MadeUser };
  let requester: MadeUser;
  let colleague: MadeUser;

  beforeAll(async () => {
    t = await createTestApp();
    const ownerOrg = await makeOrganisation(t.dataSource, { name: 'Landesamt Eigentümer' });
    owner = {
      publisher: await makeUser(t.dataSource, { organisation: ownerOrg, roles: [Role.PUBLISHER] }),
      reviewer: await makeUser(t.dataSource, { organisation: ownerOrg, roles: [Role.REVIEWER] }),
    };
    const requestingOrg = await makeOrganisation(t.dataSource, { name: 'Stadt Nachnutzung' });
    requester = await makeUser(t.dataSource, { organisation: requestingOrg });
    colleague = await makeUser(t.dataSource, { organisation: requestingOrg });
  });

  afterAll(async () => {
    await t.close();
  });

  async function as(user: MadeUser, query: string, variables: Record<string, unknown> = {}) {
    const res = await t.gql<Record<string, any>>(query, variables, await t.tokenFor(user));
    return res;
  }

  async function entry() {
    const ownerOrg = { id: owner.publisher.organisationId, slug: owner.publisher.organisationSlug } as never;
    return makePublishedEntry(t.dataSource, ownerOrg);
  }

  it('runs request → message → approve → gated details → verified rating → owner reply', async () => {
    const system = await entry();
    const gatedQuery = `query($id: ID!) { aiSystem(id: $id) { published { gated gatedDetails { deploymentNotes } } usedBy { name } ratingSummary { count } } }`;
    const before = await as(colleague, gatedQuery, { id: system.globalId });
    expect(before.data?.aiSystem.published).toEqual({ gated: true, gatedDetails: null });
    // Search shows the same (the newest entry is this one).
    const newestQuery = `{ searchAiSystems(orderBy: NEWEST, first: 1) { nodes { slug published { gated gatedDetails { deploymentNotes } } } } }`;
    expect((await as(colleague, newestQuery)).data?.searchAiSystems.nodes).toEqual([{ slug: system.slug, published: { gated: true, gatedDetails: null } }]);

    const requested = await as(requester, REQUEST, {
      input: { aiSystemId: system.globalId, purpose: 'Bürgeranfragen schneller beantworten', intendedUse: 'Pilot im Bürgerbüro', expectedUsers: 40, clientMutationId: 'erste-anfrage' },
    });
    expect(requested.errors).toBeUndefined();
    const request = requested.data?.requestReuse.reuseRequest;
    expect(request).toMatchObject({ status: 'SUBMITTED', version: 1 });
    expect(requested.data?.requestReuse.clientMutationId).toBe('erste-anfrage');

    const message = await as(owner.reviewer, `mutation($input: AddReuseRequestMessageInput!) { addReuseRequestMessage(input: $input) { message { author body } reuseRequest { status version messages { body } } } }`, {
      input: { reuseRequestId: request.id, body: 'Wie viele Nutzende erwarten Sie im ersten Jahr?' },
    });
    expect(message.data?.addReuseRequestMessage.reuseRequest).toMatchObject({ status: 'IN_REVIEW', version: 2 });
    expect(message.data?.addReuseRequestMessage.message).toEqual({ author: owner.reviewer.displayName, body: 'Wie viele Nutzende erwarten Sie im ersten Jahr?' });

    const approved = await as(owner.reviewer, DECIDE, { input: { id: request.id, decision: 'APPROVE', note: 'Gern.', conditions: 'Nennung als Nachnutzer', expectedVersion: 2 } });
    expect(approved.data?.decideReuseRequest.reuseRequest).toMatchObject({ status: 'APPROVED', version: 3, conditions: 'Nennung als Nachnutzer' });

    const after = await as(colleague, gatedQuery, { id: system.globalId });
    expect(after.data?.aiSystem.published).toEqual({ gated: false, gatedDetails: { deploymentNotes: 'Helm-Chart intern' } });
    expect((await as(colleague, newestQuery)).data?.searchAiSystems.nodes).toEqual([
      { slug: system.slug, published: { gated: false, gatedDetails: { deploymentNotes: 'Helm-Chart intern' } } },
    ]);
    expect(after.data?.aiSystem.usedBy).toEqual([{ name: 'Stadt Nachnutzung' }]);

    const rated = await as(requester, RATE, { input: { aiSystemId: system.globalId, stars: 4, title: 'Hilfreich', text: 'Läuft stabil.' } });
    expect(rated.data?.rateAiSystem).toMatchObject({ rating: { stars: 4, verifiedReuse: true }, ratingSummary: { count: 1, average: 4, histogram: [0, 0, 0, 1, 0], verifiedCount: 1 } });
    const again = await as(requester, RATE, { input: { aiSystemId: system.globalId, stars: 5 } });
    expect(again.data?.rateAiSystem.ratingSummary).toEqual({ count: 1, average: 5, histogram: [0, 0, 0, 0, 1], verifiedCount: 1 });

    const reply = await as(owner.publisher, `mutation($input: ReplyToRatingInput!) { replyToRating(input: $input) { reply author } }`, {
      input: { ratingId: again.data?.rateAiSystem.rating.id, reply: 'Danke für die Rückmeldung!' },
    });
    expect(reply.data?.replyToRating).toEqual({ reply: 'Danke für die Rückmeldung!', author: requester.displayName });

    const events: Array<{ type: string }> = await t.dataSource.query(`SELECT type FROM domain_event WHERE aggregate_type IN ('ReuseRequest', 'Rating') AND payload->>'aiSystemId' = $1 ORDER BY occurred_at`, [system.id]);
    expect(events.map((e) => e.type)).toEqual(['ReuseRequested', 'ReuseRequestMessageAdded', 'ReuseRequestDecided', 'RatingAdded', 'RatingAdded', 'RatingReplied']);
  });

  it('lets a rejected organisation ask again, linked to the rejection', async () => {
    const system = await entry();
    const first = await as(requester, REQUEST, { input: { aiSystemId: system.globalId, purpose: 'Test', intendedUse: 'Test' } });
    const id = first.data?.requestReuse.reuseRequest.id;
    const duplicate = await as(colleague, REQUEST, { input: { aiSystemId: system.globalId, purpose: 'Noch einmal', intendedUse: 'Test' } });
    expect(duplicate.errors?.[0]?.extensions.code).toBe('CONFLICT');
    const rejected = await as(owner.reviewer, DECIDE, { input: { id, decision: 'REJECT', note: 'Lizenz erlaubt das nicht.', expectedVersion: 1 } });
    expect(rejected.data?.decideReuseRequest.reuseRequest.status).toBe('REJECTED');
    const second = await as(colleague, REQUEST, { input: { aiSystemId: system.globalId, purpose: 'Mit neuer Lizenz', intendedUse: 'Test', previousRequestId: id } });
    expect(second.data?.requestReuse.reuseRequest).toMatchObject({ status: 'SUBMITTED', previousRequest: { id } });
    const approved = await as(owner.reviewer, DECIDE, { input: { id: second.data?.requestReuse.reuseRequest.id, decision: 'APPROVE', expectedVersion: 1 } });
    expect(approved.data?.decideReuseRequest.reuseRequest.status).toBe('APPROVED');
  });

  it('lets the requester withdraw before a decision', async () => {
    const system = await entry();
    const requested = await as(requester, REQUEST, { input: { aiSystemId: system.globalId, purpose: 'Test', intendedUse: 'Test' } });
    const withdrawn = await as(requester, `mutation($input: WithdrawReuseRequestInput!) { withdrawReuseRequest(input: $input) { reuseRequest { status } } }`, {
      input: { id: requested.data?.requestReuse.reuseRequest.id, expectedVersion: 1 },
    });
    expect(withdrawn.data?.withdrawReuseRequest.reuseRequest.status).toBe('WITHDRAWN');
  });

  it('reads an approval past its expiry as EXPIRED and hides the gated details again', async () => {
    const system = await entry();
    const requested = await as(requester, REQUEST, { input: { aiSystemId: system.globalId, purpose: 'Befristet', intendedUse: 'Test' } });
    const id = requested.data?.requestReuse.reuseRequest.id;
    await as(owner.reviewer, DECIDE, { input: { id, decision: 'APPROVE', expiresAt: new Date(Date.now() + 3_600_000).toISOString(), expectedVersion: 1 } });
    const raw = Buffer.from(id, 'base64url').toString().split(':')[1];
    await t.dataSource.query(`UPDATE reuse_request SET expires_at = now() - interval '1 minute' WHERE id = $1`, [raw]);
    const listed = await as(requester, `{ reuseRequests(filter: { role: REQUESTER, status: EXPIRED }, first: 10) { nodes { id status } } }`);
    expect(listed.data?.reuseRequests.nodes).toContainEqual({ id, status: 'EXPIRED' });
    const view = await as(requester, `query($id: ID!) { aiSystem(id: $id) { published { gated } usedBy { name } } }`, { id: system.globalId });
    expect(view.data?.aiSystem).toEqual({ published: { gated: true }, usedBy: [] });
  });

  it('returns the first request for a retried requestReuse with the same key', async () => {
    const system = await entry();
    const input = { aiSystemId: system.globalId, purpose: 'Wiederholt', intendedUse: 'Test', clientMutationId: `retry-${system.slug}` };
    const results = await Promise.all([1, 2, 3, 4, 5].map(() => as(requester, REQUEST, { input })));
    const ids = new Set(results.map((r) => r.data?.requestReuse.reuseRequest.id));
    expect(results.every((r) => r.errors === undefined)).toBe(true);
    expect(ids.size).toBe(1);
  });

  it('records ApprovalExpiring once for an approval that ends within 14 days, however many replicas check', async () => {
    const system = await entry();
    const requested = await as(requester, REQUEST, { input: { aiSystemId: system.globalId, purpose: 'Läuft bald aus', intendedUse: 'Test' } });
    const id = requested.data?.requestReuse.reuseRequest.id;
    await as(owner.reviewer, DECIDE, { input: { id, decision: 'APPROVE', expiresAt: new Date(Date.now() + 3 * 86_400_000).toISOString(), expectedVersion: 1 } });
    const scheduler = t.app.get(ApprovalExpiryScheduler);
    const runs = await Promise.all([scheduler.run(), scheduler.run(), scheduler.run()]);
    expect(runs.reduce((a, b) => a + b, 0)).toBeGreaterThanOrEqual(1);
    expect(await scheduler.run()).toBe(0);
    const raw = Buffer.from(id, 'base64url').toString().split(':')[1];
    const events: Array<{ type: string }> = await t.dataSource.query(`SELECT type FROM domain_event WHERE aggregate_id = $1 AND type = 'ApprovalExpiring'`, [raw]);
    expect(events).toHaveLength(1);
  });
});

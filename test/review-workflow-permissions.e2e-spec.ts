import { randomUUID } from 'node:crypto';
import { ErrorCode, Role, toGlobalId } from '@app/common';
import type { OrganisationEntity } from '@app/data';
import { createTestApp, makeOrganisation, makePublishedEntry, makeUser, type GraphQLResponse, type MadeUser, type TestApp } from '@app/testing';

const SUMMARY = 'count average histogram verifiedCount';
const REQUEST = `mutation($input: RequestReuseInput!) { requestReuse(input: $input) { clientMutationId reuseRequest { id status version previousRequest { id } } } }`;
const DECIDE = `mutation($input: DecideReuseRequestInput!) { decideReuseRequest(input: $input) { reuseRequest { id status version decisionNote } } }`;
const WITHDRAW = `mutation($input: WithdrawReuseRequestInput!) { withdrawReuseRequest(input: $input) { reuseRequest { id status version } } }`;
const MESSAGE = `mutation($input: AddReuseRequestMessageInput!) { addReuseRequestMessage(input: $input) { message { id body } reuseRequest { id status version } } }`;
const RATE = `mutation($input: RateAiSystemInput!) { rateAiSystem(input: $input) { rating { id stars verifiedReuse } ratingSummary { ${SUMMARY} } } }`;
const REPLY = `mutation($input: ReplyToRatingInput!) { replyToRating(input: $input) { id reply } }`;
const HELPFUL = `mutation($input: MarkRatingHelpfulInput!) { markRatingHelpful(input: $input) { id helpfulCount } }`;
const CREATE_DRAFT = `mutation($input: CreateAiSystemDraftInput!) { createAiSystemDraft(input: $input) { aiSystem { id } } }`;
const ARCHIVE = `mutation($input: ArchiveAiSystemInput!) { archiveAiSystem(input: $input) { aiSystem { id status } } }`;
const NODE = `query($id: ID!) { node(id: $id) { id ... on ReuseRequest { status messages { body } } } }`;
const LIST = `query($filter: ReuseRequestFilter!) { reuseRequests(filter: $filter, first: 100) { totalCount nodes { id } } }`;
const GATED_FIELDS = 'published { gated gatedDetails { deploymentNotes technicalContact repositoryAccess } }';
const GATED = `query($id: ID!) { aiSystem(id: $id) { ${GATED_FIELDS} usedBy { id } } }`;
const GATED_NODE = `query($id: ID!) { node(id: $id) { ... on AiSystem { ${GATED_FIELDS} } } }`;
const GATED_SEARCH = `query($organisation: [ID!]) { searchAiSystems(filter: { organisation: $organisation }, first: 100) { nodes { id ${GATED_FIELDS} } } }`;
const RATINGS = `query($id: ID!, $orderBy: RatingOrder, $first: Int!, $after: String) { aiSystem(id: $id) {
  ratings(orderBy: $orderBy, first: $first, after: $after) { totalCount edges { cursor node { id stars verifiedReuse helpfulCount } } pageInfo { hasNextPage endCursor } }
} }`;
const ENTRY_SUMMARY = `query($id: ID!) { aiSystem(id: $id) { ratingSummary { ${SUMMARY} } } }`;
const SEARCH = `query($filter: AiSystemFilter, $orderBy: AiSystemOrder, $after: String) {
  searchAiSystems(filter: $filter, orderBy: $orderBy, first: 7, after: $after) { totalCount nodes { id ratingSummary { average } } pageInfo { hasNextPage endCursor } }
}`;

interface RequestNode {
  id: string;
  status: string;
  version: number;
  decisionNote?: string | null;
}
interface RequestData {
  requestReuse: { clientMutationId: string | null; reuseRequest: RequestNode & { previousRequest: { id: string } | null } };
}
interface DecideData {
  decideReuseRequest: { reuseRequest: RequestNode };
}
interface WithdrawData {
  withdrawReuseRequest: { reuseRequest: RequestNode };
}
interface MessageData {
  addReuseRequestMessage: { message: { id: string; body: string }; reuseRequest: RequestNode };
}
interface Summary {
  count: number;
  average: number | null;
  histogram: number[];
  verifiedCount: number;
}
interface RateData {
  rateAiSystem: { rating: { id: string; stars: number; verifiedReuse: boolean }; ratingSummary: Summary };
}
interface HelpfulData {
  markRatingHelpful: { id: string; helpfulCount: number };
}
interface NodeData {
  node: { id: string; status: string; messages: Array<{ body: string }> } | null;
}
interface ListData {
  reuseRequests: { totalCount: number; nodes: Array<{ id: string }> };
}
interface Gated {
  gated: boolean;
  gatedDetails: { deploymentNotes: string | null; technicalContact: string | null; repositoryAccess: string | null } | null;
}
interface GatedData {
  aiSystem: { published: Gated; usedBy: Array<{ id: string }> };
}
interface RatingEdge {
  cursor: string;
  node: { id: string; stars: number; verifiedReuse: boolean; helpfulCount: number };
}
interface RatingsData {
  aiSystem: { ratings: { totalCount: number; edges: RatingEdge[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } } };
}
interface SearchData {
  searchAiSystems: { totalCount: number; nodes: Array<{ id: string; ratingSummary: { average: number | null } }>; pageInfo: { hasNextPage: boolean; endCursor: string | null } };
}

interface Agency {
  organisation: OrganisationEntity;
  publisher: MadeUser;
  reviewer: MadeUser;
  member: MadeUser;
}

interface System {
  id: string;
  globalId: string;
  slug: string;
}

/** Owner, requester and a third organisation with one published system of the owner and one open request for it. */
interface Scenario {
  owner: Agency;
  requesting: Agency & { colleague: MadeUser };
  third: Agency;
  system: System;
  request: RequestNode;
}

const GATED_DETAILS = { deploymentNotes: 'Helm-Chart intern', technicalContact: 'technik@behoerde.example', repositoryAccess: 'Zugang auf Anfrage' };
const WITHHELD: Gated = { gated: true, gatedDetails: null };
const uuidOf = (globalId: string): string => Buffer.from(globalId, 'base64url').toString('utf8').split(':')[1] ?? '';

describe('review workflow: forbidden paths, bad input and concurrency', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp();
  });

  afterAll(async () => {
    await t.close();
  });

  async function call<T>(user: MadeUser | null, query: string, variables: Record<string, unknown> = {}): Promise<GraphQLResponse<T>> {
    return t.gql<T>(query, variables, user === null ? undefined : await t.tokenFor(user));
  }

  function ok<T>(res: GraphQLResponse<T>): T {
    expect(res.errors).toBeUndefined();
    if (res.data === null || res.data === undefined) throw new Error(`no data in ${JSON.stringify(res.body)}`);
    return res.data;
  }

  function expectError(res: GraphQLResponse<unknown>, code: ErrorCode, extensions: Record<string, unknown> = {}): void {
    expect(res.errors?.map((error) => error.extensions.code)).toEqual([code]);
    expect(res.errors?.[0]?.extensions).toMatchObject(extensions);
  }

  /** BAD_USER_INPUT naming exactly this field of the input. */
  function expectBadField(res: GraphQLResponse<unknown>, field: string): void {
    expectError(res, ErrorCode.BAD_USER_INPUT);
    const fields = res.errors?.[0]?.extensions.fields as Array<{ field: string; message: string }> | undefined;
    expect([...new Set(fields?.map((problem) => problem.field))]).toEqual([field]);
  }

  /** Every row the review workflow writes, so a refused call can be shown to have written nothing. */
  async function snapshot(): Promise<Record<string, unknown>> {
    const rows: Array<Record<string, unknown>> = await t.dataSource.query(`SELECT
      (SELECT count(*) FROM reuse_request)::int AS requests,
      (SELECT md5(coalesce(string_agg(r::text, '|' ORDER BY r.id), '')) FROM reuse_request r) AS "requestRows",
      (SELECT count(*) FROM reuse_request_message)::int AS messages,
      (SELECT count(*) FROM rating)::int AS ratings,
      (SELECT md5(coalesce(string_agg(g::text, '|' ORDER BY g.id), '')) FROM rating g) AS "ratingRows",
      (SELECT count(*) FROM rating_helpful_vote)::int AS "helpfulVotes",
      (SELECT md5(coalesce(string_agg(concat_ws(':', s.id, s.status, s.version, s.rating_count, s.rating_sum, s.rating_histogram, s.rating_verified_count), '|' ORDER BY s.id), ''))
         FROM ai_system s) AS entries,
      (SELECT count(*) FROM audit_log)::int AS "auditRows",
      (SELECT count(*) FROM domain_event)::int AS events`);
    return rows[0] ?? {};
  }

  /** Runs a call that must be refused and checks that it wrote nothing. */
  async function refused<T>(action: () => Promise<GraphQLResponse<T>>): Promise<GraphQLResponse<T>> {
    const before = await snapshot();
    const res = await action();
    expect(res.errors).toBeDefined();
    expect(await snapshot()).toEqual(before);
    return res;
  }

  async function agency(name?: string): Promise<Agency> {
    const organisation = await makeOrganisation(t.dataSource, name === undefined ? {} : { name });
    return {
      organisation,
      publisher: await makeUser(t.dataSource, { organisation, roles: [Role.PUBLISHER] }),
      reviewer: await makeUser(t.dataSource, { organisation, roles: [Role.REVIEWER] }),
      member: await makeUser(t.dataSource, { organisation }),
    };
  }

  async function members(organisation: OrganisationEntity, count: number): Promise<MadeUser[]> {
    return Promise.all(Array.from({ length: count }, () => makeUser(t.dataSource, { organisation })));
  }

  async function requestReuse(user: MadeUser, system: System, extra: Record<string, unknown> = {}): Promise<RequestNode> {
    const data = ok(await call<RequestData>(user, REQUEST, { input: { aiSystemId: system.globalId, purpose: 'Nachnutzung prüfen', intendedUse: 'Pilot', ...extra } }));
    return data.requestReuse.reuseRequest;
  }

  async function decide(reviewer: MadeUser, request: RequestNode, decision: 'APPROVE' | 'REJECT', extra: Record<string, unknown> = {}): Promise<RequestNode> {
    const note = decision === 'REJECT' ? 'Passt nicht zu unserer Lizenz.' : null;
    const data = ok(await call<DecideData>(reviewer, DECIDE, { input: { id: request.id, decision, note, expectedVersion: request.version, ...extra } }));
    return data.decideReuseRequest.reuseRequest;
  }

  async function withdraw(requester: MadeUser, request: RequestNode): Promise<RequestNode> {
    return ok(await call<WithdrawData>(requester, WITHDRAW, { input: { id: request.id, expectedVersion: request.version } })).withdrawReuseRequest.reuseRequest;
  }

  async function rate(user: MadeUser, system: System, stars: number): Promise<RateData['rateAiSystem']> {
    return ok(await call<RateData>(user, RATE, { input: { aiSystemId: system.globalId, stars } })).rateAiSystem;
  }

  async function scenario(): Promise<Scenario> {
    const owner = await agency('Landesamt Eigentümer');
    const requestingAgency = await agency('Stadt Nachnutzung');
    const requesting = { ...requestingAgency, colleague: await makeUser(t.dataSource, { organisation: requestingAgency.organisation }) };
    const third = await agency('Kreis Unbeteiligt');
    const system = await makePublishedEntry(t.dataSource, owner.organisation);
    const request = await requestReuse(requesting.member, system);
    return { owner, requesting, third, system, request };
  }

  async function draftOf(owner: Agency): Promise<string> {
    const data = ok(await call<{ createAiSystemDraft: { aiSystem: { id: string } } }>(owner.publisher, CREATE_DRAFT, { input: { content: { name: `Entwurf ${randomUUID().slice(0, 8)}` } } }));
    return data.createAiSystemDraft.aiSystem.id;
  }

  async function archivedOf(owner: Agency): Promise<System> {
    const system = await makePublishedEntry(t.dataSource, owner.organisation);
    const read = ok(await call<{ aiSystem: { version: number } }>(owner.publisher, `query($id: ID!) { aiSystem(id: $id) { version } }`, { id: system.globalId }));
    const archived = ok(await call<{ archiveAiSystem: { aiSystem: { status: string } } }>(owner.publisher, ARCHIVE, { input: { id: system.globalId, expectedVersion: read.aiSystem.version } }));
    expect(archived.archiveAiSystem.aiSystem.status).toBe('ARCHIVED');
    return system;
  }

  async function summaryFromSql(system: System): Promise<Summary> {
    const rows: Summary[] = await t.dataSource.query(
      `SELECT count(*)::int AS count, round(avg(stars), 2)::float8 AS average,
              ARRAY[count(*) FILTER (WHERE stars = 1), count(*) FILTER (WHERE stars = 2), count(*) FILTER (WHERE stars = 3),
                    count(*) FILTER (WHERE stars = 4), count(*) FILTER (WHERE stars = 5)]::int[] AS histogram,
              count(*) FILTER (WHERE verified_reuse)::int AS "verifiedCount"
       FROM rating WHERE ai_system_id = $1`,
      [system.id],
    );
    if (rows[0] === undefined) throw new Error('no summary');
    return rows[0];
  }

  async function entrySummary(viewer: MadeUser, system: System): Promise<Summary> {
    return ok(await call<{ aiSystem: { ratingSummary: Summary } }>(viewer, ENTRY_SUMMARY, { id: system.globalId })).aiSystem.ratingSummary;
  }

  describe('deciding a request', () => {
    it('refuses the requester, who sees the request, with FORBIDDEN, also when they are a reviewer of their own organisation', async () => {
      const { requesting, request } = await scenario();
      const seen = ok(await call<NodeData>(requesting.member, NODE, { id: request.id }));
      expect(seen.node).toMatchObject({ id: request.id, status: 'SUBMITTED' });

      for (const requester of [requesting.member, requesting.reviewer]) {
        for (const decision of ['APPROVE', 'REJECT']) {
          const res = await refused(() => call(requester, DECIDE, { input: { id: request.id, decision, note: 'Selbst entschieden', expectedVersion: 1 } }));
          expectError(res, ErrorCode.FORBIDDEN);
        }
      }
    });

    it('answers a reviewer of a third organisation NOT_FOUND, exactly as for an id that does not exist', async () => {
      const { third, request } = await scenario();
      const unknownId = toGlobalId('ReuseRequest', randomUUID());
      for (const expectedVersion of [1, 7]) {
        const foreign = await refused(() => call(third.reviewer, DECIDE, { input: { id: request.id, decision: 'APPROVE', expectedVersion } }));
        const unknown = await refused(() => call(third.reviewer, DECIDE, { input: { id: unknownId, decision: 'APPROVE', expectedVersion } }));
        expectError(foreign, ErrorCode.NOT_FOUND, { type: 'ReuseRequest', id: request.id });
        expectError(unknown, ErrorCode.NOT_FOUND, { type: 'ReuseRequest', id: unknownId });
        expect({ ...foreign.errors?.[0]?.extensions, id: null }).toEqual({ ...unknown.errors?.[0]?.extensions, id: null });
        expect(foreign.errors?.[0]?.message.replace(request.id, '<id>')).toBe(unknown.errors?.[0]?.message.replace(unknownId, '<id>'));
      }
    });

    it('refuses members of the owning organisation without the REVIEWER role with FORBIDDEN', async () => {
      const { owner, request } = await scenario();
      for (const user of [owner.publisher, owner.member]) {
        const res = await refused(() => call(user, DECIDE, { input: { id: request.id, decision: 'APPROVE', expectedVersion: 1 } }));
        expectError(res, ErrorCode.FORBIDDEN);
      }
    });
  });

  describe('requesting reuse', () => {
    it('refuses a request for a system of one’s own organisation with FORBIDDEN', async () => {
      const { owner, system } = await scenario();
      for (const user of [owner.member, owner.publisher, owner.reviewer]) {
        const res = await refused(() => call(user, REQUEST, { input: { aiSystemId: system.globalId, purpose: 'Eigenes System', intendedUse: 'Test' } }));
        expectError(res, ErrorCode.FORBIDDEN);
      }
    });

    it('answers NOT_FOUND for a draft and for an archived entry of another organisation', async () => {
      const { owner, third } = await scenario();
      const draftId = await draftOf(owner);
      const archived = await archivedOf(owner);
      for (const aiSystemId of [draftId, archived.globalId]) {
        const res = await refused(() => call(third.member, REQUEST, { input: { aiSystemId, purpose: 'Nachnutzung', intendedUse: 'Test' } }));
        expectError(res, ErrorCode.NOT_FOUND, { type: 'AiSystem', id: aiSystemId });
        const own = await refused(() => call(owner.member, REQUEST, { input: { aiSystemId, purpose: 'Nachnutzung', intendedUse: 'Test' } }));
        expectError(own, ErrorCode.FORBIDDEN);
      }
    });

    it('refuses an admin of another organisation, who sees drafts, with INVALID_STATE_TRANSITION', async () => {
      const { owner, third } = await scenario();
      const draftId = await draftOf(owner);
      const admin = await makeUser(t.dataSource, { organisation: third.organisation, roles: [Role.ADMIN] });
      const requested = await refused(() => call(admin, REQUEST, { input: { aiSystemId: draftId, purpose: 'Nachnutzung', intendedUse: 'Test' } }));
      expectError(requested, ErrorCode.INVALID_STATE_TRANSITION);
      const rated = await refused(() => call(admin, RATE, { input: { aiSystemId: draftId, stars: 3 } }));
      expectError(rated, ErrorCode.INVALID_STATE_TRANSITION);
    });
  });

  describe('rating', () => {
    it('refuses rating a system of one’s own organisation with FORBIDDEN', async () => {
      const { owner, system } = await scenario();
      for (const user of [owner.member, owner.publisher, owner.reviewer]) {
        const res = await refused(() => call(user, RATE, { input: { aiSystemId: system.globalId, stars: 5 } }));
        expectError(res, ErrorCode.FORBIDDEN);
      }
    });

    it('answers NOT_FOUND to others rating a draft or an archived entry', async () => {
      const { owner, requesting, third } = await scenario();
      const draftId = await draftOf(owner);
      const archived = await archivedOf(owner);
      for (const aiSystemId of [draftId, archived.globalId]) {
        for (const user of [requesting.member, third.publisher]) {
          const res = await refused(() => call(user, RATE, { input: { aiSystemId, stars: 4 } }));
          expectError(res, ErrorCode.NOT_FOUND, { type: 'AiSystem', id: aiSystemId });
        }
      }
    });
  });

  describe('reading requests', () => {
    it('answers NOT_FOUND to a third organisation reading a request via node(id), as for an unknown id', async () => {
      const { owner, requesting, third, request } = await scenario();
      for (const party of [requesting.member, requesting.colleague, owner.member, owner.reviewer]) {
        expect(ok(await call<NodeData>(party, NODE, { id: request.id })).node).toMatchObject({ id: request.id, status: 'SUBMITTED' });
      }
      const unknownId = toGlobalId('ReuseRequest', randomUUID());
      for (const outsider of [third.member, third.reviewer, third.publisher]) {
        const foreign = await call<NodeData>(outsider, NODE, { id: request.id });
        const unknown = await call<NodeData>(outsider, NODE, { id: unknownId });
        expectError(foreign, ErrorCode.NOT_FOUND, { type: 'ReuseRequest', id: request.id });
        expectError(unknown, ErrorCode.NOT_FOUND, { type: 'ReuseRequest', id: unknownId });
        expect(foreign.data?.node ?? null).toBeNull();
      }
    });

    it('lists a request only for its requesting organisation (REQUESTER) and the owner (OWNER), whatever the filter', async () => {
      const { owner, requesting, third, system, request } = await scenario();
      const byRole = async (user: MadeUser, role: string, extra: Record<string, unknown> = {}) =>
        ok(await call<ListData>(user, LIST, { filter: { role, ...extra } })).reuseRequests;

      expect((await byRole(requesting.colleague, 'REQUESTER', { aiSystemId: system.globalId })).nodes).toEqual([{ id: request.id }]);
      expect((await byRole(owner.reviewer, 'OWNER', { aiSystemId: system.globalId, status: 'SUBMITTED' })).nodes).toEqual([{ id: request.id }]);

      const invisible = [
        [third.member, 'REQUESTER'],
        [third.member, 'OWNER'],
        [third.reviewer, 'OWNER'],
        [requesting.member, 'OWNER'],
        [owner.reviewer, 'REQUESTER'],
      ] as const;
      for (const [user, role] of invisible) {
        for (const extra of [{}, { aiSystemId: system.globalId }, { aiSystemId: system.globalId, status: 'SUBMITTED' }]) {
          expect(await byRole(user, role, extra)).toEqual({ totalCount: 0, nodes: [] });
        }
      }
    });
  });

  describe('gated details', () => {
    it('stay null with gated: true for organisations without a current approval: none, open, REJECTED, WITHDRAWN', async () => {
      const owner = await agency();
      const system = await makePublishedEntry(t.dataSource, owner.organisation);
      const never = await agency();
      const open = await agency();
      const rejected = await agency();
      const withdrawn = await agency();
      const approved = await agency();

      await requestReuse(open.member, system);
      await decide(owner.reviewer, await requestReuse(rejected.member, system), 'REJECT');
      expect((await withdraw(withdrawn.member, await requestReuse(withdrawn.member, system))).status).toBe('WITHDRAWN');
      await decide(owner.reviewer, await requestReuse(approved.member, system), 'APPROVE');

      const organisationId = toGlobalId('Organisation', owner.organisation.id);
      for (const viewer of [never.member, open.member, rejected.member, rejected.reviewer, withdrawn.member]) {
        const view = ok(await call<GatedData>(viewer, GATED, { id: system.globalId })).aiSystem;
        expect(view.published).toEqual(WITHHELD);
        expect(view.usedBy).toEqual([{ id: toGlobalId('Organisation', approved.organisation.id) }]);
        expect(ok(await call<{ node: { published: Gated } }>(viewer, GATED_NODE, { id: system.globalId })).node.published).toEqual(WITHHELD);
        const found = ok(await call<{ searchAiSystems: { nodes: Array<{ id: string; published: Gated }> } }>(viewer, GATED_SEARCH, { organisation: [organisationId] }));
        expect(found.searchAiSystems.nodes.find((node) => node.id === system.globalId)?.published).toEqual(WITHHELD);
      }
      // The same queries do show the details to the approved organisation and the owner, so the nulls above are the gate.
      for (const viewer of [approved.member, owner.member]) {
        expect(ok(await call<GatedData>(viewer, GATED, { id: system.globalId })).aiSystem.published).toEqual({ gated: false, gatedDetails: GATED_DETAILS });
      }
    });
  });

  describe('withdrawing, messages and replies', () => {
    it('lets only the person who filed a request withdraw it: colleague and owner FORBIDDEN, third organisation NOT_FOUND', async () => {
      const { owner, requesting, third, request } = await scenario();
      for (const user of [requesting.colleague, requesting.reviewer, owner.reviewer, owner.publisher]) {
        expectError(await refused(() => call(user, WITHDRAW, { input: { id: request.id, expectedVersion: 1 } })), ErrorCode.FORBIDDEN);
      }
      expectError(await refused(() => call(third.member, WITHDRAW, { input: { id: request.id, expectedVersion: 1 } })), ErrorCode.NOT_FOUND, {
        type: 'ReuseRequest',
        id: request.id,
      });
    });

    it('answers NOT_FOUND to a third organisation writing in a request’s thread', async () => {
      const { third, request } = await scenario();
      for (const user of [third.member, third.reviewer]) {
        const res = await refused(() => call(user, MESSAGE, { input: { reuseRequestId: request.id, body: 'Dürfen wir mitlesen?' } }));
        expectError(res, ErrorCode.NOT_FOUND, { type: 'ReuseRequest', id: request.id });
      }
    });

    it('lets only publishers of the owning organisation reply to a rating', async () => {
      const { owner, requesting, third, system } = await scenario();
      const rated = await rate(requesting.member, system, 2);
      for (const user of [owner.reviewer, owner.member, third.publisher, requesting.publisher, requesting.member]) {
        const res = await refused(() => call(user, REPLY, { input: { ratingId: rated.rating.id, reply: 'Danke!' } }));
        expectError(res, ErrorCode.FORBIDDEN);
      }
      expect(ok(await call<{ replyToRating: { reply: string } }>(owner.publisher, REPLY, { input: { ratingId: rated.rating.id, reply: 'Danke!' } })).replyToRating.reply).toBe('Danke!');
    });
  });

  describe('anonymous callers', () => {
    const mutations: Array<{ name: string; query: string; input: (s: Scenario, ratingId: string) => Record<string, unknown> }> = [
      { name: 'requestReuse', query: REQUEST, input: (s) => ({ aiSystemId: s.system.globalId, purpose: 'Anonym', intendedUse: 'Test' }) },
      { name: 'decideReuseRequest', query: DECIDE, input: (s) => ({ id: s.request.id, decision: 'APPROVE', expectedVersion: 1 }) },
      { name: 'withdrawReuseRequest', query: WITHDRAW, input: (s) => ({ id: s.request.id, expectedVersion: 1 }) },
      { name: 'addReuseRequestMessage', query: MESSAGE, input: (s) => ({ reuseRequestId: s.request.id, body: 'Hallo' }) },
      { name: 'rateAiSystem', query: RATE, input: (s) => ({ aiSystemId: s.system.globalId, stars: 5 }) },
      { name: 'replyToRating', query: REPLY, input: (_s, ratingId) => ({ ratingId, reply: 'Danke' }) },
      { name: 'markRatingHelpful', query: HELPFUL, input: (_s, ratingId) => ({ ratingId }) },
    ];

    it.each(mutations)('get UNAUTHENTICATED from $name and write nothing', async ({ query, input }) => {
      const s = await scenario();
      const rated = await rate(s.third.member, s.system, 4);
      const res = await refused(() => call(null, query, { input: input(s, rated.rating.id) }));
      expectError(res, ErrorCode.UNAUTHENTICATED);
    });
  });

  describe('illegal transitions and stale versions', () => {
    async function inState(status: 'APPROVED' | 'REJECTED' | 'WITHDRAWN'): Promise<Scenario> {
      const s = await scenario();
      const request =
        status === 'WITHDRAWN' ? await withdraw(s.requesting.member, s.request) : await decide(s.owner.reviewer, s.request, status === 'APPROVED' ? 'APPROVE' : 'REJECT');
      expect(request).toMatchObject({ status, version: 2 });
      return { ...s, request };
    }

    it.each(['APPROVED', 'REJECTED', 'WITHDRAWN'] as const)('refuses deciding a %s request with INVALID_STATE_TRANSITION', async (status) => {
      const { owner, request } = await inState(status);
      for (const decision of ['APPROVE', 'REJECT']) {
        const res = await refused(() => call(owner.reviewer, DECIDE, { input: { id: request.id, decision, note: 'Noch einmal', expectedVersion: request.version } }));
        expectError(res, ErrorCode.INVALID_STATE_TRANSITION, { from: status });
      }
    });

    it.each(['APPROVED', 'REJECTED', 'WITHDRAWN'] as const)('refuses withdrawing a %s request with INVALID_STATE_TRANSITION', async (status) => {
      const { requesting, request } = await inState(status);
      const res = await refused(() => call(requesting.member, WITHDRAW, { input: { id: request.id, expectedVersion: request.version } }));
      expectError(res, ErrorCode.INVALID_STATE_TRANSITION, { from: status, action: 'withdraw' });
    });

    it('refuses messages in a WITHDRAWN request’s thread from both sides with INVALID_STATE_TRANSITION', async () => {
      const { owner, requesting, request } = await inState('WITHDRAWN');
      for (const user of [owner.reviewer, requesting.member]) {
        const res = await refused(() => call(user, MESSAGE, { input: { reuseRequestId: request.id, body: 'Noch da?' } }));
        expectError(res, ErrorCode.INVALID_STATE_TRANSITION, { from: 'WITHDRAWN' });
      }
    });

    it('answers a stale expectedVersion with CONFLICT and the current version', async () => {
      const { owner, requesting, request } = await scenario();
      const moved = ok(await call<MessageData>(owner.reviewer, MESSAGE, { input: { reuseRequestId: request.id, body: 'Wir prüfen das.' } }));
      expect(moved.addReuseRequestMessage.reuseRequest).toMatchObject({ status: 'IN_REVIEW', version: 2 });
      for (const decision of ['APPROVE', 'REJECT']) {
        const res = await refused(() => call(owner.reviewer, DECIDE, { input: { id: request.id, decision, note: 'Veraltet', expectedVersion: 1 } }));
        expectError(res, ErrorCode.CONFLICT, { field: 'input.expectedVersion', currentVersion: 2 });
      }
      const stale = await refused(() => call(requesting.member, WITHDRAW, { input: { id: request.id, expectedVersion: 1 } }));
      expectError(stale, ErrorCode.CONFLICT, { field: 'input.expectedVersion', currentVersion: 2 });
      const future = await refused(() => call(requesting.member, WITHDRAW, { input: { id: request.id, expectedVersion: 3 } }));
      expectError(future, ErrorCode.CONFLICT, { field: 'input.expectedVersion', currentVersion: 2 });
    });
  });

  describe('concurrency', () => {
    it('lets exactly one of 20 concurrent conflicting decisions win; 19 get CONFLICT, one event, one audit row', async () => {
      const { owner, requesting, system, request } = await scenario();
      const reviewers = [owner.reviewer, ...(await Promise.all([1, 2, 3].map(() => makeUser(t.dataSource, { organisation: owner.organisation, roles: [Role.REVIEWER] }))))];
      const tokens = await Promise.all(reviewers.map((reviewer) => t.tokenFor(reviewer)));
      const inputs = Array.from({ length: 20 }, (_, i) =>
        i % 2 === 0
          ? { id: request.id, decision: 'APPROVE', expectedVersion: 1 }
          : { id: request.id, decision: 'REJECT', note: `Ablehnung ${i}`, expectedVersion: 1 },
      );
      const results = await Promise.all(inputs.map((input, i) => t.gql<DecideData>(DECIDE, { input }, tokens[i % tokens.length])));

      const winners = results.filter((res) => res.errors === undefined);
      expect(winners).toHaveLength(1);
      const losers = results.filter((res) => res.errors !== undefined);
      expect(losers).toHaveLength(19);
      for (const loser of losers) expectError(loser, ErrorCode.CONFLICT, { field: 'input.expectedVersion', currentVersion: 2 });

      const won = winners[0]?.data?.decideReuseRequest.reuseRequest;
      expect(won).toMatchObject({ id: request.id, version: 2 });
      const [row]: Array<{ status: string; version: number; decisionNote: string | null }> = await t.dataSource.query(
        `SELECT status, version, decision_note AS "decisionNote" FROM reuse_request WHERE id = $1`,
        [uuidOf(request.id)],
      );
      expect(row).toEqual({ status: won?.status, version: 2, decisionNote: won?.decisionNote ?? null });
      if (won?.status === 'REJECTED') expect(won.decisionNote).toMatch(/^Ablehnung \d+$/);
      else expect(won?.status).toBe('APPROVED');

      const events: Array<{ type: string }> = await t.dataSource.query(`SELECT type FROM domain_event WHERE aggregate_id = $1 ORDER BY occurred_at`, [uuidOf(request.id)]);
      expect(events.map((event) => event.type)).toEqual(['ReuseRequested', 'ReuseRequestDecided']);
      const audit: Array<{ action: string }> = await t.dataSource.query(`SELECT action FROM audit_log WHERE entity_type = 'ReuseRequest' AND entity_id = $1 ORDER BY id`, [
        uuidOf(request.id),
      ]);
      expect(audit.map((entry) => entry.action)).toEqual(['reuse_request.submitted', won?.status === 'APPROVED' ? 'reuse_request.approved' : 'reuse_request.rejected']);

      const view = ok(await call<GatedData>(requesting.colleague, GATED, { id: system.globalId })).aiSystem.published;
      expect(view.gated).toBe(won?.status !== 'APPROVED');
    });

    it('keeps the rating summary exact under 50 concurrent ratings by users of several organisations', async () => {
      const owner = await agency();
      const system = await makePublishedEntry(t.dataSource, owner.organisation);
      const organisations = await Promise.all([1, 2, 3, 4, 5].map(() => makeOrganisation(t.dataSource)));
      const raters = (await Promise.all(organisations.map((organisation) => members(organisation, 10)))).flat();
      // The first organisation reuses the system with an approval: its ten ratings are verified.
      const approvedOrganisation = organisations[0] as OrganisationEntity;
      await decide(owner.reviewer, await requestReuse(raters[0] as MadeUser, system), 'APPROVE');

      const stars = raters.map((_, i) => [5, 4, 4, 3, 5, 1, 2, 5, 4, 3][i % 10] as number);
      const tokens = await Promise.all(raters.map((rater) => t.tokenFor(rater)));
      const results = await Promise.all(raters.map((_, i) => t.gql<RateData>(RATE, { input: { aiSystemId: system.globalId, stars: stars[i] } }, tokens[i])));

      const expected: Summary = { count: 50, average: 3.6, histogram: [5, 5, 10, 15, 15], verifiedCount: 10 };
      expect(results.filter((res) => res.errors !== undefined)).toEqual([]);
      results.forEach((res, i) => {
        expect(res.data?.rateAiSystem.rating).toMatchObject({ stars: stars[i], verifiedReuse: raters[i]?.organisationId === approvedOrganisation.id });
      });
      // Ratings serialise on the entry, so each payload saw every earlier one: counts 1..50, each once.
      const counts = results.map((res) => res.data?.rateAiSystem.ratingSummary.count).sort((a, b) => (a ?? 0) - (b ?? 0));
      expect(counts).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
      expect(results.find((res) => res.data?.rateAiSystem.ratingSummary.count === 50)?.data?.rateAiSystem.ratingSummary).toEqual(expected);

      expect(await summaryFromSql(system)).toEqual(expected);
      expect(await entrySummary(owner.member, system)).toEqual(expected);
      const [stored]: Array<{ count: number; sum: number; histogram: number[]; verified: number; average: string }> = await t.dataSource.query(
        `SELECT rating_count AS count, rating_sum AS sum, rating_histogram AS histogram, rating_verified_count AS verified, rating_average AS average FROM ai_system WHERE id = $1`,
        [system.id],
      );
      expect(stored).toEqual({ count: 50, sum: 180, histogram: [5, 5, 10, 15, 15], verified: 10, average: '3.60' });
    });

    it('reports the two-decimal average like the entry does, also where binary floating point rounds down (87 / 40 = 2.175 → 2.18)', async () => {
      const owner = await agency();
      const system = await makePublishedEntry(t.dataSource, owner.organisation);
      const raters = (await Promise.all([1, 2, 3, 4].map(async () => members(await makeOrganisation(t.dataSource), 10)))).flat();
      const stars = raters.map((_, i) => (i < 7 ? 3 : 2));
      const tokens = await Promise.all(raters.map((rater) => t.tokenFor(rater)));
      const results = await Promise.all(raters.map((_, i) => t.gql<RateData>(RATE, { input: { aiSystemId: system.globalId, stars: stars[i] } }, tokens[i])));
      expect(results.filter((res) => res.errors !== undefined)).toEqual([]);

      const expected: Summary = { count: 40, average: 2.18, histogram: [0, 33, 7, 0, 0], verifiedCount: 0 };
      expect(await summaryFromSql(system)).toEqual(expected);
      expect(await entrySummary(owner.member, system)).toEqual(expected);
      expect(results.find((res) => res.data?.rateAiSystem.ratingSummary.count === 40)?.data?.rateAiSystem.ratingSummary).toEqual(expected);
    });

    it('lets one of 10 concurrent requests without key from one organisation through; 9 get CONFLICT', async () => {
      const owner = await agency();
      const system = await makePublishedEntry(t.dataSource, owner.organisation);
      const organisation = await makeOrganisation(t.dataSource);
      const users = await members(organisation, 5);
      const tokens = await Promise.all(users.map((user) => t.tokenFor(user)));
      const results = await Promise.all(
        Array.from({ length: 10 }, (_, i) => t.gql<RequestData>(REQUEST, { input: { aiSystemId: system.globalId, purpose: `Anfrage ${i}`, intendedUse: 'Test' } }, tokens[i % 5])),
      );
      expect(results.filter((res) => res.errors === undefined)).toHaveLength(1);
      const losers = results.filter((res) => res.errors !== undefined);
      expect(losers).toHaveLength(9);
      for (const loser of losers) expectError(loser, ErrorCode.CONFLICT, { field: 'input.aiSystemId' });

      const rows: Array<{ id: string }> = await t.dataSource.query(`SELECT id FROM reuse_request WHERE ai_system_id = $1`, [system.id]);
      expect(rows).toHaveLength(1);
      const events: unknown[] = await t.dataSource.query(`SELECT 1 FROM domain_event WHERE type = 'ReuseRequested' AND aggregate_id = $1`, [rows[0]?.id]);
      expect(events).toHaveLength(1);
      const audit: unknown[] = await t.dataSource.query(`SELECT 1 FROM audit_log WHERE entity_type = 'ReuseRequest' AND entity_id = $1`, [rows[0]?.id]);
      expect(audit).toHaveLength(1);
    });

    it('returns the first request for a retried key and refuses the same key for another system with CONFLICT on input.clientMutationId', async () => {
      const { owner, requesting, system } = await scenario();
      const other = await makePublishedEntry(t.dataSource, owner.organisation);
      const clientMutationId = `schluessel-${randomUUID()}`;
      const first = await requestReuse(requesting.colleague, other, { clientMutationId });

      const before = await snapshot();
      const retries = await Promise.all(
        [1, 2, 3].map(() => call<RequestData>(requesting.colleague, REQUEST, { input: { aiSystemId: other.globalId, purpose: 'Nachnutzung prüfen', intendedUse: 'Pilot', clientMutationId } })),
      );
      for (const res of retries) expect(ok(res).requestReuse).toMatchObject({ clientMutationId, reuseRequest: { id: first.id } });
      expect(await snapshot()).toEqual(before);

      const reused = await refused(() => call(requesting.colleague, REQUEST, { input: { aiSystemId: system.globalId, purpose: 'Anderes System', intendedUse: 'Test', clientMutationId } }));
      expectError(reused, ErrorCode.CONFLICT, { field: 'input.clientMutationId' });
    });

    it('counts a helpful mark once, also when the same user sends it concurrently', async () => {
      const { requesting, third, system } = await scenario();
      const rated = await rate(requesting.member, system, 4);
      const results = await Promise.all([1, 2, 3, 4].map(() => call<HelpfulData>(third.member, HELPFUL, { input: { ratingId: rated.rating.id } })));
      for (const res of results) expect(ok(res).markRatingHelpful.id).toBe(rated.rating.id);
      const [row]: Array<{ count: number; votes: number }> = await t.dataSource.query(
        `SELECT helpful_count AS count, (SELECT count(*)::int FROM rating_helpful_vote WHERE rating_id = $1) AS votes FROM rating WHERE id = $1`,
        [uuidOf(rated.rating.id)],
      );
      expect(row).toEqual({ count: 1, votes: 1 });
    });
  });

  describe('verified reuse', () => {
    it('verifies a rating made before the approval when the request is approved, and no rating of an organisation without approval', async () => {
      const owner = await agency();
      const system = await makePublishedEntry(t.dataSource, owner.organisation);
      const approved = await agency();
      const rejected = await agency();
      const bystander = await agency();

      const early = await rate(approved.member, system, 4);
      expect(early.rating.verifiedReuse).toBe(false);
      expect((await rate(rejected.member, system, 2)).rating.verifiedReuse).toBe(false);
      expect((await rate(bystander.member, system, 5)).ratingSummary).toEqual({ count: 3, average: 3.67, histogram: [0, 1, 0, 1, 1], verifiedCount: 0 });

      await decide(owner.reviewer, await requestReuse(rejected.publisher, system), 'REJECT');
      expect(await entrySummary(bystander.member, system)).toMatchObject({ verifiedCount: 0 });

      const request = await requestReuse(approved.publisher, system);
      await decide(owner.reviewer, request, 'APPROVE');
      // verifiedCount is stored with the approval, not recomputed on read.
      const [stored]: Array<{ verified: number }> = await t.dataSource.query(`SELECT rating_verified_count AS verified FROM ai_system WHERE id = $1`, [system.id]);
      expect(stored?.verified).toBe(1);
      expect(await entrySummary(bystander.member, system)).toEqual({ count: 3, average: 3.67, histogram: [0, 1, 0, 1, 1], verifiedCount: 1 });
      expect(await summaryFromSql(system)).toEqual({ count: 3, average: 3.67, histogram: [0, 1, 0, 1, 1], verifiedCount: 1 });

      const ratings = ok(await call<RatingsData>(bystander.member, RATINGS, { id: system.globalId, first: 10 })).aiSystem.ratings.edges.map((edge) => edge.node);
      expect(ratings.find((rating) => rating.id === early.rating.id)?.verifiedReuse).toBe(true);
      expect(ratings.filter((rating) => rating.id !== early.rating.id).map((rating) => rating.verifiedReuse)).toEqual([false, false]);

      const later = await rate(approved.reviewer, system, 3);
      expect(later.rating.verifiedReuse).toBe(true);
      expect(later.ratingSummary).toEqual({ count: 4, average: 3.5, histogram: [0, 1, 1, 1, 1], verifiedCount: 2 });
    });
  });

  describe('ratings on the entry', () => {
    async function ratingsPage(viewer: MadeUser, system: System, orderBy: string, first: number, after?: string): Promise<GraphQLResponse<RatingsData>> {
      return call<RatingsData>(viewer, RATINGS, { id: system.globalId, orderBy, first, after });
    }

    /** Every page of `first` from the start; checks the cursors chain and the last page says so. */
    async function walk(viewer: MadeUser, system: System, orderBy: string, first: number): Promise<string[]> {
      const ids: string[] = [];
      let after: string | undefined;
      for (let pages = 0; pages < 20; pages++) {
        const ratings = ok(await ratingsPage(viewer, system, orderBy, first, after)).aiSystem.ratings;
        ids.push(...ratings.edges.map((edge) => edge.node.id));
        expect(ratings.pageInfo.endCursor).toBe(ratings.edges.at(-1)?.cursor ?? null);
        if (!ratings.pageInfo.hasNextPage) return ids;
        after = ratings.pageInfo.endCursor ?? undefined;
      }
      throw new Error('ratings did not end within 20 pages');
    }

    async function sqlOrder(system: System, orderSql: string): Promise<string[]> {
      const rows: Array<{ id: string }> = await t.dataSource.query(`SELECT id FROM rating WHERE ai_system_id = $1 ORDER BY ${orderSql}`, [system.id]);
      return rows.map((row) => toGlobalId('Rating', row.id));
    }

    it('sorts by NEWEST and MOST_HELPFUL and pages with first/after without duplicates or gaps', async () => {
      const owner = await agency();
      const system = await makePublishedEntry(t.dataSource, owner.organisation);
      const raters = await Promise.all([1, 2, 3, 4, 5].map(async () => (await agency()).member));
      const ratingIds: string[] = [];
      for (const [i, rater] of raters.entries()) ratingIds.push((await rate(rater, system, (i % 5) + 1)).rating.id);
      const [r0, r1, r2, r3, r4] = ratingIds as [string, string, string, string, string];

      const voters = [owner.member, ...(await Promise.all([1, 2, 3].map(async () => (await agency()).member)))];
      const marks: Array<[MadeUser, string]> = [
        [voters[0] as MadeUser, r0],
        [voters[1] as MadeUser, r0],
        [voters[2] as MadeUser, r0],
        [voters[0] as MadeUser, r3],
        [voters[3] as MadeUser, r3],
        [voters[1] as MadeUser, r1],
      ];
      for (const [voter, ratingId] of marks) ok(await call<HelpfulData>(voter, HELPFUL, { input: { ratingId } }));
      // Marking twice counts once.
      const twice = ok(await call<HelpfulData>(voters[0] as MadeUser, HELPFUL, { input: { ratingId: r0 } }));
      expect(twice.markRatingHelpful.helpfulCount).toBe(3);
      // Nobody marks their own rating.
      const own = await refused(() => call(raters[2] as MadeUser, HELPFUL, { input: { ratingId: r2 } }));
      expectError(own, ErrorCode.FORBIDDEN);

      const viewer = voters[3] as MadeUser;
      const newest = ok(await ratingsPage(viewer, system, 'NEWEST', 100)).aiSystem.ratings;
      expect(newest.totalCount).toBe(5);
      expect(newest.edges.map((edge) => edge.node.id)).toEqual([r4, r3, r2, r1, r0]);
      expect(newest.edges.map((edge) => edge.node.id)).toEqual(await sqlOrder(system, 'updated_at DESC, id DESC'));

      const helpful = ok(await ratingsPage(viewer, system, 'MOST_HELPFUL', 100)).aiSystem.ratings;
      expect(helpful.edges.map((edge) => edge.node.helpfulCount)).toEqual([3, 2, 1, 0, 0]);
      const unmarked = [r2, r4].sort((a, b) => (uuidOf(b) < uuidOf(a) ? -1 : 1));
      expect(helpful.edges.map((edge) => edge.node.id)).toEqual([r0, r3, r1, ...unmarked]);
      expect(helpful.edges.map((edge) => edge.node.id)).toEqual(await sqlOrder(system, 'helpful_count DESC, id DESC'));
      const votes: Array<{ id: string; votes: number }> = await t.dataSource.query(
        `SELECT g.id, g.helpful_count - (SELECT count(*)::int FROM rating_helpful_vote v WHERE v.rating_id = g.id) AS votes FROM rating g WHERE g.ai_system_id = $1`,
        [system.id],
      );
      expect(votes.map((row) => row.votes)).toEqual([0, 0, 0, 0, 0]);

      for (const [orderBy, all] of [['NEWEST', newest], ['MOST_HELPFUL', helpful]] as const) {
        for (const first of [1, 2, 3]) {
          const walked = await walk(viewer, system, orderBy, first);
          expect(walked).toEqual(all.edges.map((edge) => edge.node.id));
          expect(new Set(walked).size).toBe(5);
        }
      }
    });

    it('answers a forged cursor with BAD_USER_INPUT on after', async () => {
      const { third, system } = await scenario();
      for (const rater of await Promise.all([1, 2].map(async () => (await agency()).member))) await rate(rater, system, 3);
      const newestCursor = ok(await ratingsPage(third.member, system, 'NEWEST', 1)).aiSystem.ratings.pageInfo.endCursor ?? '';
      const helpfulCursor = ok(await ratingsPage(third.member, system, 'MOST_HELPFUL', 1)).aiSystem.ratings.pageInfo.endCursor ?? '';
      const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
      const forged: Array<[string, string]> = [
        ['NEWEST', 'kein-cursor'],
        ['NEWEST', encode({ v: "2025-01-01T00:00:00Z'; DROP TABLE rating; --", i: randomUUID() })],
        ['NEWEST', encode({ v: '2025-01-01T00:00:00Z', i: 'keine-uuid' })],
        ['NEWEST', encode({ v: 3, i: randomUUID() })],
        ['NEWEST', helpfulCursor],
        ['MOST_HELPFUL', newestCursor],
        ['MOST_HELPFUL', encode({ v: '3', i: randomUUID() })],
        ['MOST_HELPFUL', encode([1, 2])],
      ];
      for (const [orderBy, after] of forged) {
        const res = await ratingsPage(third.member, system, orderBy, 1, after);
        expectBadField(res, 'after');
      }
    });
  });

  describe('search by rating', () => {
    async function searchAll(viewer: MadeUser, variables: Record<string, unknown>): Promise<Array<{ id: string; average: number | null }>> {
      const found: Array<{ id: string; average: number | null }> = [];
      let after: string | undefined;
      for (let pages = 0; pages < 100; pages++) {
        const result = ok(await call<SearchData>(viewer, SEARCH, { ...variables, after })).searchAiSystems;
        found.push(...result.nodes.map((node) => ({ id: node.id, average: node.ratingSummary.average })));
        if (!result.pageInfo.hasNextPage) {
          expect(found).toHaveLength(result.totalCount);
          return found;
        }
        after = result.pageInfo.endCursor ?? undefined;
      }
      throw new Error('search did not end within 100 pages');
    }

    async function listedFromSql(where: string, orderSql: string, params: unknown[] = []): Promise<string[]> {
      const rows: Array<{ id: string }> = await t.dataSource.query(`SELECT id FROM ai_system WHERE listed AND ${where} ORDER BY ${orderSql}`, params);
      return rows.map((row) => toGlobalId('AiSystem', row.id));
    }

    it('filters by minRating and sorts by RATING as the stored averages say, unrated last', async () => {
      const owner = await agency();
      const raters = await Promise.all([1, 2, 3].map(async () => (await agency()).member));
      const entries = await Promise.all([1, 2, 3, 4, 5, 6].map(() => makePublishedEntry(t.dataSource, owner.organisation)));
      const [five, fourAndHalf, four, threeSixtySeven, unrated, fourThirtyThree] = entries as [System, System, System, System, System, System];
      const starsByEntry: Array<[System, number[]]> = [
        [five, [5]],
        [fourAndHalf, [5, 4]],
        [four, [4]],
        [threeSixtySeven, [4, 4, 3]],
        [fourThirtyThree, [5, 4, 4]],
      ];
      for (const [entry, stars] of starsByEntry) {
        for (const [i, value] of stars.entries()) await rate(raters[i] as MadeUser, entry, value);
      }
      const viewer = raters[0] as MadeUser;
      const mine = new Set(entries.map((entry) => entry.globalId));
      const onlyMine = (ids: string[]) => ids.filter((id) => mine.has(id));

      const atLeastFour = (await searchAll(viewer, { filter: { minRating: 4 } })).map((hit) => hit.id);
      expect(new Set(atLeastFour)).toEqual(new Set(await listedFromSql('rating_average >= 4', 'id')));
      expect(new Set(onlyMine(atLeastFour))).toEqual(new Set([five.globalId, fourAndHalf.globalId, four.globalId, fourThirtyThree.globalId]));

      const byRating = await searchAll(viewer, { orderBy: 'RATING' });
      expect(byRating.map((hit) => hit.id)).toEqual(await listedFromSql('true', 'rating_average DESC NULLS LAST, id DESC'));
      expect(onlyMine(byRating.map((hit) => hit.id))).toEqual([five, fourAndHalf, fourThirtyThree, four, threeSixtySeven, unrated].map((entry) => entry.globalId));
      const averages = byRating.map((hit) => hit.average);
      const rated = averages.filter((average): average is number => average !== null);
      expect(averages.slice(rated.length).every((average) => average === null)).toBe(true);
      expect(rated).toEqual([...rated].sort((a, b) => b - a));

      const fourUp = await searchAll(viewer, { filter: { minRating: 4 }, orderBy: 'RATING' });
      expect(fourUp.map((hit) => hit.id)).toEqual(await listedFromSql('rating_average >= 4', 'rating_average DESC, id DESC'));
      expect(fourUp.every((hit) => hit.average !== null && hit.average >= 4)).toBe(true);

      const fourAndAHalfUp = await searchAll(viewer, { filter: { minRating: 4.5 }, orderBy: 'RATING' });
      expect(fourAndAHalfUp.map((hit) => hit.id)).toEqual(await listedFromSql('rating_average >= 4.5', 'rating_average DESC, id DESC'));
      expect(onlyMine(fourAndAHalfUp.map((hit) => hit.id))).toEqual([five.globalId, fourAndHalf.globalId]);
    });

    it.each([0, 6, 0.99, 5.01, -1])('refuses minRating %s with BAD_USER_INPUT on filter.minRating', async (minRating) => {
      const viewer = (await agency()).member;
      expectBadField(await call(viewer, SEARCH, { filter: { minRating } }), 'filter.minRating');
    });
  });

  describe('bad input', () => {
    const long = 'ä'.repeat(6000);
    const inAnHour = () => new Date(Date.now() + 3_600_000).toISOString();
    const cases: Array<{ name: string; query: string; as: (s: Scenario) => MadeUser; input: (s: Scenario, ratingId: string) => Record<string, unknown>; field: string }> = [
      {
        name: 'requestReuse with an Organisation id as aiSystemId',
        query: REQUEST,
        as: (s) => s.third.member,
        input: (s) => ({ aiSystemId: toGlobalId('Organisation', s.owner.organisation.id), purpose: 'Test', intendedUse: 'Test' }),
        field: 'input.aiSystemId',
      },
      { name: 'requestReuse with a made-up id', query: REQUEST, as: (s) => s.third.member, input: () => ({ aiSystemId: 'kein-bezeichner', purpose: 'Test', intendedUse: 'Test' }), field: 'input.aiSystemId' },
      { name: 'requestReuse with a 6,000-character purpose', query: REQUEST, as: (s) => s.third.member, input: (s) => ({ aiSystemId: s.system.globalId, purpose: long, intendedUse: 'Test' }), field: 'input.purpose' },
      { name: 'requestReuse with a 6,000-character intendedUse', query: REQUEST, as: (s) => s.third.member, input: (s) => ({ aiSystemId: s.system.globalId, purpose: 'Test', intendedUse: long }), field: 'input.intendedUse' },
      { name: 'requestReuse with an empty purpose', query: REQUEST, as: (s) => s.third.member, input: (s) => ({ aiSystemId: s.system.globalId, purpose: '', intendedUse: 'Test' }), field: 'input.purpose' },
      {
        name: 'requestReuse with an invalid contact e-mail',
        query: REQUEST,
        as: (s) => s.third.member,
        input: (s) => ({ aiSystemId: s.system.globalId, purpose: 'Test', intendedUse: 'Test', contactEmail: 'keine-adresse' }),
        field: 'input.contactEmail',
      },
      {
        name: 'requestReuse with an AiSystem id as previousRequestId',
        query: REQUEST,
        as: (s) => s.third.member,
        input: (s) => ({ aiSystemId: s.system.globalId, purpose: 'Test', intendedUse: 'Test', previousRequestId: s.system.globalId }),
        field: 'input.previousRequestId',
      },
      {
        name: 'requestReuse following up a request that is still open',
        query: REQUEST,
        as: (s) => s.requesting.colleague,
        input: (s) => ({ aiSystemId: s.system.globalId, purpose: 'Test', intendedUse: 'Test', previousRequestId: s.request.id }),
        field: 'input.previousRequestId',
      },
      { name: 'rateAiSystem with an Organisation id as aiSystemId', query: RATE, as: (s) => s.third.member, input: (s) => ({ aiSystemId: toGlobalId('Organisation', s.owner.organisation.id), stars: 4 }), field: 'input.aiSystemId' },
      { name: 'rateAiSystem with 0 stars', query: RATE, as: (s) => s.third.member, input: (s) => ({ aiSystemId: s.system.globalId, stars: 0 }), field: 'input.stars' },
      { name: 'rateAiSystem with 6 stars', query: RATE, as: (s) => s.third.member, input: (s) => ({ aiSystemId: s.system.globalId, stars: 6 }), field: 'input.stars' },
      { name: 'rateAiSystem with a 6,000-character text', query: RATE, as: (s) => s.third.member, input: (s) => ({ aiSystemId: s.system.globalId, stars: 4, text: long }), field: 'input.text' },
      { name: 'rateAiSystem with a 201-character title', query: RATE, as: (s) => s.third.member, input: (s) => ({ aiSystemId: s.system.globalId, stars: 4, title: 't'.repeat(201) }), field: 'input.title' },
      { name: 'decideReuseRequest with an AiSystem id', query: DECIDE, as: (s) => s.owner.reviewer, input: (s) => ({ id: s.system.globalId, decision: 'APPROVE', expectedVersion: 1 }), field: 'input.id' },
      { name: 'decideReuseRequest REJECT without note', query: DECIDE, as: (s) => s.owner.reviewer, input: (s) => ({ id: s.request.id, decision: 'REJECT', expectedVersion: 1 }), field: 'input.note' },
      { name: 'decideReuseRequest REJECT with a blank note', query: DECIDE, as: (s) => s.owner.reviewer, input: (s) => ({ id: s.request.id, decision: 'REJECT', note: '   ', expectedVersion: 1 }), field: 'input.note' },
      { name: 'decideReuseRequest with a 6,000-character note', query: DECIDE, as: (s) => s.owner.reviewer, input: (s) => ({ id: s.request.id, decision: 'REJECT', note: long, expectedVersion: 1 }), field: 'input.note' },
      {
        name: 'decideReuseRequest with expiresAt in the past',
        query: DECIDE,
        as: (s) => s.owner.reviewer,
        input: (s) => ({ id: s.request.id, decision: 'APPROVE', expiresAt: new Date(Date.now() - 60_000).toISOString(), expectedVersion: 1 }),
        field: 'input.expiresAt',
      },
      {
        name: 'decideReuseRequest REJECT with expiresAt',
        query: DECIDE,
        as: (s) => s.owner.reviewer,
        input: (s) => ({ id: s.request.id, decision: 'REJECT', note: 'Nein', expiresAt: inAnHour(), expectedVersion: 1 }),
        field: 'input.expiresAt',
      },
      { name: 'decideReuseRequest with expectedVersion 0', query: DECIDE, as: (s) => s.owner.reviewer, input: (s) => ({ id: s.request.id, decision: 'APPROVE', expectedVersion: 0 }), field: 'input.expectedVersion' },
      { name: 'withdrawReuseRequest with a Rating id', query: WITHDRAW, as: (s) => s.requesting.member, input: (_s, ratingId) => ({ id: ratingId, expectedVersion: 1 }), field: 'input.id' },
      { name: 'addReuseRequestMessage with an AiSystem id', query: MESSAGE, as: (s) => s.requesting.member, input: (s) => ({ reuseRequestId: s.system.globalId, body: 'Hallo' }), field: 'input.reuseRequestId' },
      { name: 'addReuseRequestMessage with an empty body', query: MESSAGE, as: (s) => s.requesting.member, input: (s) => ({ reuseRequestId: s.request.id, body: '' }), field: 'input.body' },
      { name: 'addReuseRequestMessage with a blank body', query: MESSAGE, as: (s) => s.owner.reviewer, input: (s) => ({ reuseRequestId: s.request.id, body: ' \n\t ' }), field: 'input.body' },
      { name: 'addReuseRequestMessage with a 6,000-character body', query: MESSAGE, as: (s) => s.requesting.member, input: (s) => ({ reuseRequestId: s.request.id, body: long }), field: 'input.body' },
      { name: 'replyToRating with a ReuseRequest id', query: REPLY, as: (s) => s.owner.publisher, input: (s) => ({ ratingId: s.request.id, reply: 'Danke' }), field: 'input.ratingId' },
      { name: 'replyToRating with an empty reply', query: REPLY, as: (s) => s.owner.publisher, input: (_s, ratingId) => ({ ratingId, reply: '' }), field: 'input.reply' },
      { name: 'markRatingHelpful with an AiSystem id', query: HELPFUL, as: (s) => s.owner.member, input: (s) => ({ ratingId: s.system.globalId }), field: 'input.ratingId' },
    ];

    it.each(cases)('refuses $name with BAD_USER_INPUT on $field and writes nothing', async ({ query, as, input, field }) => {
      const s = await scenario();
      const rated = await rate(s.third.publisher, s.system, 4);
      const res = await refused(() => call(as(s), query, { input: input(s, rated.rating.id) }));
      expectBadField(res, field);
    });

    const unknown: Array<{ name: string; query: string; as: (s: Scenario) => MadeUser; input: (s: Scenario, unknownId: string) => Record<string, unknown>; type: string }> = [
      { name: 'requestReuse', query: REQUEST, as: (s) => s.third.member, input: (_s, id) => ({ aiSystemId: id, purpose: 'Test', intendedUse: 'Test' }), type: 'AiSystem' },
      { name: 'rateAiSystem', query: RATE, as: (s) => s.third.member, input: (_s, id) => ({ aiSystemId: id, stars: 3 }), type: 'AiSystem' },
      { name: 'decideReuseRequest', query: DECIDE, as: (s) => s.owner.reviewer, input: (_s, id) => ({ id, decision: 'APPROVE', expectedVersion: 1 }), type: 'ReuseRequest' },
      { name: 'withdrawReuseRequest', query: WITHDRAW, as: (s) => s.requesting.member, input: (_s, id) => ({ id, expectedVersion: 1 }), type: 'ReuseRequest' },
      { name: 'addReuseRequestMessage', query: MESSAGE, as: (s) => s.requesting.member, input: (_s, id) => ({ reuseRequestId: id, body: 'Hallo' }), type: 'ReuseRequest' },
      { name: 'replyToRating', query: REPLY, as: (s) => s.owner.publisher, input: (_s, id) => ({ ratingId: id, reply: 'Danke' }), type: 'Rating' },
      { name: 'markRatingHelpful', query: HELPFUL, as: (s) => s.owner.member, input: (_s, id) => ({ ratingId: id }), type: 'Rating' },
      {
        name: 'requestReuse following up a request',
        query: REQUEST,
        as: (s) => s.third.member,
        input: (s, id) => ({ aiSystemId: s.system.globalId, purpose: 'Test', intendedUse: 'Test', previousRequestId: id }),
        type: 'ReuseRequest',
      },
    ];

    it.each(unknown)('answers $name with an unknown id NOT_FOUND and writes nothing', async ({ query, as, input, type }) => {
      const s = await scenario();
      const unknownId = toGlobalId(type, randomUUID());
      const res = await refused(() => call(as(s), query, { input: input(s, unknownId) }));
      expectError(res, ErrorCode.NOT_FOUND, { type, id: unknownId });
    });

    it('refuses previousRequestId pointing to an approved or withdrawn request, or to a rejection for another system', async () => {
      const { owner, requesting, third } = await scenario();
      const target = await makePublishedEntry(t.dataSource, owner.organisation);
      const elsewhere = await makePublishedEntry(t.dataSource, owner.organisation);
      const rejectedElsewhere = await decide(owner.reviewer, await requestReuse(requesting.member, elsewhere), 'REJECT');
      const withdrawn = await withdraw(requesting.member, await requestReuse(requesting.member, target));
      const approved = await decide(owner.reviewer, await requestReuse(requesting.member, target), 'APPROVE');
      const follow = (previousRequestId: string, user = requesting.colleague) =>
        refused(() => call(user, REQUEST, { input: { aiSystemId: target.globalId, purpose: 'Neuer Anlauf', intendedUse: 'Test', previousRequestId } }));

      for (const previous of [approved, withdrawn, rejectedElsewhere]) expectBadField(await follow(previous.id), 'input.previousRequestId');
      // Another organisation's rejection does not exist for the caller.
      const foreignRejection = await decide(owner.reviewer, await requestReuse(third.member, target), 'REJECT');
      expectError(await follow(foreignRejection.id), ErrorCode.NOT_FOUND, { type: 'ReuseRequest', id: foreignRejection.id });
    });

    it('answers 2.5 stars with Apollo’s BAD_USER_INPUT for the variable, before any resolver runs', async () => {
      const { third, system } = await scenario();
      const res = await refused(() => call(third.member, RATE, { input: { aiSystemId: system.globalId, stars: 2.5 } }));
      expect(res.status).toBe(400);
      expectError(res, ErrorCode.BAD_USER_INPUT);
      expect(res.errors?.[0]?.message).toBe('Variable "$input" got invalid value 2.5 at "input.stars"; Int cannot represent non-integer value: 2.5');
    });

    it('answers long texts in a body below 100,000 bytes with BAD_USER_INPUT, and a 100 kB body with 413 PAYLOAD_TOO_LARGE', async () => {
      const { third, system } = await scenario();
      const belowLimit = await refused(() => call(third.member, REQUEST, { input: { aiSystemId: system.globalId, purpose: 'x'.repeat(90_000), intendedUse: 'Test' } }));
      expect(belowLimit.status).toBe(200);
      expectBadField(belowLimit, 'input.purpose');
      const rating = await refused(() => call(third.member, RATE, { input: { aiSystemId: system.globalId, stars: 4, text: 'x'.repeat(90_000) } }));
      expectBadField(rating, 'input.text');

      for (const [query, input] of [
        [REQUEST, { aiSystemId: system.globalId, purpose: 'x'.repeat(100 * 1024), intendedUse: 'Test' }],
        [RATE, { aiSystemId: system.globalId, stars: 4, text: 'x'.repeat(100 * 1024) }],
      ] as const) {
        const tooLarge = await refused(() => call(third.member, query, { input }));
        expect(tooLarge.status).toBe(413);
        expectError(tooLarge, ErrorCode.PAYLOAD_TOO_LARGE);
      }
    });
  });
});

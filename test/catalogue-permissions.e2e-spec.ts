import { randomBytes, randomUUID } from 'node:crypto';
import { ErrorCode, fromGlobalId, Role, toGlobalId } from '@app/common';
import type { OrganisationEntity } from '@app/data';
import { completeContent, createTestApp, makeOrganisation, makeUser, type GraphQLResponse, type MadeUser, type TestApp } from '@app/testing';

const ENTRY = 'id slug status version';
const CREATE = `mutation ($input: CreateAiSystemDraftInput!) { createAiSystemDraft(input: $input) { aiSystem { ${ENTRY} } } }`;
const UPDATE = `mutation ($input: UpdateAiSystemDraftInput!) { updateAiSystemDraft(input: $input) { aiSystem { ${ENTRY} } } }`;
const SUBMIT = `mutation ($input: SubmitAiSystemForReviewInput!) { submitAiSystemForReview(input: $input) { aiSystem { ${ENTRY} } } }`;
const REVIEW = `mutation ($input: ReviewAiSystemInput!) { reviewAiSystem(input: $input) { aiSystem { ${ENTRY} } } }`;
const ARCHIVE = `mutation ($input: ArchiveAiSystemInput!) { archiveAiSystem(input: $input) { aiSystem { ${ENTRY} } } }`;
const VALIDATE = 'query ($id: ID!) { validateAiSystem(id: $id) { valid problems { field message } } }';
const VIEW = 'status draft { name gated gatedDetails { deploymentNotes } } published { name gated gatedDetails { deploymentNotes } } revisions { number outcome }';
const BY_ID = `query ($id: ID!) { aiSystem(id: $id) { ${VIEW} } }`;
const BY_SLUG = `query ($slug: String!) { aiSystem(slug: $slug) { ${VIEW} } }`;
const NODE = `query ($id: ID!) { node(id: $id) { id ... on AiSystem { ${VIEW} } } }`;

interface Entry {
  id: string;
  slug: string;
  status: string;
  version: number;
}

interface EntryView {
  status: string;
  draft: { name: string; gated: boolean; gatedDetails: { deploymentNotes: string | null } | null } | null;
  published: { name: string; gated: boolean; gatedDetails: { deploymentNotes: string | null } | null } | null;
  revisions: Array<{ number: number; outcome: string | null }> | null;
}

interface FieldProblem {
  field: string;
  message: string;
}

type Payload = Record<string, { aiSystem: Entry } | undefined>;

interface Snapshot {
  totals: { entries: number; revisions: number; auditRows: number; events: number };
  row?: Record<string, unknown>;
  revisions?: Array<Record<string, unknown>>;
}

/** The mutations that only publishers of the owning organisation may run on an existing entry, with valid input. */
const ownerMutations: Array<{ name: string; query: string; input: (entry: Entry) => Record<string, unknown> }> = [
  { name: 'updateAiSystemDraft', query: UPDATE, input: (e) => ({ id: e.id, expectedVersion: e.version, content: { purpose: 'Geändert von jemand anderem.' } }) },
  { name: 'submitAiSystemForReview', query: SUBMIT, input: (e) => ({ id: e.id, expectedVersion: e.version }) },
  { name: 'archiveAiSystem', query: ARCHIVE, input: (e) => ({ id: e.id, expectedVersion: e.version, reason: 'nicht mehr benötigt' }) },
];

const uniqueName = (prefix = 'Testsystem') => `${prefix} ${randomBytes(4).toString('hex')}`;

const codesOf = (res: GraphQLResponse<unknown>): string[] => (res.errors ?? []).map((error) => error.extensions.code);

function fieldsOf(res: GraphQLResponse<unknown>): string[] {
  const problems = res.errors?.[0]?.extensions.fields as FieldProblem[] | undefined;
  return (problems ?? []).map((problem) => problem.field).sort();
}

const randomEntryId = () => toGlobalId('AiSystem', randomUUID());

describe('catalogue: forbidden paths and bad input of the publication workflow', () => {
  let t: TestApp;
  let operator: OrganisationEntity;
  const operatorSlug = `betreiber-${randomBytes(4).toString('hex')}`;

  beforeAll(async () => {
    t = await createTestApp({ OPERATOR_ORGANISATION: operatorSlug });
    operator = await makeOrganisation(t.dataSource, { slug: operatorSlug, name: 'Betreiber des Marktplatzes' });
  });

  afterAll(async () => {
    await t.close();
  });

  async function call<T = Payload>(user: MadeUser | null, query: string, variables: Record<string, unknown> = {}): Promise<GraphQLResponse<T>> {
    return t.gql<T>(query, variables, user === null ? undefined : await t.tokenFor(user));
  }

  /** A refusal: exactly one error with `code`, no result. */
  function refused(res: GraphQLResponse<unknown>, code: string): { message: string; extensions: Record<string, unknown> } {
    expect(codesOf(res)).toEqual([code]);
    const data = res.data as Record<string, unknown> | null | undefined;
    expect(Object.values(data ?? {}).filter((value) => value !== null)).toEqual([]);
    const error = res.errors?.[0];
    if (error === undefined) throw new Error('no error');
    return error;
  }

  function entryOf(res: GraphQLResponse<Payload>, field: string): Entry {
    expect(res.errors).toBeUndefined();
    const entry = res.data?.[field]?.aiSystem;
    if (entry === undefined) throw new Error(`${field} returned no entry`);
    return entry;
  }

  /** Everything a refused mutation must leave alone: the entry row, its revisions, and the table totals. */
  async function snapshot(entry?: Entry): Promise<Snapshot> {
    const [totals]: Array<Snapshot['totals']> = await t.dataSource.query(
      `SELECT (SELECT count(*) FROM ai_system)::int AS entries, (SELECT count(*) FROM ai_system_revision)::int AS revisions,
              (SELECT count(*) FROM audit_log)::int AS "auditRows", (SELECT count(*) FROM domain_event)::int AS events`,
    );
    if (totals === undefined) throw new Error('no totals');
    if (entry === undefined) return { totals };
    const uuid = fromGlobalId(entry.id, 'AiSystem');
    const [row]: Array<Record<string, unknown>> = await t.dataSource.query(
      `SELECT slug, status, version, draft, published, listed, updated_by AS "updatedBy", updated_at AS "updatedAt", archived_at AS "archivedAt"
       FROM ai_system WHERE id = $1`,
      [uuid],
    );
    const revisions: Array<Record<string, unknown>> = await t.dataSource.query(
      `SELECT number, content, outcome, reviewed_by AS "reviewedBy", review_comment AS "reviewComment" FROM ai_system_revision WHERE ai_system_id = $1 ORDER BY number`,
      [uuid],
    );
    return { totals, row, revisions };
  }

  async function agency(): Promise<{ organisation: OrganisationEntity; publisher: MadeUser; reviewer: MadeUser }> {
    const organisation = await makeOrganisation(t.dataSource);
    return {
      organisation,
      publisher: await makeUser(t.dataSource, { organisation, roles: [Role.PUBLISHER] }),
      reviewer: await makeUser(t.dataSource, { organisation, roles: [Role.REVIEWER] }),
    };
  }

  async function draft(publisher: MadeUser, content: Record<string, unknown> = completeContent({ name: uniqueName() })): Promise<Entry> {
    return entryOf(await call(publisher, CREATE, { input: { content } }), 'createAiSystemDraft');
  }

  async function inReview(publisher: MadeUser): Promise<Entry> {
    const entry = await draft(publisher);
    return entryOf(await call(publisher, SUBMIT, { input: { id: entry.id, expectedVersion: entry.version } }), 'submitAiSystemForReview');
  }

  async function published(publisher: MadeUser, reviewer: MadeUser): Promise<Entry> {
    const entry = await inReview(publisher);
    return entryOf(await call(reviewer, REVIEW, { input: { id: entry.id, expectedVersion: entry.version, decision: 'APPROVE' } }), 'reviewAiSystem');
  }

  async function archived(publisher: MadeUser, reviewer: MadeUser): Promise<Entry> {
    const entry = await published(publisher, reviewer);
    return entryOf(await call(publisher, ARCHIVE, { input: { id: entry.id, expectedVersion: entry.version } }), 'archiveAiSystem');
  }

  describe('createAiSystemDraft', () => {
    it('refuses anonymous callers with UNAUTHENTICATED and writes nothing', async () => {
      const before = await snapshot();
      refused(await call(null, CREATE, { input: { content: { name: uniqueName() } } }), ErrorCode.UNAUTHENTICATED);
      expect(await snapshot()).toEqual(before);
    });

    it.each([
      ['an agency user', []],
      ['a reviewer', [Role.REVIEWER]],
      ['an admin', [Role.ADMIN]],
    ])('refuses %s without PUBLISHER with FORBIDDEN and writes nothing', async (_who, roles) => {
      const user = await makeUser(t.dataSource, { roles });
      const before = await snapshot();
      refused(await call(user, CREATE, { input: { content: completeContent({ name: uniqueName() }) } }), ErrorCode.FORBIDDEN);
      expect(await snapshot()).toEqual(before);
    });

    it('refuses a slug that is taken with CONFLICT on input.slug and writes nothing', async () => {
      const { publisher } = await agency();
      const slug = `eindeutig-${randomBytes(4).toString('hex')}`;
      const first = entryOf(await call(publisher, CREATE, { input: { slug, content: { name: uniqueName() } } }), 'createAiSystemDraft');
      expect(first.slug).toBe(slug);
      const other = await makeUser(t.dataSource, { roles: [Role.PUBLISHER] });
      const before = await snapshot(first);

      const error = refused(await call(other, CREATE, { input: { slug, content: { name: uniqueName() } } }), ErrorCode.CONFLICT);
      expect(error.extensions.field).toBe('input.slug');
      expect(await snapshot(first)).toEqual(before);
    });

    it('gives a suffixed slug when the slug derived from the name is taken', async () => {
      const { publisher } = await agency();
      const name = uniqueName('Übersetzungsdienst Straße');
      const derived = `uebersetzungsdienst-strasse-${name.split(' ').pop()}`;
      const first = entryOf(await call(publisher, CREATE, { input: { content: { name } } }), 'createAiSystemDraft');
      const second = entryOf(await call(publisher, CREATE, { input: { content: { name } } }), 'createAiSystemDraft');
      expect(first.slug).toBe(derived);
      expect(second.slug).toMatch(new RegExp(`^${derived}-[0-9a-f]{4}$`));
      expect(second.id).not.toBe(first.id);
    });

    it.each([
      ['left out', {}],
      ['null', { name: null }],
      ['blank', { name: '     ' }],
    ])('refuses a draft whose name is %s with BAD_USER_INPUT on input.content.name and writes nothing', async (_how, content) => {
      const { publisher } = await agency();
      const before = await snapshot();
      const res = await call(publisher, CREATE, { input: { content: { shortDescription: 'Eine Beschreibung ohne Namen.', ...content } } });
      refused(res, ErrorCode.BAD_USER_INPUT);
      expect(fieldsOf(res)).toEqual(['input.content.name']);
      expect(await snapshot()).toEqual(before);
    });

    it('asks for a slug when none can be derived from the name', async () => {
      const { publisher } = await agency();
      const before = await snapshot();
      const res = await call(publisher, CREATE, { input: { content: { name: '???' } } });
      refused(res, ErrorCode.BAD_USER_INPUT);
      expect(fieldsOf(res)).toEqual(['input.slug']);
      expect(await snapshot()).toEqual(before);
    });

    it('gives concurrent drafts with the same name distinct slugs', async () => {
      const { publisher } = await agency();
      const token = await t.tokenFor(publisher);
      const name = uniqueName('Gleichzeitig');
      const results = await Promise.all(Array.from({ length: 5 }, () => t.gql<Payload>(CREATE, { input: { content: { name } } }, token)));
      const slugs = results.map((res) => entryOf(res, 'createAiSystemDraft').slug);
      expect(new Set(slugs).size).toBe(5);
    });

    it('lets exactly one of concurrent drafts with the same explicit slug win; the others get CONFLICT', async () => {
      const { publisher } = await agency();
      const token = await t.tokenFor(publisher);
      const slug = `umkaempft-${randomBytes(4).toString('hex')}`;
      const before = await snapshot();
      const results = await Promise.all(Array.from({ length: 5 }, () => t.gql<Payload>(CREATE, { input: { slug, content: { name: uniqueName() } } }, token)));
      expect(results.map((res) => codesOf(res)[0] ?? 'OK').sort()).toEqual([ErrorCode.CONFLICT, ErrorCode.CONFLICT, ErrorCode.CONFLICT, ErrorCode.CONFLICT, 'OK']);
      const after = await snapshot();
      expect(after.totals.entries - before.totals.entries).toBe(1);
      expect(after.totals.auditRows - before.totals.auditRows).toBe(1);
    });

    it.each(['Mit Großbuchstaben', 'a--b', 'ab', '-vorne'])('refuses the malformed slug %j with BAD_USER_INPUT on input.slug', async (slug) => {
      const { publisher } = await agency();
      const before = await snapshot();
      const res = await call(publisher, CREATE, { input: { slug, content: { name: uniqueName() } } });
      refused(res, ErrorCode.BAD_USER_INPUT);
      expect(new Set(fieldsOf(res))).toEqual(new Set(['input.slug']));
      expect(await snapshot()).toEqual(before);
    });
  });

  describe.each(ownerMutations)('$name on an entry the caller does not own', ({ name, query, input }) => {
    it('answers a publisher of another organisation on a draft with NOT_FOUND, exactly as for an id that does not exist', async () => {
      const { publisher } = await agency();
      const entry = await draft(publisher);
      const outsider = await makeUser(t.dataSource, { roles: [Role.PUBLISHER, Role.REVIEWER] });
      const before = await snapshot(entry);

      const hidden = refused(await call(outsider, query, { input: input(entry) }), ErrorCode.NOT_FOUND);
      const missingId = randomEntryId();
      const missing = refused(await call(outsider, query, { input: { ...input(entry), id: missingId } }), ErrorCode.NOT_FOUND);
      expect(hidden.extensions).toEqual({ code: ErrorCode.NOT_FOUND, type: 'AiSystem', id: entry.id });
      expect(missing.extensions).toEqual({ code: ErrorCode.NOT_FOUND, type: 'AiSystem', id: missingId });
      expect(hidden.message.replace(entry.id, '<id>')).toBe(missing.message.replace(missingId, '<id>'));
      expect(await snapshot(entry)).toEqual(before);
    });

    it('refuses a publisher of another organisation on a published entry with FORBIDDEN', async () => {
      const { publisher, reviewer } = await agency();
      const entry = await published(publisher, reviewer);
      const outsider = await makeUser(t.dataSource, { roles: [Role.PUBLISHER, Role.REVIEWER] });
      const before = await snapshot(entry);

      refused(await call(outsider, query, { input: input(entry) }), ErrorCode.FORBIDDEN);
      expect(await snapshot(entry)).toEqual(before);
    });

    it('refuses the operator’s publishers on a published entry with FORBIDDEN', async () => {
      const { publisher, reviewer } = await agency();
      const entry = await published(publisher, reviewer);
      const operatorStaff = await makeUser(t.dataSource, { organisation: operator, roles: [Role.PUBLISHER, Role.REVIEWER, Role.ADMIN] });
      const before = await snapshot(entry);

      refused(await call(operatorStaff, query, { input: input(entry) }), ErrorCode.FORBIDDEN);
      expect(await snapshot(entry)).toEqual(before);
    });

    it.each([
      ['a reviewer-only member', [Role.REVIEWER]],
      ['a member without roles', []],
      ['an admin without PUBLISHER', [Role.ADMIN, Role.REVIEWER]],
    ])('refuses %s of the owning organisation with FORBIDDEN', async (_who, roles) => {
      const { organisation, publisher } = await agency();
      const entry = await draft(publisher);
      const colleague = await makeUser(t.dataSource, { organisation, roles });
      const before = await snapshot(entry);

      refused(await call(colleague, query, { input: input(entry) }), ErrorCode.FORBIDDEN);
      expect(await snapshot(entry)).toEqual(before);
    });

    it('refuses anonymous callers with UNAUTHENTICATED', async () => {
      const { publisher, reviewer } = await agency();
      const entry = await published(publisher, reviewer);
      const before = await snapshot(entry);

      refused(await call(null, query, { input: input(entry) }), ErrorCode.UNAUTHENTICATED);
      expect(await snapshot(entry)).toEqual(before);
    });

    it(`${name} by the entry's own publisher passes these checks (control)`, async () => {
      const { publisher } = await agency();
      const entry = await draft(publisher);
      const res = await call(publisher, query, { input: input(entry) });
      expect(res.errors).toBeUndefined();
      expect(entryOf(res, name).version).toBe(entry.version + 1);
    });
  });

  describe('reviewAiSystem', () => {
    it('refuses a publisher without REVIEWER with FORBIDDEN and changes nothing', async () => {
      const { organisation, publisher } = await agency();
      const entry = await inReview(publisher);
      const colleague = await makeUser(t.dataSource, { organisation, roles: [Role.PUBLISHER, Role.ADMIN] });
      const before = await snapshot(entry);

      refused(await call(colleague, REVIEW, { input: { id: entry.id, expectedVersion: entry.version, decision: 'APPROVE' } }), ErrorCode.FORBIDDEN);
      expect(await snapshot(entry)).toEqual(before);
    });

    it('answers a reviewer of another organisation with NOT_FOUND while the entry is in review, as for a missing id', async () => {
      const { publisher } = await agency();
      const entry = await inReview(publisher);
      const outsider = await makeUser(t.dataSource, { roles: [Role.REVIEWER] });
      const before = await snapshot(entry);

      const hidden = refused(await call(outsider, REVIEW, { input: { id: entry.id, expectedVersion: entry.version, decision: 'APPROVE' } }), ErrorCode.NOT_FOUND);
      const missingId = randomEntryId();
      const missing = refused(await call(outsider, REVIEW, { input: { id: missingId, expectedVersion: entry.version, decision: 'APPROVE' } }), ErrorCode.NOT_FOUND);
      expect(hidden.extensions).toEqual({ code: ErrorCode.NOT_FOUND, type: 'AiSystem', id: entry.id });
      expect(missing.extensions).toEqual({ code: ErrorCode.NOT_FOUND, type: 'AiSystem', id: missingId });
      expect(await snapshot(entry)).toEqual(before);
    });

    it('refuses a reviewer of another organisation with FORBIDDEN when a published entry is in review again', async () => {
      const { publisher, reviewer } = await agency();
      const live = await published(publisher, reviewer);
      const edited = entryOf(await call(publisher, UPDATE, { input: { id: live.id, expectedVersion: live.version, content: { purpose: 'Neu gefasst.' } } }), 'updateAiSystemDraft');
      const entry = entryOf(await call(publisher, SUBMIT, { input: { id: edited.id, expectedVersion: edited.version } }), 'submitAiSystemForReview');
      const outsider = await makeUser(t.dataSource, { roles: [Role.REVIEWER] });
      const before = await snapshot(entry);

      refused(await call(outsider, REVIEW, { input: { id: entry.id, expectedVersion: entry.version, decision: 'APPROVE' } }), ErrorCode.FORBIDDEN);
      expect(await snapshot(entry)).toEqual(before);
    });

    it.each(['APPROVE', 'REQUEST_CHANGES'])('refuses the submitter %s of their own revision even with REVIEWER (four-eyes) and changes nothing', async (decision) => {
      const { organisation } = await agency();
      const publisherReviewer = await makeUser(t.dataSource, { organisation, roles: [Role.PUBLISHER, Role.REVIEWER] });
      const entry = await inReview(publisherReviewer);
      const before = await snapshot(entry);

      const error = refused(
        await call(publisherReviewer, REVIEW, { input: { id: entry.id, expectedVersion: entry.version, decision, comment: 'Passt so.' } }),
        ErrorCode.FORBIDDEN,
      );
      expect(error.message).toMatch(/four-eyes/);
      expect(await snapshot(entry)).toEqual(before);
    });

    it('refuses a reviewer who submitted the revision even after someone else edited the entry before', async () => {
      const { organisation, publisher } = await agency();
      const publisherReviewer = await makeUser(t.dataSource, { organisation, roles: [Role.PUBLISHER, Role.REVIEWER] });
      const created = await draft(publisher);
      const entry = entryOf(await call(publisherReviewer, SUBMIT, { input: { id: created.id, expectedVersion: created.version } }), 'submitAiSystemForReview');
      const before = await snapshot(entry);

      refused(await call(publisherReviewer, REVIEW, { input: { id: entry.id, expectedVersion: entry.version, decision: 'APPROVE' } }), ErrorCode.FORBIDDEN);
      expect(await snapshot(entry)).toEqual(before);
    });

    it('lets a reviewer of the operator organisation approve', async () => {
      const { publisher } = await agency();
      const entry = await inReview(publisher);
      const operatorReviewer = await makeUser(t.dataSource, { organisation: operator, roles: [Role.REVIEWER] });

      const seen = await call<{ aiSystem: EntryView }>(operatorReviewer, BY_ID, { id: entry.id });
      expect(seen.errors).toBeUndefined();
      expect(seen.data?.aiSystem.status).toBe('IN_REVIEW');

      const res = await call(operatorReviewer, REVIEW, { input: { id: entry.id, expectedVersion: entry.version, decision: 'APPROVE' } });
      expect(entryOf(res, 'reviewAiSystem')).toMatchObject({ status: 'PUBLISHED', version: entry.version + 1 });
    });

    it('lets a reviewer of the operator organisation request changes on an entry never published', async () => {
      const { publisher } = await agency();
      const entry = await inReview(publisher);
      const operatorReviewer = await makeUser(t.dataSource, { organisation: operator, roles: [Role.REVIEWER] });

      const res = await call(operatorReviewer, REVIEW, {
        input: { id: entry.id, expectedVersion: entry.version, decision: 'REQUEST_CHANGES', comment: 'Bitte Rechtsgrundlage ergänzen.' },
      });
      expect(entryOf(res, 'reviewAiSystem')).toMatchObject({ status: 'CHANGES_REQUESTED', version: entry.version + 1 });
      const history = await call<{ aiSystem: EntryView }>(publisher, BY_ID, { id: entry.id });
      expect(history.data?.aiSystem.revisions).toEqual([{ number: 1, outcome: 'CHANGES_REQUESTED' }]);

      // The operator's reviewer follows what they sent back; reviewers elsewhere still see nothing.
      const followed = await call<{ aiSystem: EntryView }>(operatorReviewer, BY_ID, { id: entry.id });
      expect(followed.data?.aiSystem).toMatchObject({ status: 'CHANGES_REQUESTED', published: null, revisions: [{ number: 1, outcome: 'CHANGES_REQUESTED' }] });
      const elsewhere = await makeUser(t.dataSource, { roles: [Role.REVIEWER] });
      refused(await call(elsewhere, BY_ID, { id: entry.id }), ErrorCode.NOT_FOUND);
      refused(await call(operatorReviewer, UPDATE, { input: { id: entry.id, expectedVersion: entry.version + 1, content: { legalBasis: 'Art. 6 DSGVO' } } }), ErrorCode.FORBIDDEN);
    });

    it('gives the operator’s reviewers no access to drafts that are not in review', async () => {
      const { publisher } = await agency();
      const entry = await draft(publisher);
      const operatorReviewer = await makeUser(t.dataSource, { organisation: operator, roles: [Role.REVIEWER] });
      refused(await call(operatorReviewer, BY_ID, { id: entry.id }), ErrorCode.NOT_FOUND);
      refused(await call(operatorReviewer, REVIEW, { input: { id: entry.id, expectedVersion: entry.version, decision: 'APPROVE' } }), ErrorCode.NOT_FOUND);
    });

    it.each([
      ['left out', {}],
      ['null', { comment: null }],
      ['blank', { comment: '   ' }],
      ['empty', { comment: '' }],
    ])('refuses REQUEST_CHANGES with the comment %s with BAD_USER_INPUT on input.comment', async (_how, comment) => {
      const { publisher, reviewer } = await agency();
      const entry = await inReview(publisher);
      const before = await snapshot(entry);

      const res = await call(reviewer, REVIEW, { input: { id: entry.id, expectedVersion: entry.version, decision: 'REQUEST_CHANGES', ...comment } });
      refused(res, ErrorCode.BAD_USER_INPUT);
      expect(new Set(fieldsOf(res))).toEqual(new Set(['input.comment']));
      expect(await snapshot(entry)).toEqual(before);
    });

    it('refuses anonymous callers with UNAUTHENTICATED', async () => {
      const { publisher } = await agency();
      const entry = await inReview(publisher);
      const before = await snapshot(entry);
      refused(await call(null, REVIEW, { input: { id: entry.id, expectedVersion: entry.version, decision: 'APPROVE' } }), ErrorCode.UNAUTHENTICATED);
      expect(await snapshot(entry)).toEqual(before);
    });
  });

  describe('illegal transitions get INVALID_STATE_TRANSITION and change nothing', () => {
    async function expectIllegal(user: MadeUser, query: string, input: Record<string, unknown>, entry: Entry): Promise<void> {
      const before = await snapshot(entry);
      const error = refused(await call(user, query, { input }), ErrorCode.INVALID_STATE_TRANSITION);
      expect(error.extensions).toMatchObject({ from: entry.status });
      expect(await snapshot(entry)).toEqual(before);
    }

    it('submit while IN_REVIEW', async () => {
      const { publisher } = await agency();
      const entry = await inReview(publisher);
      await expectIllegal(publisher, SUBMIT, { id: entry.id, expectedVersion: entry.version }, entry);
    });

    it('edit while IN_REVIEW', async () => {
      const { publisher } = await agency();
      const entry = await inReview(publisher);
      await expectIllegal(publisher, UPDATE, { id: entry.id, expectedVersion: entry.version, content: { purpose: 'Nachträglich geändert.' } }, entry);
    });

    it('archive while IN_REVIEW', async () => {
      const { publisher } = await agency();
      const entry = await inReview(publisher);
      await expectIllegal(publisher, ARCHIVE, { id: entry.id, expectedVersion: entry.version }, entry);
    });

    it.each(['APPROVE', 'REQUEST_CHANGES'])('review (%s) a DRAFT', async (decision) => {
      const { publisher, reviewer } = await agency();
      const entry = await draft(publisher);
      await expectIllegal(reviewer, REVIEW, { id: entry.id, expectedVersion: entry.version, decision, comment: 'Bitte nachbessern.' }, entry);
    });

    it.each(ownerMutations)('$name on an ARCHIVED entry by its own publisher with the right version', async ({ query, input }) => {
      const { publisher, reviewer } = await agency();
      const entry = await archived(publisher, reviewer);
      expect(entry.status).toBe('ARCHIVED');
      await expectIllegal(publisher, query, input(entry), entry);
    });

    it('approve twice', async () => {
      const { publisher, reviewer } = await agency();
      const entry = await published(publisher, reviewer);
      await expectIllegal(reviewer, REVIEW, { id: entry.id, expectedVersion: entry.version, decision: 'APPROVE' }, entry);
      await expectIllegal(reviewer, REVIEW, { id: entry.id, expectedVersion: entry.version, decision: 'REQUEST_CHANGES', comment: 'Doch nicht.' }, entry);
    });
  });

  describe('stale versions', () => {
    const staleCases: Array<{ name: string; query: string; prepare: (publisher: MadeUser) => Promise<Entry>; as: 'publisher' | 'reviewer'; input: Record<string, unknown> }> = [
      { name: 'updateAiSystemDraft', query: UPDATE, prepare: (p) => draft(p), as: 'publisher', input: { content: { purpose: 'Veraltet.' } } },
      { name: 'submitAiSystemForReview', query: SUBMIT, prepare: (p) => draft(p), as: 'publisher', input: {} },
      { name: 'archiveAiSystem', query: ARCHIVE, prepare: (p) => draft(p), as: 'publisher', input: {} },
      { name: 'reviewAiSystem', query: REVIEW, prepare: (p) => inReview(p), as: 'reviewer', input: { decision: 'APPROVE' } },
    ];

    it.each(staleCases)('$name with an older or newer version gets CONFLICT with currentVersion', async ({ query, prepare, as, input }) => {
      const people = await agency();
      const created = await prepare(people.publisher);
      // Move the entry on by one harmless edit where the state allows it, so an older version really exists.
      const entry =
        created.status === 'DRAFT'
          ? entryOf(await call(people.publisher, UPDATE, { input: { id: created.id, expectedVersion: created.version, content: { maintainer: 'IT-Referat' } } }), 'updateAiSystemDraft')
          : created;
      const before = await snapshot(entry);

      for (const stale of [entry.version - 1, entry.version + 1, 1_000_000]) {
        const error = refused(await call(people[as], query, { input: { id: entry.id, expectedVersion: stale, ...input } }), ErrorCode.CONFLICT);
        expect(error.extensions).toMatchObject({ field: 'input.expectedVersion', currentVersion: entry.version });
      }
      expect(await snapshot(entry)).toEqual(before);
    });

    it.each(ownerMutations)('$name by another organisation with a wrong version reveals no currentVersion', async ({ query, input }) => {
      const { publisher, reviewer } = await agency();
      const hidden = await draft(publisher);
      const live = await published(publisher, reviewer);
      const outsider = await makeUser(t.dataSource, { roles: [Role.PUBLISHER] });

      const notFound = refused(await call(outsider, query, { input: { ...input(hidden), expectedVersion: hidden.version + 5 } }), ErrorCode.NOT_FOUND);
      expect(notFound.extensions).not.toHaveProperty('currentVersion');
      refused(await call(outsider, query, { input: { ...input(live), expectedVersion: live.version + 5 } }), ErrorCode.FORBIDDEN);
    });

    it('lets exactly one of 10 concurrent edits with the same version win; the others get CONFLICT', async () => {
      const { publisher } = await agency();
      const entry = await draft(publisher);
      const uuid = fromGlobalId(entry.id, 'AiSystem');
      const token = await t.tokenFor(publisher);
      const auditBefore: Array<{ n: number }> = await t.dataSource.query(`SELECT count(*)::int AS n FROM audit_log WHERE entity_id = $1`, [uuid]);

      const results = await Promise.all(
        Array.from({ length: 10 }, (_, i) =>
          t.gql<Payload>(UPDATE, { input: { id: entry.id, expectedVersion: entry.version, content: { purpose: `Gleichzeitige Änderung Nr. ${i}` } } }, token),
        ),
      );

      const winners = results.filter((res) => res.errors === undefined);
      const losers = results.filter((res) => res.errors !== undefined);
      expect(winners).toHaveLength(1);
      expect(losers).toHaveLength(9);
      for (const res of losers) {
        expect(codesOf(res)).toEqual([ErrorCode.CONFLICT]);
        expect(res.errors?.[0]?.extensions.currentVersion).toBe(entry.version + 1);
      }
      const winner = entryOf(winners[0] as GraphQLResponse<Payload>, 'updateAiSystemDraft');
      expect(winner.version).toBe(entry.version + 1);

      const [row]: Array<Record<string, unknown>> = await t.dataSource.query(`SELECT version, draft->>'purpose' AS purpose FROM ai_system WHERE id = $1`, [uuid]);
      expect(row.version).toBe(entry.version + 1);
      const winningIndex = results.indexOf(winners[0] as GraphQLResponse<Payload>);
      expect(row.purpose).toBe(`Gleichzeitige Änderung Nr. ${winningIndex}`);
      const auditAfter: Array<{ n: number }> = await t.dataSource.query(`SELECT count(*)::int AS n FROM audit_log WHERE entity_id = $1`, [uuid]);
      expect((auditAfter[0]?.n ?? 0) - (auditBefore[0]?.n ?? 0)).toBe(1);
      const events: Array<{ n: number }> = await t.dataSource.query(`SELECT count(*)::int AS n FROM domain_event WHERE aggregate_id = $1 AND type = 'EntryUpdated'`, [uuid]);
      expect(events[0]?.n).toBe(1);
    });

    it('lets exactly one of two reviewers approving at the same time win', async () => {
      const { organisation, publisher, reviewer } = await agency();
      const secondReviewer = await makeUser(t.dataSource, { organisation, roles: [Role.REVIEWER] });
      const entry = await inReview(publisher);
      const input = { id: entry.id, expectedVersion: entry.version, decision: 'APPROVE' };

      const results = await Promise.all([call(reviewer, REVIEW, { input }), call(secondReviewer, REVIEW, { input })]);
      expect(results.map((res) => codesOf(res)[0] ?? 'OK').sort()).toEqual([ErrorCode.CONFLICT, 'OK']);
      const [row]: Array<Record<string, unknown>> = await t.dataSource.query(`SELECT status, version FROM ai_system WHERE id = $1`, [fromGlobalId(entry.id, 'AiSystem')]);
      expect(row).toEqual({ status: 'PUBLISHED', version: entry.version + 1 });
      const published: Array<{ n: number }> = await t.dataSource.query(`SELECT count(*)::int AS n FROM domain_event WHERE aggregate_id = $1 AND type = 'EntryPublished'`, [
        fromGlobalId(entry.id, 'AiSystem'),
      ]);
      expect(published[0]?.n).toBe(1);
    });
  });

  describe('bad input gets BAD_USER_INPUT naming the field and writes nothing', () => {
    const long = (n: number) => 'x'.repeat(n);
    const badContent: Array<[string, Record<string, unknown>, string]> = [
      ['a short description of 351 characters', { shortDescription: long(351) }, 'input.content.shortDescription'],
      ['a name of 10,000 characters', { name: long(10_000) }, 'input.content.name'],
      ['a description of 20,001 characters', { description: long(20_001) }, 'input.content.description'],
      ['a javascript: URL', { sourceCodeUrl: 'javascript:alert(1)' }, 'input.content.sourceCodeUrl'],
      ['an ftp URL', { documentationUrl: 'ftp://x' }, 'input.content.documentationUrl'],
      ['a URL without host', { demoUrl: 'https://' }, 'input.content.demoUrl'],
      ['a licence that is no SPDX id', { licence: 'EUPL' }, 'input.content.licence'],
      ['a contact with an invalid e-mail', { contacts: [{ name: 'Erika Mustermann', email: 'erika(at)behoerde', role: 'Technik' }] }, 'input.content.contacts.0.email'],
      ['a second contact without a name', { contacts: [{ name: 'Erika Mustermann', email: 'erika@behoerde.example', role: 'Technik' }, { name: '', email: 'max@behoerde.example', role: 'Technik' }] }, 'input.content.contacts.1.name'],
      ['a one-letter tag', { tags: ['Chatbot', 'x'] }, 'input.content.tags'],
      ['a language that is no ISO 639-1 code', { languages: ['deutsch'] }, 'input.content.languages'],
      ['overlong gated details', { gatedDetails: { deploymentNotes: long(5001) } }, 'input.content.gatedDetails.deploymentNotes'],
    ];

    it.each(badContent)('updateAiSystemDraft with %s', async (_label, content, field) => {
      const { publisher } = await agency();
      const entry = await draft(publisher);
      const before = await snapshot(entry);

      const res = await call(publisher, UPDATE, { input: { id: entry.id, expectedVersion: entry.version, content } });
      refused(res, ErrorCode.BAD_USER_INPUT);
      expect(new Set(fieldsOf(res))).toEqual(new Set([field]));
      expect(await snapshot(entry)).toEqual(before);
    });

    it.each(badContent)('createAiSystemDraft with %s', async (_label, content, field) => {
      const { publisher } = await agency();
      const before = await snapshot();

      const res = await call(publisher, CREATE, { input: { content: { name: uniqueName(), ...content } } });
      refused(res, ErrorCode.BAD_USER_INPUT);
      expect(new Set(fieldsOf(res))).toEqual(new Set([field]));
      expect(await snapshot()).toEqual(before);
    });

    it('names every bad field at once', async () => {
      const { publisher } = await agency();
      const entry = await draft(publisher);
      const res = await call(publisher, UPDATE, {
        input: { id: entry.id, expectedVersion: entry.version, content: { shortDescription: long(351), licence: 'EUPL', sourceCodeUrl: 'ftp://x' } },
      });
      refused(res, ErrorCode.BAD_USER_INPUT);
      expect([...new Set(fieldsOf(res))]).toEqual(['input.content.licence', 'input.content.shortDescription', 'input.content.sourceCodeUrl']);
    });

    it('refuses a 100 kB description with PAYLOAD_TOO_LARGE (413) before it reaches the API', async () => {
      const { publisher } = await agency();
      const entry = await draft(publisher);
      const before = await snapshot(entry);

      const res = await call(publisher, UPDATE, { input: { id: entry.id, expectedVersion: entry.version, content: { description: long(100 * 1024) } } });
      expect(res.status).toBe(413);
      expect(codesOf(res)).toEqual([ErrorCode.PAYLOAD_TOO_LARGE]);
      expect(await snapshot(entry)).toEqual(before);
    });

    it('refuses an unknown enum value in variables with BAD_USER_INPUT from variable coercion', async () => {
      const { publisher } = await agency();
      const entry = await draft(publisher);
      const before = await snapshot(entry);

      for (const content of [{ lifecycle: 'SOMEDAY' }, { policyAreas: ['SOCIAL_AFFAIRS', 'ASTROLOGY'] }, { aiActRiskClass: 'low' }]) {
        const res = await call(publisher, UPDATE, { input: { id: entry.id, expectedVersion: entry.version, content } });
        const error = refused(res, ErrorCode.BAD_USER_INPUT);
        expect(error.message).toContain(`input.content.${Object.keys(content)[0]}`);
      }
      expect(await snapshot(entry)).toEqual(before);
    });

    it('refuses an unknown enum literal in the document with GRAPHQL_VALIDATION_FAILED', async () => {
      const { publisher } = await agency();
      const entry = await draft(publisher);
      const before = await snapshot(entry);

      const res = await call(
        publisher,
        `mutation ($id: ID!, $v: Int!) { updateAiSystemDraft(input: { id: $id, expectedVersion: $v, content: { lifecycle: SOMEDAY } }) { aiSystem { id } } }`,
        { id: entry.id, v: entry.version },
      );
      refused(res, ErrorCode.GRAPHQL_VALIDATION_FAILED);
      expect(await snapshot(entry)).toEqual(before);
    });

    it.each([
      ['in content', (e: Entry) => ({ id: e.id, expectedVersion: e.version, content: { name: uniqueName(), visibility: 'PUBLIC' } })],
      ['at the top of the input', (e: Entry) => ({ id: e.id, expectedVersion: e.version, content: {}, status: 'PUBLISHED' })],
      ['in a contact', (e: Entry) => ({ id: e.id, expectedVersion: e.version, content: { contacts: [{ name: 'Erika Mustermann', email: 'e@behoerde.example', role: 'Technik', phone: '110' }] } })],
    ])('refuses unknown input fields %s with BAD_USER_INPUT', async (_where, input) => {
      const { publisher } = await agency();
      const entry = await draft(publisher);
      const before = await snapshot(entry);

      refused(await call(publisher, UPDATE, { input: input(entry) }), ErrorCode.BAD_USER_INPUT);
      expect(await snapshot(entry)).toEqual(before);
    });

    it.each([
      ['an Organisation id', (o: OrganisationEntity) => toGlobalId('Organisation', o.id)],
      ['a malformed id', () => 'kein-gültiger-schlüssel'],
      ['an id with a non-uuid key', () => toGlobalId('AiSystem', '42')],
      ['an empty id', () => ''],
    ])('refuses %s with BAD_USER_INPUT on input.id in every mutation', async (_what, makeId) => {
      const { organisation, publisher, reviewer } = await agency();
      const entry = await draft(publisher);
      const id = makeId(organisation);
      const before = await snapshot(entry);

      for (const { query, input } of ownerMutations) {
        const res = await call(publisher, query, { input: { ...input(entry), id } });
        refused(res, ErrorCode.BAD_USER_INPUT);
        expect(fieldsOf(res)).toEqual(['input.id']);
      }
      const review = await call(reviewer, REVIEW, { input: { id, expectedVersion: entry.version, decision: 'APPROVE' } });
      refused(review, ErrorCode.BAD_USER_INPUT);
      expect(fieldsOf(review)).toEqual(['input.id']);
      expect(await snapshot(entry)).toEqual(before);
    });

    it.each([0, -1])('refuses expectedVersion %d with BAD_USER_INPUT on input.expectedVersion', async (expectedVersion) => {
      const { publisher } = await agency();
      const entry = await draft(publisher);
      const before = await snapshot(entry);

      for (const { query, input } of ownerMutations) {
        const res = await call(publisher, query, { input: { ...input(entry), expectedVersion } });
        refused(res, ErrorCode.BAD_USER_INPUT);
        expect(fieldsOf(res)).toEqual(['input.expectedVersion']);
      }
      expect(await snapshot(entry)).toEqual(before);
    });

    it('refuses an expectedVersion beyond 32 bits with BAD_USER_INPUT', async () => {
      const { publisher } = await agency();
      const entry = await draft(publisher);
      const before = await snapshot(entry);
      refused(await call(publisher, SUBMIT, { input: { id: entry.id, expectedVersion: 2 ** 31 } }), ErrorCode.BAD_USER_INPUT);
      expect(await snapshot(entry)).toEqual(before);
    });

    it('refuses a NUL character with BAD_USER_INPUT naming the field', async () => {
      const { publisher } = await agency();
      const entry = await draft(publisher);
      const before = await snapshot(entry);
      const res = await call(publisher, UPDATE, { input: { id: entry.id, expectedVersion: entry.version, content: { purpose: 'Zweck\u0000mit Nullbyte' } } });
      refused(res, ErrorCode.BAD_USER_INPUT);
      expect(fieldsOf(res)).toEqual(['input.content.purpose']);
      expect(await snapshot(entry)).toEqual(before);
    });

    it('refuses more than 10 contacts with BAD_USER_INPUT on input.content.contacts', async () => {
      const { publisher } = await agency();
      const entry = await draft(publisher);
      const before = await snapshot(entry);
      const contacts = Array.from({ length: 11 }, (_, i) => ({ name: `Kontakt ${i}`, email: `kontakt${i}@behoerde.example`, role: 'Technik' }));
      const res = await call(publisher, UPDATE, { input: { id: entry.id, expectedVersion: entry.version, content: { contacts } } });
      refused(res, ErrorCode.BAD_USER_INPUT);
      expect(fieldsOf(res)).toEqual(['input.content.contacts']);
      expect(await snapshot(entry)).toEqual(before);
    });

    it('refuses removing the name of a draft with BAD_USER_INPUT on input.content.name', async () => {
      const { publisher } = await agency();
      const entry = await draft(publisher);
      const before = await snapshot(entry);
      for (const name of [null, '    ']) {
        const res = await call(publisher, UPDATE, { input: { id: entry.id, expectedVersion: entry.version, content: { name } } });
        refused(res, ErrorCode.BAD_USER_INPUT);
        expect(fieldsOf(res)).toEqual(['input.content.name']);
      }
      expect(await snapshot(entry)).toEqual(before);
    });
  });

  describe('completeness: validateAiSystem and submit', () => {
    const missingFromNameOnly = [
      'content.aiActRiskClass',
      'content.aiTechniques',
      'content.contacts',
      'content.deploymentModes',
      'content.description',
      'content.dpiaStatus',
      'content.friaStatus',
      'content.humanOversight',
      'content.inputData',
      'content.languages',
      'content.lifecycle',
      'content.maintenance',
      'content.policyAreas',
      'content.processesPersonalData',
      'content.purpose',
      'content.reusePotential',
      'content.risksAndMitigations',
      'content.shortDescription',
    ];

    it('refuses to submit an incomplete draft, listing every missing field at once, the same list validateAiSystem returns', async () => {
      const { publisher } = await agency();
      const entry = await draft(publisher, { name: uniqueName() });
      const before = await snapshot(entry);

      const validation = await call<{ validateAiSystem: { valid: boolean; problems: FieldProblem[] } }>(publisher, VALIDATE, { id: entry.id });
      expect(validation.errors).toBeUndefined();
      expect(validation.data?.validateAiSystem.valid).toBe(false);
      expect(validation.data?.validateAiSystem.problems.map((p) => p.field).sort()).toEqual(missingFromNameOnly);
      expect(await snapshot(entry)).toEqual(before);

      const res = await call(publisher, SUBMIT, { input: { id: entry.id, expectedVersion: entry.version } });
      refused(res, ErrorCode.BAD_USER_INPUT);
      expect(fieldsOf(res)).toEqual(missingFromNameOnly);
      expect(res.errors?.[0]?.extensions.fields).toEqual(validation.data?.validateAiSystem.problems);
      expect(await snapshot(entry)).toEqual(before);
    });

    it('validates a complete draft as valid and writes nothing', async () => {
      const { publisher } = await agency();
      const entry = await draft(publisher);
      const before = await snapshot(entry);
      const validation = await call<{ validateAiSystem: { valid: boolean; problems: FieldProblem[] } }>(publisher, VALIDATE, { id: entry.id });
      expect(validation.data?.validateAiSystem).toEqual({ valid: true, problems: [] });
      expect(await snapshot(entry)).toEqual(before);
    });

    it('answers validateAiSystem on another organisation’s draft with NOT_FOUND, as for a missing id', async () => {
      const { publisher } = await agency();
      const entry = await draft(publisher);
      const outsider = await makeUser(t.dataSource, { roles: [Role.PUBLISHER, Role.REVIEWER] });
      const hidden = refused(await call(outsider, VALIDATE, { id: entry.id }), ErrorCode.NOT_FOUND);
      const missingId = randomEntryId();
      const missing = refused(await call(outsider, VALIDATE, { id: missingId }), ErrorCode.NOT_FOUND);
      expect(hidden.extensions).toEqual({ code: ErrorCode.NOT_FOUND, type: 'AiSystem', id: entry.id });
      expect(missing.extensions).toEqual({ code: ErrorCode.NOT_FOUND, type: 'AiSystem', id: missingId });
    });

    it('refuses validateAiSystem on another organisation’s published entry with FORBIDDEN, anonymous with UNAUTHENTICATED', async () => {
      const { publisher, reviewer } = await agency();
      const entry = await published(publisher, reviewer);
      const outsider = await makeUser(t.dataSource, { roles: [Role.PUBLISHER] });
      refused(await call(outsider, VALIDATE, { id: entry.id }), ErrorCode.FORBIDDEN);
      refused(await call(null, VALIDATE, { id: entry.id }), ErrorCode.UNAUTHENTICATED);
    });

    it.each([
      ['a high-risk (Annex III) system without a FRIA', { aiActRiskClass: 'HIGH_RISK_ANNEX_III', friaStatus: 'NOT_REQUIRED' }, 'content.friaStatus'],
      ['a high-risk (Annex I) system without a FRIA', { aiActRiskClass: 'HIGH_RISK_ANNEX_I', friaStatus: 'NOT_REQUIRED' }, 'content.friaStatus'],
      ['personal data without a legal basis', { processesPersonalData: true, legalBasis: null }, 'content.legalBasis'],
      ['source code without a licence', { sourceCodeUrl: 'https://gitlab.opencode.de/test/x', licence: null }, 'content.licence'],
      ['a prohibited practice', { aiActRiskClass: 'PROHIBITED' }, 'content.aiActRiskClass'],
    ])('names the rule broken by %s in validate and submit', async (_rule, overrides, field) => {
      const { publisher } = await agency();
      const entry = await draft(publisher, completeContent({ name: uniqueName(), ...overrides }));
      const before = await snapshot(entry);

      const validation = await call<{ validateAiSystem: { valid: boolean; problems: FieldProblem[] } }>(publisher, VALIDATE, { id: entry.id });
      expect(validation.data?.validateAiSystem.valid).toBe(false);
      expect(validation.data?.validateAiSystem.problems.map((p) => p.field)).toEqual([field]);

      const res = await call(publisher, SUBMIT, { input: { id: entry.id, expectedVersion: entry.version } });
      refused(res, ErrorCode.BAD_USER_INPUT);
      expect(fieldsOf(res)).toEqual([field]);
      expect(await snapshot(entry)).toEqual(before);
    });
  });

  describe('visibility', () => {
    it('keeps a draft NOT_FOUND for other organisations via aiSystem(id), aiSystem(slug) and node(id), as for a missing one', async () => {
      const { publisher } = await agency();
      const entry = await draft(publisher);
      const outsider = await makeUser(t.dataSource, { roles: [Role.PUBLISHER, Role.REVIEWER] });
      const missingId = randomEntryId();

      for (const [query, variables, missing] of [
        [BY_ID, { id: entry.id }, { id: missingId }],
        [BY_SLUG, { slug: entry.slug }, { slug: `${entry.slug}-fehlt` }],
        [NODE, { id: entry.id }, { id: missingId }],
      ] as const) {
        const hidden = refused(await call(outsider, query, variables), ErrorCode.NOT_FOUND);
        const absent = refused(await call(outsider, query, missing), ErrorCode.NOT_FOUND);
        expect(Object.keys(hidden.extensions).sort()).toEqual(Object.keys(absent.extensions).sort());
        expect(hidden.extensions.type).toBe('AiSystem');
      }
      const own = await call<{ aiSystem: EntryView }>(publisher, BY_SLUG, { slug: entry.slug });
      expect(own.data?.aiSystem.status).toBe('DRAFT');
    });

    it('keeps an entry in review NOT_FOUND for reviewers of other organisations', async () => {
      const { publisher } = await agency();
      const entry = await inReview(publisher);
      const outsider = await makeUser(t.dataSource, { roles: [Role.REVIEWER] });
      refused(await call(outsider, BY_ID, { id: entry.id }), ErrorCode.NOT_FOUND);
      refused(await call(outsider, NODE, { id: entry.id }), ErrorCode.NOT_FOUND);
    });

    it('shows other organisations a published entry without draft, revisions or gated details', async () => {
      const { publisher, reviewer } = await agency();
      const live = await published(publisher, reviewer);
      const entry = entryOf(
        await call(publisher, UPDATE, { input: { id: live.id, expectedVersion: live.version, content: { name: uniqueName('Unveröffentlichter Arbeitsstand') } } }),
        'updateAiSystemDraft',
      );
      const outsider = await makeUser(t.dataSource, { roles: [Role.PUBLISHER, Role.REVIEWER] });

      for (const [query, variables] of [
        [BY_ID, { id: entry.id }],
        [BY_SLUG, { slug: entry.slug }],
        [NODE, { id: entry.id }],
      ] as const) {
        const res = await call<{ aiSystem?: EntryView; node?: EntryView }>(outsider, query, variables);
        expect(res.errors).toBeUndefined();
        const view = res.data?.aiSystem ?? res.data?.node;
        expect(view).toMatchObject({ status: 'DRAFT', draft: null, revisions: null, published: { gated: true, gatedDetails: null } });
      }

      const own = await call<{ aiSystem: EntryView }>(publisher, BY_ID, { id: entry.id });
      expect(own.data?.aiSystem).toMatchObject({
        draft: { name: expect.stringMatching(/^Unveröffentlichter Arbeitsstand/), gated: false, gatedDetails: { deploymentNotes: 'Helm-Chart im internen Repository' } },
        published: { gated: false, gatedDetails: { deploymentNotes: 'Helm-Chart im internen Repository' } },
        revisions: [{ number: 1, outcome: 'APPROVED' }],
      });
    });

    it('shows an admin of another organisation the working copy, but not the gated details', async () => {
      const { publisher } = await agency();
      const entry = await draft(publisher);
      const admin = await makeUser(t.dataSource, { roles: [Role.ADMIN] });

      const res = await call<{ aiSystem: EntryView }>(admin, BY_ID, { id: entry.id });
      expect(res.errors).toBeUndefined();
      expect(res.data?.aiSystem).toMatchObject({ status: 'DRAFT', draft: { gated: true, gatedDetails: null }, published: null, revisions: [] });
    });

    it('keeps an archived entry NOT_FOUND for other organisations, while its owner still sees it', async () => {
      const { publisher, reviewer } = await agency();
      const entry = await archived(publisher, reviewer);
      const outsider = await makeUser(t.dataSource, { roles: [Role.PUBLISHER, Role.REVIEWER] });
      refused(await call(outsider, BY_ID, { id: entry.id }), ErrorCode.NOT_FOUND);
      refused(await call(outsider, BY_SLUG, { slug: entry.slug }), ErrorCode.NOT_FOUND);
      refused(await call(outsider, NODE, { id: entry.id }), ErrorCode.NOT_FOUND);
      const own = await call<{ aiSystem: EntryView }>(publisher, BY_ID, { id: entry.id });
      expect(own.data?.aiSystem.status).toBe('ARCHIVED');
    });

    it('keeps drafts closed to anonymous callers', async () => {
      const { publisher } = await agency();
      const entry = await draft(publisher);
      refused(await call(null, BY_ID, { id: entry.id }), ErrorCode.UNAUTHENTICATED);
    });

    it.each([
      ['an Organisation id', (o: OrganisationEntity) => toGlobalId('Organisation', o.id)],
      ['a malformed id', () => '%%%'],
    ])('refuses aiSystem(id) with %s as BAD_USER_INPUT, not NOT_FOUND', async (_what, makeId) => {
      const { organisation, publisher } = await agency();
      refused(await call(publisher, BY_ID, { id: makeId(organisation) }), ErrorCode.BAD_USER_INPUT);
    });
  });
});

describe('catalogue: anonymous readers when ANONYMOUS_READ is on', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp({ ANONYMOUS_READ: 'true' });
  });

  afterAll(async () => {
    await t.close();
  });

  async function write(user: MadeUser, query: string, input: Record<string, unknown>, field: string): Promise<Entry> {
    const res = await t.gql<Payload>(query, { input }, await t.tokenFor(user));
    expect(res.errors).toBeUndefined();
    const entry = res.data?.[field]?.aiSystem;
    if (entry === undefined) throw new Error(`${field} returned no entry`);
    return entry;
  }

  it('shows anonymous readers published content only, and lets them write nothing', async () => {
    const organisation = await makeOrganisation(t.dataSource);
    const publisher = await makeUser(t.dataSource, { organisation, roles: [Role.PUBLISHER] });
    const reviewer = await makeUser(t.dataSource, { organisation, roles: [Role.REVIEWER] });
    const hidden = await write(publisher, CREATE, { content: completeContent({ name: uniqueName() }) }, 'createAiSystemDraft');
    const created = await write(publisher, CREATE, { content: completeContent({ name: uniqueName() }) }, 'createAiSystemDraft');
    const submitted = await write(publisher, SUBMIT, { id: created.id, expectedVersion: created.version }, 'submitAiSystemForReview');
    const live = await write(reviewer, REVIEW, { id: submitted.id, expectedVersion: submitted.version, decision: 'APPROVE' }, 'reviewAiSystem');

    for (const [query, variables] of [
      [BY_ID, { id: hidden.id }],
      [BY_SLUG, { slug: hidden.slug }],
      [NODE, { id: hidden.id }],
    ] as const) {
      expect(codesOf(await t.gql(query, variables))).toEqual([ErrorCode.NOT_FOUND]);
    }
    const seen = await t.gql<{ aiSystem: EntryView }>(BY_ID, { id: live.id });
    expect(seen.errors).toBeUndefined();
    expect(seen.data?.aiSystem).toMatchObject({ status: 'PUBLISHED', draft: null, revisions: null, published: { gated: true, gatedDetails: null } });

    expect(codesOf(await t.gql(VALIDATE, { id: live.id }))).toEqual([ErrorCode.UNAUTHENTICATED]);
    expect(codesOf(await t.gql(CREATE, { input: { content: { name: uniqueName() } } }))).toEqual([ErrorCode.UNAUTHENTICATED]);
    for (const { query, input } of ownerMutations) {
      expect(codesOf(await t.gql(query, { input: input(live) }))).toEqual([ErrorCode.UNAUTHENTICATED]);
    }
    expect(codesOf(await t.gql(REVIEW, { input: { id: live.id, expectedVersion: live.version, decision: 'APPROVE' } }))).toEqual([ErrorCode.UNAUTHENTICATED]);
  });
});

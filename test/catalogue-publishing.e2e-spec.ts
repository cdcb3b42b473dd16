import { Role } from '@app/common';
import { createTestApp, completeContent, makeOrganisation, makeUser, type MadeUser, type TestApp } from '@app/testing';

const entryFields = 'id slug status version published { name shortDescription gatedDetails { deploymentNotes } gated } draft { name }';

describe('catalogue: draft → review → publish → edit → republish → archive', () => {
  let t: TestApp;
  let publisher: MadeUser;
  let secondPublisher: MadeUser;
  let reviewer: MadeUser;
  let outsider: MadeUser;
  let org: Awaited<ReturnType<typeof makeOrganisation>>;

  beforeAll(async () => {
    t = await createTestApp();
    org = await makeOrganisation(t.dataSource);
    publisher = await makeUser(t.dataSource, { organisation: org, roles: [Role.PUBLISHER] });
    secondPublisher = await makeUser(t.dataSource, { organisation: org, roles: [Role.PUBLISHER, Role.REVIEWER] });
    reviewer = await makeUser(t.dataSource, { organisation: org, roles: [Role.REVIEWER] });
    outsider = await makeUser(t.dataSource, { roles: [Role.PUBLISHER, Role.REVIEWER] });
  });

  afterAll(async () => {
    await t.close();
  });

  async function as<T = Record<string, any>>(user: MadeUser, query: string, variables: Record<string, unknown> = {}) {
    return t.gql<T>(query, variables, await t.tokenFor(user));
  }

  it('runs the whole workflow with the right roles', async () => {
    const created = await as(publisher, `mutation($input: CreateAiSystemDraftInput!) { createAiSystemDraft(input: $input) { aiSystem { ${entryFields} } } }`, {
      input: { content: { name: 'Bürgeranfragen-Assistent Straßenschäden' } },
    });
    expect(created.errors).toBeUndefined();
    let entry = created.data?.createAiSystemDraft.aiSystem;
    expect(entry).toMatchObject({ slug: 'buergeranfragen-assistent-strassenschaeden', status: 'DRAFT', version: 1, published: null, draft: { name: 'Bürgeranfragen-Assistent Straßenschäden' } });

    const validation = await as(publisher, `query($id: ID!) { validateAiSystem(id: $id) { valid problems { field message } } }`, { id: entry.id });
    expect(validation.data?.validateAiSystem.valid).toBe(false);
    expect(validation.data?.validateAiSystem.problems.map((p: { field: string }) => p.field)).toEqual(
      expect.arrayContaining(['content.shortDescription', 'content.contacts', 'content.aiActRiskClass']),
    );

    const incomplete = await as(publisher, `mutation($input: SubmitAiSystemForReviewInput!) { submitAiSystemForReview(input: $input) { aiSystem { status } } }`, {
      input: { id: entry.id, expectedVersion: 1 },
    });
    expect(incomplete.errors?.[0]?.extensions.code).toBe('BAD_USER_INPUT');

    const updated = await as(publisher, `mutation($input: UpdateAiSystemDraftInput!) { updateAiSystemDraft(input: $input) { aiSystem { ${entryFields} } } }`, {
      input: { id: entry.id, expectedVersion: 1, content: completeContent({ name: 'Bürgeranfragen-Assistent Straßenschäden' }) },
    });
    expect(updated.errors).toBeUndefined();
    entry = updated.data?.updateAiSystemDraft.aiSystem;
    expect(entry.version).toBe(2);

    const submit = `mutation($input: SubmitAiSystemForReviewInput!) { submitAiSystemForReview(input: $input) { aiSystem { status version } } }`;
    const submitted = await as(publisher, submit, { input: { id: entry.id, expectedVersion: 2 } });
    expect(submitted.data?.submitAiSystemForReview.aiSystem).toEqual({ status: 'IN_REVIEW', version: 3 });

    const review = `mutation($input: ReviewAiSystemInput!) { reviewAiSystem(input: $input) { aiSystem { status version published { name } } } }`;
    const sentBack = await as(reviewer, review, { input: { id: entry.id, expectedVersion: 3, decision: 'REQUEST_CHANGES', comment: 'Bitte Risiken konkreter beschreiben.' } });
    expect(sentBack.data?.reviewAiSystem.aiSystem).toEqual({ status: 'CHANGES_REQUESTED', version: 4, published: null });

    await as(publisher, `mutation($input: UpdateAiSystemDraftInput!) { updateAiSystemDraft(input: $input) { aiSystem { version } } }`, {
      input: { id: entry.id, expectedVersion: 4, content: { risksAndMitigations: 'Fehlklassifikation: jede Meldung wird von Menschen geprüft.' } },
    });
    await as(publisher, submit, { input: { id: entry.id, expectedVersion: 5 } });
    const approved = await as(reviewer, review, { input: { id: entry.id, expectedVersion: 6, decision: 'APPROVE' } });
    expect(approved.data?.reviewAiSystem.aiSystem).toEqual({ status: 'PUBLISHED', version: 7, published: { name: 'Bürgeranfragen-Assistent Straßenschäden' } });

    const seenByOutsider = await as(outsider, `query($slug: String!) { aiSystem(slug: $slug) { status published { name gated gatedDetails { deploymentNotes } } draft { name } revisions { number } } }`, {
      slug: entry.slug,
    });
    expect(seenByOutsider.data?.aiSystem).toEqual({
      status: 'PUBLISHED',
      published: { name: 'Bürgeranfragen-Assistent Straßenschäden', gated: true, gatedDetails: null },
      draft: null,
      revisions: null,
    });

    const edit = await as(publisher, `mutation($input: UpdateAiSystemDraftInput!) { updateAiSystemDraft(input: $input) { aiSystem { status version published { name } draft { name } } } }`, {
      input: { id: entry.id, expectedVersion: 7, content: { name: 'Straßenschäden-Assistent' } },
    });
    expect(edit.data?.updateAiSystemDraft.aiSystem).toEqual({
      status: 'DRAFT',
      version: 8,
      published: { name: 'Bürgeranfragen-Assistent Straßenschäden' },
      draft: { name: 'Straßenschäden-Assistent' },
    });
    const stillVisible = await as(outsider, `query($slug: String!) { aiSystem(slug: $slug) { published { name } } }`, { slug: entry.slug });
    expect(stillVisible.data?.aiSystem.published.name).toBe('Bürgeranfragen-Assistent Straßenschäden');

    await as(publisher, submit, { input: { id: entry.id, expectedVersion: 8 } });
    const ownReview = await as(secondPublisher, review, { input: { id: entry.id, expectedVersion: 9, decision: 'APPROVE' } });
    expect(ownReview.errors).toBeUndefined();
    expect(ownReview.data?.reviewAiSystem.aiSystem.published.name).toBe('Straßenschäden-Assistent');

    const history = await as(publisher, `query($id: ID!) { aiSystem(id: $id) { revisions { number outcome submittedBy reviewedBy reviewComment content { name } } } }`, { id: entry.id });
    expect(history.data?.aiSystem.revisions).toEqual([
      expect.objectContaining({ number: 3, outcome: 'APPROVED', submittedBy: publisher.displayName, reviewedBy: secondPublisher.displayName, content: { name: 'Straßenschäden-Assistent' } }),
      expect.objectContaining({ number: 2, outcome: 'APPROVED', reviewedBy: reviewer.displayName }),
      expect.objectContaining({ number: 1, outcome: 'CHANGES_REQUESTED', reviewComment: 'Bitte Risiken konkreter beschreiben.' }),
    ]);

    const archived = await as(publisher, `mutation($input: ArchiveAiSystemInput!) { archiveAiSystem(input: $input) { aiSystem { status archivedAt } } }`, {
      input: { id: entry.id, expectedVersion: 10, reason: 'abgelöst' },
    });
    expect(archived.data?.archiveAiSystem.aiSystem.status).toBe('ARCHIVED');
    const gone = await as(outsider, `query($slug: String!) { aiSystem(slug: $slug) { id } }`, { slug: entry.slug });
    expect(gone.errors?.[0]?.extensions.code).toBe('NOT_FOUND');

    const events: Array<{ type: string }> = await t.dataSource.query(`SELECT type FROM domain_event WHERE aggregate_id = $1 ORDER BY occurred_at, type`, [
      created.data?.createAiSystemDraft.aiSystem.id && Buffer.from(entry.id, 'base64url').toString().split(':')[1],
    ]);
    expect(events.map((e) => e.type)).toEqual([
      'EntryUpdated',
      'EntrySubmitted',
      'ChangesRequested',
      'EntryUpdated',
      'EntrySubmitted',
      'EntryPublished',
      'EntryUpdated',
      'EntrySubmitted',
      'EntryPublished',
      'EntryArchived',
    ]);
  });

  it('names the owning organisation of an entry read by id and of entries in a mutation answer (read by the loader)', async () => {
    const created = await as(publisher, `mutation($input: CreateAiSystemDraftInput!) { createAiSystemDraft(input: $input) { aiSystem { id organisation { name slug level state } } } }`, {
      input: { content: { name: 'Organisationsfeld-Prüfung' } },
    });
    expect(created.errors).toBeUndefined();
    const owner = { name: org.name, slug: org.slug, level: org.level, state: org.state };
    expect(created.data?.createAiSystemDraft.aiSystem.organisation).toEqual(owner);
    const read = await as(publisher, `query($id: ID!) { aiSystem(id: $id) { organisation { name slug level state } } }`, { id: created.data?.createAiSystemDraft.aiSystem.id });
    expect(read.errors).toBeUndefined();
    expect(read.data?.aiSystem.organisation).toEqual(owner);
  });
});

import { Role, type Actor } from '@app/common';
import { EntryStatus } from '@app/data';
import { canEdit, canReview, canSee, canSeeWorkingCopy, type EntryFacts } from './entry-access.js';

const owner = 'org-owner';
const operator = { organisationId: 'org-operator' };
const actor = (organisationId: string, ...roles: Role[]): Actor => ({ userId: 'u', subject: 's', organisationId, roles: new Set(roles) });
const entry = (status: EntryStatus, listed = false): EntryFacts => ({ organisationId: owner, status, listed });

describe('entry access rules', () => {
  it('lets only publishers of the owning organisation edit', () => {
    expect(canEdit(actor(owner, Role.PUBLISHER), entry(EntryStatus.DRAFT))).toBe(true);
    expect(canEdit(actor(owner, Role.REVIEWER), entry(EntryStatus.DRAFT))).toBe(false);
    expect(canEdit(actor('other', Role.PUBLISHER), entry(EntryStatus.DRAFT))).toBe(false);
    expect(canEdit(actor(owner, Role.ADMIN), entry(EntryStatus.DRAFT))).toBe(false);
    expect(canEdit(null, entry(EntryStatus.DRAFT))).toBe(false);
  });

  it('lets reviewers of the owner or of the operator review, nobody else', () => {
    expect(canReview(actor(owner, Role.REVIEWER), entry(EntryStatus.IN_REVIEW), operator)).toBe(true);
    expect(canReview(actor('org-operator', Role.REVIEWER), entry(EntryStatus.IN_REVIEW), operator)).toBe(true);
    expect(canReview(actor('other', Role.REVIEWER), entry(EntryStatus.IN_REVIEW), operator)).toBe(false);
    expect(canReview(actor(owner, Role.PUBLISHER), entry(EntryStatus.IN_REVIEW), operator)).toBe(false);
    expect(canReview(actor('org-operator', Role.REVIEWER), entry(EntryStatus.IN_REVIEW), { organisationId: null })).toBe(false);
  });

  it('hides unlisted entries from other organisations, shows listed ones to everyone', () => {
    expect(canSee(actor('other'), entry(EntryStatus.DRAFT), operator)).toBe(false);
    expect(canSee(null, entry(EntryStatus.PUBLISHED, true), operator)).toBe(true);
    expect(canSee(actor(owner), entry(EntryStatus.DRAFT), operator)).toBe(true);
    expect(canSeeWorkingCopy(actor('org-operator', Role.REVIEWER), entry(EntryStatus.IN_REVIEW), operator)).toBe(true);
    expect(canSeeWorkingCopy(actor('org-operator', Role.REVIEWER), entry(EntryStatus.CHANGES_REQUESTED), operator)).toBe(true);
    expect(canSeeWorkingCopy(actor('org-operator', Role.REVIEWER), entry(EntryStatus.DRAFT), operator)).toBe(false);
    expect(canSeeWorkingCopy(actor('other'), entry(EntryStatus.PUBLISHED, true), operator)).toBe(false);
    expect(canSeeWorkingCopy(actor('other', Role.ADMIN), entry(EntryStatus.DRAFT), operator)).toBe(true);
  });
});

import { hasRole, Role, type Actor } from '@app/common';
import { EntryStatus } from '@app/data';

/** What the access rules need to know about an entry. */
export interface EntryFacts {
  organisationId: string;
  status: EntryStatus;
  listed: boolean;
}

/** Who operates the marketplace: its reviewers may review any organisation's entries. */
export interface Operator {
  organisationId: string | null;
}

export function isOwner(actor: Actor | null, entry: Pick<EntryFacts, 'organisationId'>): boolean {
  return actor !== null && actor.organisationId === entry.organisationId;
}

/** Publishers of the owning organisation write drafts, submit and archive. */
export function canEdit(actor: Actor | null, entry: EntryFacts): boolean {
  return isOwner(actor, entry) && hasRole(actor, Role.PUBLISHER);
}

/** Reviewers of the owning organisation or of the operator decide on publication. */
export function canReview(actor: Actor | null, entry: EntryFacts, operator: Operator): boolean {
  if (actor === null || !hasRole(actor, Role.REVIEWER)) return false;
  return isOwner(actor, entry) || (operator.organisationId !== null && actor.organisationId === operator.organisationId);
}

/** Entries a reviewer is handling: in review, or sent back by a review and due to return to it. */
const underReview = new Set<EntryStatus>([EntryStatus.IN_REVIEW, EntryStatus.CHANGES_REQUESTED]);

/** The working copy, history and validation belong to the owner; operator reviewers see what they are reviewing; admins see all. */
export function canSeeWorkingCopy(actor: Actor | null, entry: EntryFacts, operator: Operator): boolean {
  if (actor === null) return false;
  if (isOwner(actor, entry) || hasRole(actor, Role.ADMIN)) return true;
  return underReview.has(entry.status) && canReview(actor, entry, operator);
}

/** Everyone who may read sees a listed entry; anything else exists only for those who see the working copy. */
export function canSee(actor: Actor | null, entry: EntryFacts, operator: Operator): boolean {
  return entry.listed || canSeeWorkingCopy(actor, entry, operator);
}

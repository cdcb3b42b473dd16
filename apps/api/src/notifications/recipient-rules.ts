import { Role } from '@app/common';
import type { NotificationEventType } from './notification-events.js';

/** What the rules need to know about an event and the thing it is about. */
export interface EventFacts {
  type: NotificationEventType;
  actorUserId: string | null;
  /** Organisation that owns the AI system the event is about. */
  owningOrganisationId: string;
  /** The organisation running the marketplace (its reviewers review every entry). */
  operatorOrganisationId: string | null;
  /** Whether the entry is listed (published, not archived) now. */
  entryListed: boolean;
  /** Whether the entry waits for or came back from a review. */
  entryUnderReview: boolean;
  requestingOrganisationId: string | null;
  requesterId: string | null;
  /** Who submitted the reviewed revision (EntryPublished, ChangesRequested). */
  submittedBy: string | null;
  raterId: string | null;
  /** ReuseRequestMessageAdded: written by the owning side. */
  fromOwner: boolean;
}

/** Who should hear of an event, before it is narrowed to people who may see it. */
export type Audience =
  | { kind: 'user'; userId: string }
  | { kind: 'role'; organisationId: string; role: Role }
  | { kind: 'organisation'; organisationId: string };

export interface Candidate {
  userId: string;
  organisationId: string;
  roles: ReadonlySet<Role>;
}

const user = (userId: string | null): Audience[] => (userId === null ? [] : [{ kind: 'user', userId }]);
const role = (organisationId: string | null, r: Role): Audience[] => (organisationId === null ? [] : [{ kind: 'role', organisationId, role: r }]);

/**
 * One rule per event type. EntryUpdated tells nobody (every saved draft would ping the whole organisation; webhooks
 * may still subscribe to it); EntryArchived tells the owner's publishers (reusers no longer see an archived entry).
 */
export const recipientRules: Record<NotificationEventType, (facts: EventFacts) => Audience[]> = {
  EntrySubmitted: (f) => [...role(f.owningOrganisationId, Role.REVIEWER), ...role(f.operatorOrganisationId, Role.REVIEWER)],
  EntryPublished: (f) => [...user(f.submittedBy), ...role(f.owningOrganisationId, Role.PUBLISHER)],
  ChangesRequested: (f) => [...user(f.submittedBy), ...role(f.owningOrganisationId, Role.PUBLISHER)],
  EntryUpdated: () => [],
  EntryArchived: (f) => role(f.owningOrganisationId, Role.PUBLISHER),
  ReuseRequested: (f) => role(f.owningOrganisationId, Role.REVIEWER),
  ReuseRequestDecided: (f) => user(f.requesterId),
  ReuseRequestWithdrawn: (f) => role(f.owningOrganisationId, Role.REVIEWER),
  ReuseRequestMessageAdded: (f) => (f.fromOwner ? user(f.requesterId) : role(f.owningOrganisationId, Role.REVIEWER)),
  ApprovalExpiring: (f) => (f.requestingOrganisationId === null ? [] : [{ kind: 'organisation', organisationId: f.requestingOrganisationId }]),
  RatingAdded: (f) => role(f.owningOrganisationId, Role.PUBLISHER),
  RatingReplied: (f) => user(f.raterId),
};

function inAudience(candidate: Candidate, audience: Audience): boolean {
  switch (audience.kind) {
    case 'user':
      return candidate.userId === audience.userId;
    case 'organisation':
      return candidate.organisationId === audience.organisationId;
    case 'role':
      return candidate.organisationId === audience.organisationId && candidate.roles.has(audience.role);
  }
}

/** Whether a person may see what the event is about (the same rules as reading it through the API). */
export function mayKnow(candidate: Candidate, facts: EventFacts): boolean {
  const owner = candidate.organisationId === facts.owningOrganisationId;
  if (facts.type.startsWith('ReuseRequest') || facts.type === 'ApprovalExpiring') {
    return owner || candidate.organisationId === facts.requestingOrganisationId;
  }
  if (owner || facts.entryListed) return true;
  const operatorReviewer = facts.operatorOrganisationId !== null && candidate.organisationId === facts.operatorOrganisationId && candidate.roles.has(Role.REVIEWER);
  return facts.entryUnderReview && operatorReviewer;
}

/** The people to notify: in an audience of the event's rule, allowed to see it, and not the one who acted. */
export function recipientsOf(facts: EventFacts, candidates: readonly Candidate[]): Candidate[] {
  const audiences = recipientRules[facts.type](facts);
  return candidates.filter((c) => c.userId !== facts.actorUserId && audiences.some((a) => inAudience(c, a)) && mayKnow(c, facts));
}

/** The organisations and roles whose members might be in an audience, to load candidates in one query. */
export function audiencesOf(facts: EventFacts): Audience[] {
  return recipientRules[facts.type](facts);
}

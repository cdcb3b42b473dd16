import { Role } from '@app/common';
import { NOTIFICATION_EVENT_TYPES } from './notification-events.js';
import { recipientRules, recipientsOf, type Candidate, type EventFacts } from './recipient-rules.js';

const person = (userId: string, organisationId: string, ...roles: Role[]): Candidate => ({ userId, organisationId, roles: new Set(roles) });

const people = {
  ownerPublisher: person('owner-publisher', 'owner', Role.PUBLISHER),
  ownerReviewer: person('owner-reviewer', 'owner', Role.REVIEWER),
  ownerMember: person('owner-member', 'owner'),
  operatorReviewer: person('operator-reviewer', 'operator', Role.REVIEWER),
  requester: person('requester', 'requesting'),
  requesterColleague: person('requester-colleague', 'requesting'),
  outsiderReviewer: person('outsider-reviewer', 'outsider', Role.REVIEWER, Role.PUBLISHER),
};
const everyone = Object.values(people);

function facts(overrides: Partial<EventFacts>): EventFacts {
  return {
    type: 'EntrySubmitted',
    actorUserId: null,
    owningOrganisationId: 'owner',
    operatorOrganisationId: 'operator',
    entryListed: false,
    entryUnderReview: true,
    requestingOrganisationId: 'requesting',
    requesterId: 'requester',
    submittedBy: 'owner-publisher',
    raterId: 'requester',
    fromOwner: false,
    ...overrides,
  };
}

const names = (candidates: Candidate[]) => candidates.map((c) => c.userId).sort();

describe('recipient rules', () => {
  it('has a rule for every event type users can subscribe to', () => {
    expect(Object.keys(recipientRules).sort()).toEqual([...NOTIFICATION_EVENT_TYPES].sort());
  });

  it.each([
    ['EntrySubmitted', {}, ['operator-reviewer', 'owner-reviewer']],
    ['EntryPublished', { entryListed: true, entryUnderReview: false }, ['owner-publisher']],
    ['ChangesRequested', {}, ['owner-publisher']],
    ['EntryUpdated', {}, []],
    ['EntryArchived', { entryListed: false, entryUnderReview: false }, ['owner-publisher']],
    ['ReuseRequested', {}, ['owner-reviewer']],
    ['ReuseRequestDecided', {}, ['requester']],
    ['ReuseRequestWithdrawn', {}, ['owner-reviewer']],
    ['ApprovalExpiring', {}, ['requester', 'requester-colleague']],
    ['RatingAdded', { entryListed: true }, ['owner-publisher']],
    ['RatingReplied', { entryListed: true }, ['requester']],
  ] as const)('%s reaches %j', (type, extra, expected) => {
    expect(names(recipientsOf(facts({ type, ...extra }), everyone))).toEqual(expected);
  });

  it('sends a thread message to the other side', () => {
    expect(names(recipientsOf(facts({ type: 'ReuseRequestMessageAdded', fromOwner: true }), everyone))).toEqual(['requester']);
    expect(names(recipientsOf(facts({ type: 'ReuseRequestMessageAdded', fromOwner: false }), everyone))).toEqual(['owner-reviewer']);
  });

  it('never tells the actor about their own action', () => {
    expect(names(recipientsOf(facts({ type: 'EntrySubmitted', actorUserId: 'owner-reviewer' }), everyone))).toEqual(['operator-reviewer']);
  });

  it('never tells anyone about what they may not see', () => {
    // The operator's reviewer no longer sees an entry that left review without being listed.
    expect(names(recipientsOf(facts({ type: 'EntrySubmitted', entryUnderReview: false }), everyone))).toEqual(['owner-reviewer']);
    // A rule that named an outsider would still not reach them for a reuse request.
    const leaky = facts({ type: 'ReuseRequestDecided', requesterId: 'outsider-reviewer' });
    expect(recipientsOf(leaky, everyone)).toEqual([]);
  });
});

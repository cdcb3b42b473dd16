import type { DomainEvent } from '@app/data';

abstract class EntryEvent implements DomainEvent {
  abstract readonly type: string;
  readonly aggregateType = 'AiSystem';
  constructor(
    readonly aggregateId: string,
    readonly payload: { organisationId: string; slug: string; [key: string]: unknown },
  ) {}
}

/** A revision went to review: reviewers of the owning organisation (and the operator) should look. */
export class EntrySubmitted extends EntryEvent {
  readonly type = 'EntrySubmitted';
}

export class EntryPublished extends EntryEvent {
  readonly type = 'EntryPublished';
}

export class ChangesRequested extends EntryEvent {
  readonly type = 'ChangesRequested';
}

export class EntryUpdated extends EntryEvent {
  readonly type = 'EntryUpdated';
}

export class EntryArchived extends EntryEvent {
  readonly type = 'EntryArchived';
}

import type { DomainEvent } from '@app/data';

abstract class ReviewWorkflowEvent implements DomainEvent {
  abstract readonly type: string;
  abstract readonly aggregateType: string;
  constructor(
    readonly aggregateId: string,
    readonly payload: Record<string, unknown>,
  ) {}
}

abstract class ReuseRequestEvent extends ReviewWorkflowEvent {
  readonly aggregateType = 'ReuseRequest';
}

/** Reviewers of the owning organisation should decide. */
export class ReuseRequested extends ReuseRequestEvent {
  readonly type = 'ReuseRequested';
}

export class ReuseRequestDecided extends ReuseRequestEvent {
  readonly type = 'ReuseRequestDecided';
}

export class ReuseRequestWithdrawn extends ReuseRequestEvent {
  readonly type = 'ReuseRequestWithdrawn';
}

export class ReuseRequestMessageAdded extends ReuseRequestEvent {
  readonly type = 'ReuseRequestMessageAdded';
}

/** An approval ends soon: requester and owner may want to renew or wind down. */
export class ApprovalExpiring extends ReuseRequestEvent {
  readonly type = 'ApprovalExpiring';
}

abstract class RatingEvent extends ReviewWorkflowEvent {
  readonly aggregateType = 'Rating';
}

export class RatingAdded extends RatingEvent {
  readonly type = 'RatingAdded';
}

export class RatingReplied extends RatingEvent {
  readonly type = 'RatingReplied';
}

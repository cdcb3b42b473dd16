import { InvalidStateTransition } from '@app/common';

export enum ReuseRequestStatus {
  SUBMITTED = 'SUBMITTED',
  IN_REVIEW = 'IN_REVIEW',
  APPROVED = 'APPROVED',
  REJECTED = 'REJECTED',
  WITHDRAWN = 'WITHDRAWN',
}

export type ReuseRequestAction = 'startReview' | 'approve' | 'reject' | 'withdraw';

/** The whole reuse-request workflow: from each status, which action leads where. */
export const reuseRequestTransitions: Record<ReuseRequestStatus, Partial<Record<ReuseRequestAction, ReuseRequestStatus>>> = {
  [ReuseRequestStatus.SUBMITTED]: {
    startReview: ReuseRequestStatus.IN_REVIEW,
    approve: ReuseRequestStatus.APPROVED,
    reject: ReuseRequestStatus.REJECTED,
    withdraw: ReuseRequestStatus.WITHDRAWN,
  },
  [ReuseRequestStatus.IN_REVIEW]: {
    approve: ReuseRequestStatus.APPROVED,
    reject: ReuseRequestStatus.REJECTED,
    withdraw: ReuseRequestStatus.WITHDRAWN,
  },
  [ReuseRequestStatus.APPROVED]: {},
  [ReuseRequestStatus.REJECTED]: {},
  [ReuseRequestStatus.WITHDRAWN]: {},
};

export function nextReuseRequestStatus(from: ReuseRequestStatus, action: ReuseRequestAction): ReuseRequestStatus {
  const to = reuseRequestTransitions[from][action];
  if (to === undefined) throw new InvalidStateTransition('ReuseRequest', from, action);
  return to;
}

/** Open requests block a second one for the same system and organisation. */
export function isOpen(status: ReuseRequestStatus): boolean {
  return status === ReuseRequestStatus.SUBMITTED || status === ReuseRequestStatus.IN_REVIEW;
}

import { nextReuseRequestStatus, ReuseRequestStatus, reuseRequestTransitions } from './reuse-request.machine.js';

describe('reuse request state machine', () => {
  it('follows the documented workflow', () => {
    expect(nextReuseRequestStatus(ReuseRequestStatus.SUBMITTED, 'startReview')).toBe(ReuseRequestStatus.IN_REVIEW);
    expect(nextReuseRequestStatus(ReuseRequestStatus.IN_REVIEW, 'approve')).toBe(ReuseRequestStatus.APPROVED);
    expect(nextReuseRequestStatus(ReuseRequestStatus.IN_REVIEW, 'reject')).toBe(ReuseRequestStatus.REJECTED);
    expect(nextReuseRequestStatus(ReuseRequestStatus.SUBMITTED, 'withdraw')).toBe(ReuseRequestStatus.WITHDRAWN);
  });

  it('refuses every transition out of a decided or withdrawn request', () => {
    for (const from of [ReuseRequestStatus.APPROVED, ReuseRequestStatus.REJECTED, ReuseRequestStatus.WITHDRAWN]) {
      expect(reuseRequestTransitions[from]).toEqual({});
      for (const action of ['startReview', 'approve', 'reject', 'withdraw'] as const) {
        expect(() => nextReuseRequestStatus(from, action)).toThrow(expect.objectContaining({ code: 'INVALID_STATE_TRANSITION' }));
      }
    }
  });
});

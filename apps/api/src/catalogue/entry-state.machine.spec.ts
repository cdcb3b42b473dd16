import { EntryStatus } from '@app/data';
import { entryTransitions, nextEntryStatus } from './entry-state.machine.js';

describe('entry state machine', () => {
  it('follows the documented workflow', () => {
    expect(nextEntryStatus(EntryStatus.DRAFT, 'submit')).toBe(EntryStatus.IN_REVIEW);
    expect(nextEntryStatus(EntryStatus.IN_REVIEW, 'approve')).toBe(EntryStatus.PUBLISHED);
    expect(nextEntryStatus(EntryStatus.IN_REVIEW, 'requestChanges')).toBe(EntryStatus.CHANGES_REQUESTED);
    expect(nextEntryStatus(EntryStatus.CHANGES_REQUESTED, 'submit')).toBe(EntryStatus.IN_REVIEW);
    expect(nextEntryStatus(EntryStatus.PUBLISHED, 'edit')).toBe(EntryStatus.DRAFT);
    expect(nextEntryStatus(EntryStatus.PUBLISHED, 'archive')).toBe(EntryStatus.ARCHIVED);
  });

  it('refuses everything else with INVALID_STATE_TRANSITION', () => {
    const refused = Object.entries(entryTransitions).flatMap(([from, allowed]) =>
      (['edit', 'submit', 'approve', 'requestChanges', 'archive'] as const).filter((a) => !(a in allowed)).map((a) => [from as EntryStatus, a] as const),
    );
    expect(refused).toContainEqual([EntryStatus.ARCHIVED, 'edit']);
    expect(refused).toContainEqual([EntryStatus.IN_REVIEW, 'edit']);
    expect(refused).toContainEqual([EntryStatus.PUBLISHED, 'approve']);
    for (const [from, action] of refused) {
      expect(() => nextEntryStatus(from, action)).toThrow(expect.objectContaining({ code: 'INVALID_STATE_TRANSITION' }));
    }
  });
});

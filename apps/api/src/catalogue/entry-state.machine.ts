import { InvalidStateTransition } from '@app/common';
import { EntryStatus } from '@app/data';

export type EntryAction = 'edit' | 'submit' | 'approve' | 'requestChanges' | 'archive';

/** The whole publication workflow: from each status, which action leads where. Nothing else is allowed. */
export const entryTransitions: Record<EntryStatus, Partial<Record<EntryAction, EntryStatus>>> = {
  [EntryStatus.DRAFT]: { edit: EntryStatus.DRAFT, submit: EntryStatus.IN_REVIEW, archive: EntryStatus.ARCHIVED },
  [EntryStatus.IN_REVIEW]: { approve: EntryStatus.PUBLISHED, requestChanges: EntryStatus.CHANGES_REQUESTED },
  [EntryStatus.CHANGES_REQUESTED]: { edit: EntryStatus.CHANGES_REQUESTED, submit: EntryStatus.IN_REVIEW, archive: EntryStatus.ARCHIVED },
  // Editing a published entry starts a new working copy; the published revision stays visible meanwhile.
  [EntryStatus.PUBLISHED]: { edit: EntryStatus.DRAFT, archive: EntryStatus.ARCHIVED },
  [EntryStatus.ARCHIVED]: {},
};

export function nextEntryStatus(from: EntryStatus, action: EntryAction): EntryStatus {
  const to = entryTransitions[from][action];
  if (to === undefined) throw new InvalidStateTransition('AiSystem', from, action);
  return to;
}

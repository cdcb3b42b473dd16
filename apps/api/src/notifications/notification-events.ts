/** Every event type users can be notified about; preferences and webhooks accept only these names. */
export const NOTIFICATION_EVENT_TYPES = [
  'EntrySubmitted',
  'EntryPublished',
  'ChangesRequested',
  'EntryUpdated',
  'EntryArchived',
  'ReuseRequested',
  'ReuseRequestDecided',
  'ReuseRequestWithdrawn',
  'ReuseRequestMessageAdded',
  'ApprovalExpiring',
  'RatingAdded',
  'RatingReplied',
] as const;

export type NotificationEventType = (typeof NOTIFICATION_EVENT_TYPES)[number];

export function isNotificationEventType(name: string): name is NotificationEventType {
  return (NOTIFICATION_EVENT_TYPES as readonly string[]).includes(name);
}

import type { NotificationEventType } from './notification-events.js';

export enum Language {
  DE = 'DE',
  EN = 'EN',
}

/** What the fan-out captured when it created the notification; texts are rendered when read. */
export interface NotificationParams {
  entryName?: string | null;
  owningOrganisation?: string | null;
  requestingOrganisation?: string | null;
  actorName?: string | null;
  decision?: string | null;
  note?: string | null;
  stars?: number | null;
  expiresAt?: string | null;
}

export interface NotificationText {
  title: string;
  body: string;
}

type Template = (p: NotificationParams) => NotificationText;

const entry = (p: NotificationParams) => `„${p.entryName ?? '?'}“`;
const noteLine = (label: string, text: string | null | undefined) => (text ? `\n${label}: ${text}` : '');
const day = (iso: string | null | undefined, locale: string) => (iso ? new Date(iso).toLocaleDateString(locale, { timeZone: 'Europe/Berlin' }) : '?');

const german: Partial<Record<NotificationEventType, Template>> = {
  EntrySubmitted: (p) => ({ title: `Prüfung erbeten: ${entry(p)}`, body: `${p.actorName ?? 'Jemand'} hat ${entry(p)} (${p.owningOrganisation}) zur Veröffentlichung eingereicht.` }),
  EntryPublished: (p) => ({ title: `Veröffentlicht: ${entry(p)}`, body: `${entry(p)} wurde freigegeben und ist jetzt im Katalog sichtbar.` }),
  ChangesRequested: (p) => ({ title: `Änderungen erbeten: ${entry(p)}`, body: `Die Prüfung von ${entry(p)} verlangt Änderungen.${noteLine('Kommentar', p.note)}` }),
  EntryUpdated: (p) => ({ title: `Geändert: ${entry(p)}`, body: `Der Entwurf von ${entry(p)} wurde bearbeitet.` }),
  EntryArchived: (p) => ({ title: `Archiviert: ${entry(p)}`, body: `${entry(p)} wurde archiviert und ist nicht mehr im Katalog.${noteLine('Grund', p.note)}` }),
  ReuseRequested: (p) => ({ title: `Nachnutzungsanfrage für ${entry(p)}`, body: `${p.requestingOrganisation} möchte ${entry(p)} nachnutzen. Bitte entscheiden Sie über die Anfrage.` }),
  ReuseRequestDecided: (p) => ({
    title: `${p.decision === 'APPROVE' ? 'Genehmigt' : 'Abgelehnt'}: Nachnutzung von ${entry(p)}`,
    body: `${p.owningOrganisation} hat Ihre Anfrage zu ${entry(p)} ${p.decision === 'APPROVE' ? 'genehmigt' : 'abgelehnt'}.${noteLine('Begründung', p.note)}`,
  }),
  ReuseRequestWithdrawn: (p) => ({ title: `Anfrage zurückgezogen: ${entry(p)}`, body: `${p.requestingOrganisation} hat die Anfrage zur Nachnutzung von ${entry(p)} zurückgezogen.` }),
  ReuseRequestMessageAdded: (p) => ({ title: `Neue Nachricht zu ${entry(p)}`, body: `${p.actorName ?? 'Jemand'} hat in der Nachnutzungsanfrage zu ${entry(p)} geschrieben.` }),
  ApprovalExpiring: (p) => ({ title: `Nachnutzung läuft aus: ${entry(p)}`, body: `Die Genehmigung zur Nachnutzung von ${entry(p)} endet am ${day(p.expiresAt, 'de-DE')}.` }),
  RatingAdded: (p) => ({ title: `Neue Bewertung: ${entry(p)}`, body: `${entry(p)} wurde mit ${p.stars ?? '?'} von 5 Sternen bewertet.` }),
  RatingReplied: (p) => ({ title: `Antwort auf Ihre Bewertung: ${entry(p)}`, body: `${p.owningOrganisation} hat auf Ihre Bewertung von ${entry(p)} geantwortet.` }),
};

const english: Record<NotificationEventType, Template> = {
  EntrySubmitted: (p) => ({ title: `Review requested: ${entry(p)}`, body: `${p.actorName ?? 'Someone'} submitted ${entry(p)} (${p.owningOrganisation}) for publication.` }),
  EntryPublished: (p) => ({ title: `Published: ${entry(p)}`, body: `${entry(p)} was approved and is now visible in the catalogue.` }),
  ChangesRequested: (p) => ({ title: `Changes requested: ${entry(p)}`, body: `The review of ${entry(p)} asks for changes.${noteLine('Comment', p.note)}` }),
  EntryUpdated: (p) => ({ title: `Updated: ${entry(p)}`, body: `The draft of ${entry(p)} was edited.` }),
  EntryArchived: (p) => ({ title: `Archived: ${entry(p)}`, body: `${entry(p)} was archived and has left the catalogue.${noteLine('Reason', p.note)}` }),
  ReuseRequested: (p) => ({ title: `Reuse request for ${entry(p)}`, body: `${p.requestingOrganisation} would like to reuse ${entry(p)}. Please decide on the request.` }),
  ReuseRequestDecided: (p) => ({
    title: `${p.decision === 'APPROVE' ? 'Approved' : 'Rejected'}: reuse of ${entry(p)}`,
    body: `${p.owningOrganisation} ${p.decision === 'APPROVE' ? 'approved' : 'rejected'} your request for ${entry(p)}.${noteLine('Reason', p.note)}`,
  }),
  ReuseRequestWithdrawn: (p) => ({ title: `Request withdrawn: ${entry(p)}`, body: `${p.requestingOrganisation} withdrew its request to reuse ${entry(p)}.` }),
  ReuseRequestMessageAdded: (p) => ({ title: `New message about ${entry(p)}`, body: `${p.actorName ?? 'Someone'} wrote in the reuse request for ${entry(p)}.` }),
  ApprovalExpiring: (p) => ({ title: `Reuse ends soon: ${entry(p)}`, body: `The approval to reuse ${entry(p)} ends on ${day(p.expiresAt, 'en-GB')}.` }),
  RatingAdded: (p) => ({ title: `New rating: ${entry(p)}`, body: `${entry(p)} was rated ${p.stars ?? '?'} out of 5 stars.` }),
  RatingReplied: (p) => ({ title: `Reply to your rating: ${entry(p)}`, body: `${p.owningOrganisation} replied to your rating of ${entry(p)}.` }),
};

/** German first; English where a German text is missing or English is asked for. */
export function renderNotification(type: string, params: NotificationParams, language: Language = Language.DE): NotificationText {
  const known = type as NotificationEventType;
  const template = (language === Language.DE ? german[known] : undefined) ?? english[known];
  return template ? template(params) : { title: type, body: '' };
}

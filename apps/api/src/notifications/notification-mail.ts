import { Language, renderNotification, type NotificationParams } from './notification-texts.js';

export interface MailItem {
  eventType: string;
  params: NotificationParams;
}

export interface RenderedMail {
  subject: string;
  text: string;
  html: string;
}

const escape = (text: string) => text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);
const paragraphs = (text: string) => escape(text).replace(/\n/g, '<br>');

function footer(unsubscribeUrl: string): { text: string; html: string } {
  return {
    text: `\n--\nSie erhalten diese E-Mail, weil Sie im ki-marktplatz Benachrichtigungen per E-Mail eingeschaltet haben.\nAbbestellen / Unsubscribe: ${unsubscribeUrl}\n`,
    html: `<hr><p style="color:#666;font-size:12px">Sie erhalten diese E-Mail, weil Sie im ki-marktplatz Benachrichtigungen per E-Mail eingeschaltet haben.<br><a href="${escape(unsubscribeUrl)}">Abbestellen / Unsubscribe</a></p>`,
  };
}

/** One notification: German first, the English text below for readers without German. */
export function immediateMail(item: MailItem, greetingName: string, unsubscribeUrl: string, inboxUrl: string): RenderedMail {
  const de = renderNotification(item.eventType, item.params, Language.DE);
  const en = renderNotification(item.eventType, item.params, Language.EN);
  const end = footer(unsubscribeUrl);
  return {
    subject: `[ki-marktplatz] ${de.title}`,
    text: `Hallo ${greetingName},\n\n${de.body}\n\nIm Posteingang: ${inboxUrl}\n\n-- English --\n${en.title}\n${en.body}\n${end.text}`,
    html: `<p>Hallo ${escape(greetingName)},</p><p>${paragraphs(de.body)}</p><p><a href="${escape(inboxUrl)}">Zum Posteingang</a></p>`
      + `<hr><p lang="en"><strong>${escape(en.title)}</strong><br>${paragraphs(en.body)}</p>${end.html}`,
  };
}

/** The day's notifications in one mail, oldest first. */
export function digestMail(items: MailItem[], greetingName: string, unsubscribeUrl: string, inboxUrl: string): RenderedMail {
  const de = items.map((item) => renderNotification(item.eventType, item.params, Language.DE));
  const en = items.map((item) => renderNotification(item.eventType, item.params, Language.EN));
  const end = footer(unsubscribeUrl);
  const count = items.length === 1 ? '1 Benachrichtigung' : `${items.length} Benachrichtigungen`;
  return {
    subject: `[ki-marktplatz] Ihre Tagesübersicht: ${count}`,
    text: `Hallo ${greetingName},\n\nIhre Benachrichtigungen seit der letzten Übersicht:\n\n${de.map((t) => `* ${t.title}\n  ${t.body.replace(/\n/g, '\n  ')}`).join('\n\n')}\n\nIm Posteingang: ${inboxUrl}\n\n-- English --\n${en.map((t) => `* ${t.title}`).join('\n')}\n${end.text}`,
    html: `<p>Hallo ${escape(greetingName)},</p><p>Ihre Benachrichtigungen seit der letzten Übersicht:</p><ul>${de.map((t) => `<li><strong>${escape(t.title)}</strong><br>${paragraphs(t.body)}</li>`).join('')}</ul>`
      + `<p><a href="${escape(inboxUrl)}">Zum Posteingang</a></p><hr><ul lang="en">${en.map((t) => `<li>${escape(t.title)}</li>`).join('')}</ul>${end.html}`,
  };
}

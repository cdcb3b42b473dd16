import type { AddressInfo } from 'node:net';
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';

/** A real SMTP server on a free local port that keeps every mail it accepts, parsed. */
export interface MailSink {
  /** SMTP_URL for the app. */
  url: string;
  mails: ParsedMail[];
  /** The mails addressed to `email`. */
  to(email: string): ParsedMail[];
  close(): Promise<void>;
}

export async function startMailSink(): Promise<MailSink> {
  const mails: ParsedMail[] = [];
  const smtp = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, _session, callback) {
      simpleParser(stream)
        .then((mail) => {
          mails.push(mail);
          callback();
        })
        .catch(callback);
    },
  });
  await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', resolve));
  return {
    url: `smtp://127.0.0.1:${(smtp.server.address() as AddressInfo).port}`,
    mails,
    to: (email) => mails.filter((m) => m.to !== undefined && !Array.isArray(m.to) && m.to.value[0]?.address === email),
    close: () => new Promise<void>((resolve) => smtp.close(() => resolve())),
  };
}

import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import pg from 'pg';
import { SMTPServer } from 'smtp-server';
import { Role } from '@app/common';
import { createTestApp, makeOrganisation, makePublishedEntry, makeUser, type TestApp, eventually as pollUntil } from '@app/testing';

const REGISTER = `mutation($input: RegisterWebhookInput!) { registerWebhook(input: $input) { webhook { id } } }`;
const REQUEST = `mutation($input: RequestReuseInput!) { requestReuse(input: $input) { reuseRequest { id } } }`;
const SLOW_MS = 1500;

/** Polls `probe` every 50 ms until it returns true; fails after `ms`. */
const eventually = (probe: () => boolean | Promise<boolean>, ms = 20_000, every = 50) => pollUntil(probe, ms, every);

describe('shutting down while jobs run', () => {
  let receiver: Server;
  let smtp: SMTPServer;
  let t: TestApp | undefined;
  const arrived = { webhook: 0, mail: 0 };

  beforeAll(async () => {
    receiver = createServer((req, res) => {
      req.resume();
      arrived.webhook++;
      setTimeout(() => res.writeHead(204).end(), SLOW_MS);
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    smtp = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      logger: false,
      onData(stream, _session, callback) {
        stream.resume();
        stream.on('end', () => {
          arrived.mail++;
          setTimeout(() => callback(), SLOW_MS);
        });
      },
    });
    await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', resolve));
  });

  afterAll(async () => {
    await t?.close().catch(() => undefined);
    await new Promise<void>((resolve) => receiver.close(() => resolve()));
    await new Promise<void>((resolve) => smtp.close(() => resolve()));
  });

  it('lets the running e-mail and webhook jobs finish and record their outcome before anything they use closes', async () => {
    const app = await createTestApp({
      WORKER: 'true',
      WEBHOOK_ALLOW_PRIVATE: 'true',
      SMTP_URL: `smtp://127.0.0.1:${(smtp.server.address() as AddressInfo).port}`,
    });
    t = app;
    const organisation = await makeOrganisation(app.dataSource);
    const publisher = await makeUser(app.dataSource, { organisation, roles: [Role.PUBLISHER] });
    await makeUser(app.dataSource, { organisation, roles: [Role.REVIEWER] });
    const url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/slow`;
    expect((await app.gql(REGISTER, { input: { url, events: ['ReuseRequested'], secret: 'geheimnis-des-empfaengers-0123' } }, await app.tokenFor(publisher))).errors).toBeUndefined();
    const system = await makePublishedEntry(app.dataSource, { id: publisher.organisationId, slug: publisher.organisationSlug } as never);
    const requester = await makeUser(app.dataSource, { organisation: await makeOrganisation(app.dataSource) });
    const res = await app.gql(REQUEST, { input: { aiSystemId: system.globalId, purpose: 'Feierabend', intendedUse: 'Test' } }, await app.tokenFor(requester));
    expect(res.errors).toBeUndefined();

    await eventually(() => arrived.webhook === 1 && arrived.mail === 1);
    await app.close();
    t = undefined;

    const db = new pg.Client({ connectionString: app.databaseUrl });
    await db.connect();
    try {
      const webhook = await db.query(`SELECT status, attempts FROM webhook_delivery`);
      expect(webhook.rows).toEqual([{ status: 'SUCCEEDED', attempts: 1 }]);
      const mail = await db.query(`SELECT status FROM email_delivery`);
      expect(mail.rows).toEqual([{ status: 'SENT' }]);
    } finally {
      await db.end();
    }
  });
});

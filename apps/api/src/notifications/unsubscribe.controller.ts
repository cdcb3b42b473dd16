import { Controller, Get, HttpCode, Post, Query, Res } from '@nestjs/common';
import type { Response } from 'express';
import { BadUserInput, Public } from '@app/common';
import { NotificationEmailService } from './notification-email.service.js';
import { NotificationPreferenceService } from './notification-preference.service.js';
import { verifyUnsubscribeToken } from './unsubscribe-token.js';

const page = (title: string, body: string) =>
  `<!doctype html><html lang="de"><head><meta charset="utf-8"><title>${title}</title></head><body><h1>${title}</h1>${body}</body></html>`;

/**
 * The link in every e-mail; needs no login, the signed token names the user. GET only shows a button (mail scanners
 * follow links), POST unsubscribes (also RFC 8058 one-click from the List-Unsubscribe-Post header).
 */
@Controller('notifications/unsubscribe')
export class UnsubscribeController {
  constructor(
    private readonly email: NotificationEmailService,
    private readonly preferences: NotificationPreferenceService,
  ) {}

  @Get()
  @Public()
  confirm(@Query('token') token: unknown, @Res() res: Response): void {
    const request = this.verify(token, res);
    if (request === null) return;
    const what = request.eventType === null ? 'alle E-Mail-Benachrichtigungen' : `E-Mails zu „${request.eventType}“`;
    res.status(200).type('html').send(
      page('E-Mails abbestellen', `<p>Möchten Sie ${what} abbestellen? / Unsubscribe from these e-mails?</p><form method="post"><button type="submit">Abbestellen / Unsubscribe</button></form>`),
    );
  }

  @Post()
  @Public()
  @HttpCode(200)
  async unsubscribe(@Query('token') token: unknown, @Res() res: Response): Promise<void> {
    const request = this.verify(token, res);
    if (request === null) return;
    await this.preferences.unsubscribe(request.userId, request.eventType);
    res.status(200).type('html').send(page('Abbestellt', '<p>Sie erhalten diese E-Mails nicht mehr. Im ki-marktplatz können Sie das jederzeit ändern. / You are unsubscribed.</p>'));
  }

  private verify(token: unknown, res: Response): { userId: string; eventType: string | null } | null {
    try {
      return verifyUnsubscribeToken(this.email.secret, typeof token === 'string' ? token : '');
    } catch (error) {
      if (!(error instanceof BadUserInput)) throw error;
      res.status(400).type('html').send(page('Ungültiger Link', '<p>Dieser Abmeldelink ist ungültig oder wurde verändert. / This unsubscribe link is invalid or was altered.</p>'));
      return null;
    }
  }
}

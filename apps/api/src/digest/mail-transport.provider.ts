import { Logger } from '@nestjs/common';
import { fileOutboxTransport, type MailTransport, smtpTransport } from '@rapport/notifications';
import type { MailConfig } from '../config/app-config';

export const MAIL_TRANSPORT = Symbol('MAIL_TRANSPORT');

/** SMTP when SMTP_URL is set; otherwise every message becomes an .eml file in the outbox folder. */
export function createMailTransport(config: MailConfig): MailTransport {
  if (config.smtpUrl) return smtpTransport(config.smtpUrl);
  const logger = new Logger('Mail');
  return fileOutboxTransport(config.outboxDir, (line) => logger.log(line));
}

// Sends one email through SES v2 with both parts, under the configuration set that requires TLS.
import { SendEmailCommand, type SESv2Client } from '@aws-sdk/client-sesv2';
import { logger } from '../shared/observability.js';
import type { Email } from './html.js';

export interface EmailSenderOptions {
  readonly configurationSet?: string;
}

/** Who an email is from, and where replies go when not to the sender. */
export interface EmailSender {
  readonly from: string;
  readonly replyTo?: string;
}

export const sendEmail = async (client: SESv2Client, options: EmailSenderOptions, sender: EmailSender, to: string, email: Email): Promise<string> => {
  const result = await client.send(
    new SendEmailCommand({
      FromEmailAddress: sender.from,
      ...(sender.replyTo ? { ReplyToAddresses: [sender.replyTo] } : {}),
      Destination: { ToAddresses: [to] },
      ConfigurationSetName: options.configurationSet,
      Content: {
        Simple: {
          Subject: { Data: email.subject, Charset: 'UTF-8' },
          Body: { Html: { Data: email.html, Charset: 'UTF-8' }, Text: { Data: email.text, Charset: 'UTF-8' } },
        },
      },
    }),
  );
  logger.debug('SES accepted the email', { messageId: result.MessageId, htmlChars: email.html.length, textChars: email.text.length, replyTo: sender.replyTo !== undefined });
  return result.MessageId ?? '';
};

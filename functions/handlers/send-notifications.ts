// Lambda: sends the emails a completed night calls for, once per recipient; one bad address does not stop the rest.
import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import type { SQSEvent, SQSRecord } from 'aws-lambda';
import { sendEmail } from '../notify/email-sender.js';
import { runCompleteEmail } from '../notify/run-complete-email.js';
import { dynamo, ses } from '../shared/clients.js';
import { requireEnv, tableName } from '../shared/env.js';
import { notificationMessage } from '../shared/messages.js';
import { logger, withObservability } from '../shared/observability.js';
import { tenantDirectory } from '../shared/tenant-directory.js';
import { RunStore } from '../store/run-store.js';
import { SentEmailStore } from '../store/sent-email-store.js';
import { TenantSettingsStore } from '../store/tenant-settings-store.js';

const processor = new BatchProcessor(EventType.SQS);
const runs = new RunStore(dynamo(), tableName());
const sent = new SentEmailStore(dynamo(), tableName());
const settings = new TenantSettingsStore(dynamo(), tableName());
const tenants = tenantDirectory();
const senderOptions = { from: requireEnv('SENDER_ADDRESS'), configurationSet: process.env.SES_CONFIGURATION_SET || undefined };
const appBaseUrl = requireEnv('APP_BASE_URL');

const processRecord = async (record: SQSRecord): Promise<void> => {
  const message = notificationMessage.parse(JSON.parse(record.body));
  const tenant = tenants.get(message.tenantId);
  const run = await runs.get(message.tenantId, message.runDate);
  if (!tenant || !run) throw new Error(`no tenant or run record for the ${message.kind} message`);
  const email = runCompleteEmail(tenant.name, run, appBaseUrl);
  let failures = 0;
  // Recipients an admin saved for the tenant win over the deployment's configuration.
  const saved = (await settings.get(tenant.id)).managerEmails;
  for (const recipient of saved.length ? saved : tenant.managerEmails) {
    if (!(await sent.claim(tenant.id, run.runDate, message.kind, recipient, new Date().toISOString()))) continue;
    try {
      const messageId = await sendEmail(ses(), senderOptions, recipient, email);
      await sent.markSent(tenant.id, run.runDate, message.kind, recipient, messageId, new Date().toISOString());
    } catch (error) {
      failures++;
      logger.error('email not sent', { tenantId: tenant.id, kind: message.kind, error: (error as Error).name });
    }
  }
  logger.info('notifications sent', { tenantId: tenant.id, runDate: run.runDate, kind: message.kind, failures });
};

export const handler = withObservability(async (event: SQSEvent, context) =>
  processPartialResponse(event, processRecord, processor, { context }),
);

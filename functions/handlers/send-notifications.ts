// Lambda: the emails of a completed night (digest, portfolio digests, alerts; one reminder message per biller),
// the reminders, the watch schedule's alerts (late runs, dead letters) and X12 batch-rejected alerts. Each email once
// per recipient, kind and occasion. Also the night's 276 status inquiries, written to the X12 bucket's outbox.
import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import { S3Client } from '@aws-sdk/client-s3';
import type { SQSEvent, SQSRecord } from 'aws-lambda';
import { sendEmail } from '../notify/email-sender.js';
import { onBatchRejected, onReminder, onRunComplete, onWatch } from '../services/notifications.js';
import { sendStatusInquiries } from '../services/status-inquiries.js';
import { dynamo, ses, sqs } from '../shared/clients.js';
import { deadLetterDepth, deadLetterQueuesFromEnv } from '../shared/dead-letter-depth.js';
import { inboxBucket, queueUrl, requireEnv, tableName } from '../shared/env.js';
import { notificationMessage } from '../shared/messages.js';
import { logger, traced, withObservability } from '../shared/observability.js';
import { sendMessages } from '../shared/queue-sender.js';
import { tenantDirectory } from '../shared/tenant-directory.js';
import { X12Bucket } from '../store/x12-file-store.js';
import { notificationDeps, statusInquiryDeps } from './notification-deps.js';

const processor = new BatchProcessor(EventType.SQS);
const senderOptions = { configurationSet: process.env.SES_CONFIGURATION_SET || undefined };

const deps = notificationDeps(dynamo(), tableName(), {
  tenants: tenantDirectory(),
  deadLetters: deadLetterDepth(sqs(), deadLetterQueuesFromEnv()),
  enqueue: (messages) => sendMessages(sqs(), queueUrl('notifications'), messages),
  send: (sender, to, email) => sendEmail(ses(), senderOptions, sender, to, email),
  sender: { from: requireEnv('SENDER_ADDRESS') },
  appBaseUrl: requireEnv('APP_BASE_URL'),
  now: () => new Date().toISOString(),
  log: logger,
});

// Built on first use: only a deployment whose tenants ask payers by 276 needs the bucket.
let inquiryDeps: ReturnType<typeof statusInquiryDeps> | undefined;
const inquiries = (): ReturnType<typeof statusInquiryDeps> =>
  (inquiryDeps ??= statusInquiryDeps(dynamo(), tableName(), {
    bucket: new X12Bucket(traced(new S3Client({})), inboxBucket()),
    tenants: deps.tenants,
    usage: process.env.X12_USAGE === 'T' ? 'T' : 'P',
    now: () => new Date().toISOString(),
  }));

const processRecord = async (record: SQSRecord): Promise<void> => {
  const message = notificationMessage.parse(JSON.parse(record.body));
  if (message.kind === 'run-complete') await onRunComplete(deps, message.tenantId, message.runDate);
  else if (message.kind === 'reminder') await onReminder(deps, message.tenantId, message.runDate, message.userId);
  else if (message.kind === 'batch-rejected') await onBatchRejected(deps, message);
  else if (message.kind === 'status-inquiries') {
    // Counts only: the file and its claims' patients are never logged.
    const outcome = await sendStatusInquiries(inquiries(), message.tenantId, message.runDate);
    logger.info('status inquiries', { tenantId: message.tenantId, runDate: message.runDate, ...outcome });
  }
  else await onWatch(deps, message.at);
};

export const handler = withObservability(async (event: SQSEvent, context) =>
  // One message of the batch at a time: with the queue's concurrency cap, sends stay near the SES sending rate.
  processPartialResponse(event, processRecord, processor, { context, processInParallel: false }),
);

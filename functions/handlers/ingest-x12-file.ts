// Lambda: consumes the x12 queue (S3 notifications of files dropped in the inbox). Each file is streamed, mapped, its
// claim events sent to the ingest queue, its unmatched remittances queued, its batch rejections sent to the managers'
// alert and its report stored; a failure is retried by the queue, then dead-lettered.
import '../services/x12-gc.js';
import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { S3Client } from '@aws-sdk/client-s3';
import type { SQSEvent, SQSRecord } from 'aws-lambda';
import { localDateAt } from '../domain/calendar.js';
import { dynamo, sqs } from '../shared/clients.js';
import { inboxBucket, queueUrl, shardCount, tableName } from '../shared/env.js';
import { PermanentError } from '../shared/errors.js';
import { logger, metrics, traced, withObservability } from '../shared/observability.js';
import { tenantDirectory } from '../shared/tenant-directory.js';
import { sendMessages } from '../shared/queue-sender.js';
import { ingestX12Notification, sendClaimEvents, type X12FileIngestDeps } from '../services/x12-file-ingest.js';
import { ClaimStore } from '../store/claim-store.js';
import { TenantSettingsStore } from '../store/tenant-settings-store.js';
import { WorkItemStore } from '../store/work-item-store.js';
import { StatusInquiryStore } from '../store/status-inquiry-store.js';
import { X12Bucket, X12FileStore } from '../store/x12-file-store.js';

const processor = new BatchProcessor(EventType.SQS);
const tenants = tenantDirectory();
const ingestQueueUrl = queueUrl('ingest');
const deps: X12FileIngestDeps = {
  bucket: new X12Bucket(traced(new S3Client({})), inboxBucket()),
  files: new X12FileStore(dynamo(), tableName()),
  sendEvents: (events) => sendClaimEvents(sqs(), ingestQueueUrl, events),
  isKnownTenant: (tenantId) => tenants.has(tenantId),
  localDate: (tenantId, at) => localDateAt(at, tenants.get(tenantId)!.timeZone),
  claims: new ClaimStore(dynamo(), tableName(), shardCount()),
  workItems: new WorkItemStore(dynamo(), tableName()),
  settings: new TenantSettingsStore(dynamo(), tableName()),
  // Read when an alert is due (a 999 or 277CA that rejects a whole batch): the queue the CDK binds for it.
  notify: (message) => sendMessages(sqs(), queueUrl('notifications'), [message]),
  now: () => new Date().toISOString(),
  inquiries: new StatusInquiryStore(dynamo(), tableName()),
};

const processRecord = async (record: SQSRecord): Promise<void> => {
  try {
    for (const outcome of await ingestX12Notification(deps, record.body)) {
      // Never the object key: a file's name is the sender's and may say anything.
      if (outcome.outcome === 'refused-tenant') logger.warn('x12 file refused: tenant not served', { messageId: record.messageId, ...outcome });
      else logger.info('x12 file processed', { messageId: record.messageId, ...outcome });
      metrics.addMetric(`X12File${outcome.outcome === 'ingested' ? 'Ingested' : outcome.outcome === 'duplicate' ? 'Duplicate' : outcome.outcome === 'ignored' ? 'Ignored' : 'Refused'}`, MetricUnit.Count, 1);
    }
  } catch (error) {
    if (error instanceof PermanentError) {
      logger.warn('x12 queue message refused', { messageId: record.messageId, reason: error.reason });
      return;
    }
    logger.warn('x12 file failed; the queue will retry it', { messageId: record.messageId, error: (error as Error).name });
    throw error;
  }
};

export const handler = withObservability(async (event: SQSEvent, context) => processPartialResponse(event, processRecord, processor, { context }));

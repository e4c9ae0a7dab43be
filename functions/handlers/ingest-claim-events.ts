// Lambda: consumes the ingest queue. Bad events are recorded as rejected (not retried); anything else that fails
// is retried by the queue and ends in its dead-letter queue.
import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { SQSEvent, SQSRecord } from 'aws-lambda';
import { dynamo } from '../shared/clients.js';
import { shardCount, tableName } from '../shared/env.js';
import { PermanentError } from '../shared/errors.js';
import { logger, metrics, withObservability } from '../shared/observability.js';
import { ingestClaimEvent, parseClaimEvent, tenantOf } from '../services/ingest-claim-event.js';
import { ClaimStore, type ClaimHistory } from '../store/claim-store.js';
import { unattributedTenant } from '../store/keys.js';
import { RejectedEventStore } from '../store/rejected-event-store.js';
import { tenantDirectory } from '../shared/tenant-directory.js';

const processor = new BatchProcessor(EventType.SQS);
const claims = new ClaimStore(dynamo(), tableName(), shardCount());
const rejected = new RejectedEventStore(dynamo(), tableName());
const tenants = tenantDirectory();
const isKnownTenant = (tenantId: string): boolean => tenants.has(tenantId);

const processRecord = async (record: SQSRecord, readBefore: Map<string, ClaimHistory>): Promise<void> => {
  try {
    const receivedAt = new Date().toISOString();
    const parsed = parseClaimEvent(record.body);
    const before = readBefore.get(ClaimStore.historyKey(parsed.tenantId, parsed.payload.claimId));
    const { outcome, event } = await ingestClaimEvent(claims, parsed, { isKnownTenant, receivedAt }, before);
    logger.info('claim event processed', { eventId: event.eventId, tenantId: event.tenantId, type: event.type, outcome });
    metrics.addMetric(outcome === 'applied' ? 'ClaimEventApplied' : 'ClaimEventDuplicate', MetricUnit.Count, 1);
  } catch (error) {
    if (!(error instanceof PermanentError)) {
      logger.warn('claim event failed; the queue will retry it', { messageId: record.messageId, error: (error as Error).name });
      throw error;
    }
    const tenantId = tenantOf(record.body) ?? unattributedTenant;
    await rejected.record({
      tenantId,
      messageId: record.messageId,
      reason: error.reason,
      detail: error.message,
      receivedAt: new Date().toISOString(),
      body: record.body,
    });
    // The detail names fields, never their values, so it is safe to log.
    logger.warn('claim event rejected', { messageId: record.messageId, tenantId, outcome: 'rejected', reason: error.reason, detail: error.message });
    metrics.addMetric('ClaimEventRejected', MetricUnit.Count, 1);
  }
};

/** Reads every claim the batch touches in one batched read, instead of one read per event. */
const readClaimsOf = async (event: SQSEvent): Promise<Map<string, ClaimHistory>> => {
  const touched = event.Records.flatMap((record) => {
    try {
      const { tenantId, payload } = parseClaimEvent(record.body);
      return isKnownTenant(tenantId) ? [{ tenantId, claimId: payload.claimId }] : [];
    } catch {
      return []; // refused below, with its reason
    }
  });
  return claims.histories(touched);
};

export const handler = withObservability(async (event: SQSEvent, context) => {
  const readBefore = await readClaimsOf(event);
  return processPartialResponse(event, (record: SQSRecord) => processRecord(record, readBefore), processor, { context });
});

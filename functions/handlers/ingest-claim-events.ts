// Lambda: consumes the ingest queue. Bad events are recorded as rejected (not retried); anything else that fails
// is retried by the queue and ends in its dead-letter queue.
import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { SQSEvent, SQSRecord } from 'aws-lambda';
import { dynamo } from '../shared/clients.js';
import { shardCount, tableName } from '../shared/env.js';
import { PermanentError } from '../shared/errors.js';
import { logger, metrics, withObservability } from '../shared/observability.js';
import type { ClaimEvent } from '../domain/claim-events.js';
import { ingestClaimEvent, parseClaimEvent, tenantOf } from '../services/ingest-claim-event.js';
import { ClaimStore, type ClaimRecord } from '../store/claim-store.js';
import { unattributedTenant } from '../store/keys.js';
import { RejectedEventStore } from '../store/rejected-event-store.js';
import { tenantDirectory } from '../shared/tenant-directory.js';

const processor = new BatchProcessor(EventType.SQS);
const claims = new ClaimStore(dynamo(), tableName(), shardCount());
const rejected = new RejectedEventStore(dynamo(), tableName());
const tenants = tenantDirectory();
const isKnownTenant = (tenantId: string): boolean => tenants.has(tenantId);

/** A message read once: its event, or why it can never be one. */
type Parsed = { readonly event: ClaimEvent; readonly claim: string } | { readonly refusal: PermanentError };

const parse = (record: SQSRecord): Parsed => {
  try {
    const event = parseClaimEvent(record.body);
    return { event, claim: ClaimStore.recordKey(event.tenantId, event.payload.claimId) };
  } catch (error) {
    if (error instanceof PermanentError) return { refusal: error };
    throw error;
  }
};

const processRecord = async (record: SQSRecord, parsed: Parsed, readBefore: Map<string, ClaimRecord>): Promise<void> => {
  try {
    if ('refusal' in parsed) throw parsed.refusal;
    const receivedAt = new Date().toISOString();
    const { outcome, event, after } = await ingestClaimEvent(claims, parsed.event, { isKnownTenant, receivedAt }, readBefore.get(parsed.claim));
    // The next event of this claim in the batch starts from what this one wrote, without reading it again.
    if (after) readBefore.set(parsed.claim, after);
    else readBefore.delete(parsed.claim);
    logger.info('claim event processed', { eventId: event.eventId, tenantId: event.tenantId, type: event.type, outcome });
    metrics.addMetric(outcome === 'applied' ? 'ClaimEventApplied' : 'ClaimEventDuplicate', MetricUnit.Count, 1);
  } catch (error) {
    readBefore.delete('claim' in parsed ? parsed.claim : '');
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

export const handler = withObservability(async (event: SQSEvent, context) => {
  const parsed = new Map(event.Records.map((record) => [record.messageId, parse(record)]));
  // Every claim the batch touches, in one batched read instead of one read per event.
  const touched = [...parsed.values()].flatMap((p) => ('event' in p && isKnownTenant(p.event.tenantId) ? [{ tenantId: p.event.tenantId, claimId: p.event.payload.claimId }] : []));
  const readBefore = await claims.currents(touched);
  // Records of different claims run at once; events of one claim run one after another, so a batch of many events
  // for one claim does not race itself (each would lose the version check to its neighbours and retry).
  const inLine = new Map<string, Promise<unknown>>();
  const processInLine = (record: SQSRecord): Promise<void> => {
    const p = parsed.get(record.messageId)!;
    const line = 'claim' in p ? p.claim : `message:${record.messageId}`;
    const run = (inLine.get(line) ?? Promise.resolve()).catch(() => undefined).then(() => processRecord(record, p, readBefore));
    inLine.set(line, run);
    return run;
  };
  return processPartialResponse(event, processInLine, processor, { context });
});

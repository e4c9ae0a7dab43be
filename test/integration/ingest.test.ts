// The ingest queue end to end: the real consumer behind the local SQS event source, against DynamoDB Local.
import { DeleteCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queues } from '../../functions/shared/resources.js';
import { ClaimStore } from '../../functions/store/claim-store.js';
import { claimKey } from '../../functions/store/keys.js';
import { RejectedEventStore } from '../../functions/store/rejected-event-store.js';
import { redrive } from '../../local/dead-letters.js';
import type { Runtime } from '../../local/runtime.js';
import type { DeliveryLog } from './harness.js';
import { documentClient, localStack, peekQueue, readUtcDaysSince, sendTo, sqsClient, startTestRuntime, submittedEvent, testConfig, uniqueTenant, visibleCount, waitFor } from './harness.js';

const tenant = uniqueTenant('ingest');
const config = testConfig([tenant]);
const client = documentClient();
const { tableName, deadLetterUrls, queueUrls } = localStack();
const claims = new ClaimStore(client, tableName, config.shardCount);
let runtime: Runtime;
let deliveries: DeliveryLog;

beforeAll(async () => {
  ({ runtime, deliveries } = await startTestRuntime(config));
});
afterAll(async () => {
  await runtime.stop();
});

const historyOf = async (claimId: string) => {
  const { Items = [] } = await client.send(
    new QueryCommand({
      TableName: tableName,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :event)',
      ExpressionAttributeValues: { ':pk': claimKey(tenant, claimId).pk, ':event': 'EVENT#' },
    }),
  );
  return Items;
};

describe('ingest queue → ingest-claim-events → table', () => {
  it('applies a claim event sent to the queue: the claim and its history entry are written', async () => {
    await sendTo('ingest', submittedEvent(tenant, 'CLM-1001'));
    const stored = await waitFor(() => claims.get(tenant, 'CLM-1001'), 20_000, 'the claim');
    expect(stored.claim).toMatchObject({ status: 'submitted', open: true, serviceThrough: '2026-09-28', money: { billedCents: 25_000, payerBalanceCents: 25_000 } });
    expect(stored.version).toBe(1);
    expect(await historyOf('CLM-1001')).toHaveLength(1);
  });

  it('changes nothing when the same event arrives twice', async () => {
    const event = submittedEvent(tenant, 'CLM-1002');
    await sendTo('ingest', event);
    await sendTo('ingest', event);
    await waitFor(async () => (deliveries.attempts.get(event.eventId) === 2 ? true : undefined), 20_000, 'both deliveries');
    expect(deliveries.failures.get(event.eventId)).toBeUndefined();
    expect((await claims.get(tenant, 'CLM-1002'))?.version).toBe(1);
    expect(await historyOf('CLM-1002')).toHaveLength(1);
  });

  it('records an invalid event as rejected, naming the field, and does not retry it', async () => {
    const bad = submittedEvent(tenant, 'CLM-1003');
    (bad.payload as { serviceDate: unknown }).serviceDate = { from: '2026-02-30', through: '2026-09-28' };
    const since = new Date().toISOString();
    await sendTo('ingest', bad);
    const rejected = new RejectedEventStore(client, tableName);
    const records = await waitFor(async () => {
      const found = await readUtcDaysSince(since, (day) => rejected.list(tenant, day));
      return found.length > 0 ? found : undefined;
    }, 20_000, 'the rejected-event record');
    expect(records[0]).toMatchObject({ reason: 'schema' });
    expect(records[0]!.detail).toContain('payload.serviceDate.from');
    expect(await claims.get(tenant, 'CLM-1003')).toBeUndefined();
    expect(await peekQueue(deadLetterUrls.ingest)).toEqual([]);
  });

  it(`moves a message that always fails to the dead-letter queue after maxReceiveCount (${queues.ingest.maxReceiveCount}) receives`, async () => {
    // A stored claim the consumer cannot read: our data is damaged, not the event, so the event is retried, not rejected.
    await client.send(new PutCommand({ TableName: tableName, Item: { ...claimKey(tenant, 'CLM-BROKEN'), claim: 'not a claim', version: 'x' } }));
    const event = submittedEvent(tenant, 'CLM-BROKEN');
    await sendTo('ingest', event);
    const deadLetters = await waitFor(async () => {
      const messages = await peekQueue(deadLetterUrls.ingest);
      return messages.length > 0 ? messages : undefined;
    }, 60_000, 'the dead-letter queue');
    expect(JSON.parse(deadLetters[0]!.body).eventId).toBe(event.eventId);
    expect(await visibleCount(queueUrls.ingest)).toBe(0);
    // The real handler was given it exactly maxReceiveCount times and failed each time.
    expect(deliveries.attempts.get(event.eventId)).toBe(queues.ingest.maxReceiveCount);
    expect(deliveries.failures.get(event.eventId)).toBe(queues.ingest.maxReceiveCount);
  });

  it('processes a dead-lettered message once the cause is fixed and it is redriven', async () => {
    // The operator repairs the damaged item, then moves the dead letters back (README: dead-letter redrive).
    await client.send(new DeleteCommand({ TableName: tableName, Key: claimKey(tenant, 'CLM-BROKEN') }));
    const sqs = sqsClient();
    expect(await redrive(sqs, deadLetterUrls.ingest, queueUrls.ingest)).toBeGreaterThanOrEqual(1);
    sqs.destroy();
    const stored = await waitFor(() => claims.get(tenant, 'CLM-BROKEN'), 20_000, 'the redriven claim');
    expect(stored.claim.status).toBe('submitted');
    expect(await peekQueue(deadLetterUrls.ingest)).toEqual([]);
  });
});

// npm run bench:ingest — claim events through the ingest queue and the real consumer, against the raw
// transactional-write throughput of the same DynamoDB Local, with the same item sizes, measured in the same run;
// then the cost of one more event on a claim that already has 1,000 events vs one that has 5.
// Last line: {"bench":"ingest","events":N,"eventsPerSec":x,"rawTxWritesPerSec":y,"ratio":x/y,"msPerEventAt5":a,
// "msPerEventAt1000":b,"longHistoryRatio":b/a,"msPerLateEventAt1000":c}
import '../local/quiet-warnings.js';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { SendMessageBatchCommand, SQSClient } from '@aws-sdk/client-sqs';
import { parseArgs } from 'node:util';
import { benchConfig } from './bench-config.js';
import { rawIngestRate } from './raw-ingest.js';
import { ClaimStore } from '../functions/store/claim-store.js';
import { claimEvent, type ClaimEvent } from '../functions/domain/claim-events.js';
import { ingestClaimEvent } from '../functions/services/ingest-claim-event.js';
import { demoClaimEvents } from '../local/demo-data.js';
import { localClientConfig, startLocalStack } from '../local/emulators.js';
import { cacheDir } from '../local/paths.js';
import { startRuntime } from '../local/runtime.js';

const { values: args } = parseArgs({ options: { claims: { type: 'string', default: '2500' }, concurrency: { type: 'string', default: '3' } } });
const claimCount = Number(args.claims);
const pollers = Number(args.concurrency);
const tenantId = 'bench-ingest';
const config = benchConfig([tenantId]);
const log = (message: string): void => console.error(message);

const warmUp = async (client: DynamoDBDocumentClient, tableName: string): Promise<void> => {
  let next = 0;
  await Promise.all(
    Array.from({ length: 16 }, async () => {
      for (let i = next++; i < 3000; i = next++) {
        const key = { pk: `T#warmup#CLAIM#${i}`, sk: 'CLAIM' };
        await client.send(new TransactWriteCommand({ TransactItems: [{ Put: { TableName: tableName, Item: { ...key, sk: 'EVENT#1' } } }, { Put: { TableName: tableName, Item: key } }] }));
        await client.send(new GetCommand({ TableName: tableName, Key: key, ConsistentRead: true }));
      }
    }),
  );
};

const stack = await startLocalStack({ cacheDir });
try {
  const client = DynamoDBDocumentClient.from(new DynamoDBClient(localClientConfig(stack.endpoints.dynamodb)), { marshallOptions: { removeUndefinedValues: true } });
  const sqs = new SQSClient({ ...localClientConfig(stack.endpoints.sqs), useQueueUrlAsEndpoint: false });
  // In the order they happened, as a clearinghouse would send them: a claim's events arrive days apart.
  const events = [...demoClaimEvents({ tenantId, claims: claimCount, today: '2026-11-20', seed: 3 })].flat().sort((a, b) => Date.parse(a.occurredAt) - Date.parse(b.occurredAt));
  log(`${events.length} events for ${claimCount} claims; ingest with ${pollers} concurrent batches of up to 25…`);

  // DynamoDB Local runs on the JVM: warm it up first, so neither measurement pays for the JIT.
  await warmUp(client, stack.tableName);

  // 1. Through the queue and the real consumer.
  let processed = 0;
  let failed = 0;
  let finished: () => void = () => undefined;
  const done = new Promise<void>((resolve) => (finished = resolve));
  const runtime = await startRuntime({
    stack,
    config,
    concurrency: { ingest: pollers, aging: 1, notifications: 1 },
    retryAfterSeconds: 1,
    onBatch: (queue, { delivered, failed: failures }) => {
      if (queue !== 'ingest') return;
      processed += delivered.length - failures.size;
      failed += failures.size;
      if (processed >= events.length) finished();
    },
  });
  const began = performance.now();
  for (let i = 0; i < events.length; i += 10) {
    const chunk = events.slice(i, i + 10);
    await sqs.send(new SendMessageBatchCommand({ QueueUrl: stack.queueUrls.ingest, Entries: chunk.map((e, j) => ({ Id: String(j), MessageBody: JSON.stringify(e) })) }));
  }
  await done;
  const ingestSeconds = (performance.now() - began) / 1000;
  await runtime.stop();
  const eventsPerSec = events.length / ingestSeconds;
  log(`ingest: ${events.length} events in ${ingestSeconds.toFixed(1)} s = ${eventsPerSec.toFixed(0)}/s (${failed} deliveries retried)`);

  // Item sizes as written: the average claim item and history entry of this run.
  const store = new ClaimStore(client, stack.tableName, config.shardCount);
  const sample = await store.current(tenantId, events[0]!.payload.claimId);
  const claimItemBytes = JSON.stringify({ claim: sample.state, fold: sample.fold }).length;
  const markerBytes = JSON.stringify({ kind: 'claim-event-id', occurredAt: events[0]!.occurredAt, digest: 'x'.repeat(64) }).length;
  const eventItemBytes = Math.round(events.reduce((sum, e) => sum + JSON.stringify(e).length, 0) / events.length);

  // 2. The raw limit: the same three-item transaction (id marker, history entry, claim item), as fast as DynamoDB Local takes it.
  const rawAt = (concurrency: number, count: number): Promise<number> => rawIngestRate(client, stack.tableName, { markerBytes, eventItemBytes, claimItemBytes }, concurrency, count);
  let rawTxWritesPerSec = 0;
  for (const concurrency of [8, 16, 32]) {
    const rate = await rawAt(concurrency, Math.min(4000, events.length));
    log(`raw TransactWriteItems (3 items: ${markerBytes} B + ${eventItemBytes} B + ${claimItemBytes} B) at concurrency ${concurrency}: ${rate.toFixed(0)}/s`);
    rawTxWritesPerSec = Math.max(rawTxWritesPerSec, rate);
  }

  // 3. One more event on a claim with a long history vs a short one: the claim item is bounded, so the cost should not
  // grow with the history. Four claims of each, one event in flight per claim (no races), each a fresh read + write.
  const direct = { isKnownTenant: () => true, receivedAt: '2026-11-21T00:00:00Z' };
  const base = events.find((e) => e.type === 'claim.submitted')!;
  const noteAt = (claimId: string, n: number, at: number): ClaimEvent =>
    claimEvent.parse({ eventId: `${claimId}-n${n}`, tenantId, type: 'note.added', occurredAt: new Date(at).toISOString(), source: 'bench', schemaVersion: 1, payload: { claimId, text: `note ${n} `.padEnd(400, 'x') } });
  const seedClaim = async (claimId: string, prior: number): Promise<void> => {
    const t0 = Date.parse('2026-10-01T00:00:00Z');
    let { after } = await ingestClaimEvent(store, claimEvent.parse({ ...base, eventId: `${claimId}-submitted`, payload: { ...base.payload, claimId } }), direct);
    for (let n = 1; n < prior; n++) ({ after } = await ingestClaimEvent(store, noteAt(claimId, n, t0 + n * 60_000), direct, after));
  };
  const perClaim = 4;
  const measured = 100;
  const claimsWith = (prior: number): string[] => Array.from({ length: perClaim }, (_, i) => `hist-${prior}-${i}`);
  log(`seeding ${perClaim} claims with 5 events and ${perClaim} with 1,000…`);
  await Promise.all([...claimsWith(5), ...claimsWith(1000)].map((id) => seedClaim(id, id.startsWith('hist-5-') ? 5 : 1000)));
  const msPerEvent = async (prior: number, late: boolean): Promise<number> => {
    const start = performance.now();
    await Promise.all(
      claimsWith(prior).map(async (claimId) => {
        // In order: after every event so far (Nov); late: before them (Sep 30), so the claim is folded again.
        const at = late ? Date.parse('2026-09-30T12:00:00Z') : Date.parse('2026-11-01T00:00:00Z');
        for (let n = 0; n < (late ? 5 : measured); n++) await ingestClaimEvent(store, claimEvent.parse({ ...noteAt(claimId, 5000 + n + (late ? 500 : 0), at + n * 1000), type: 'claim.status', payload: { claimId, categoryCode: 'P1', statusCode: '20', statusOn: new Date(at).toISOString().slice(0, 10) } }), direct);
      }),
    );
    return (performance.now() - start) / (perClaim * (late ? 5 : measured));
  };
  const msPerEventAt5 = await msPerEvent(5, false);
  const msPerEventAt1000 = await msPerEvent(1000, false);
  const msPerLateEventAt1000 = await msPerEvent(1000, true);
  log(`one more event: ${msPerEventAt5.toFixed(2)} ms on a claim with 5 events, ${msPerEventAt1000.toFixed(2)} ms with 1,000 (${(msPerEventAt1000 / msPerEventAt5).toFixed(2)}x); a late one with 1,000: ${msPerLateEventAt1000.toFixed(1)} ms (the claim folded again)`);

  client.destroy();
  sqs.destroy();
  const round = (n: number): number => Math.round(n * 100) / 100;
  console.log(
    JSON.stringify({
      bench: 'ingest',
      events: events.length,
      eventsPerSec: round(eventsPerSec),
      rawTxWritesPerSec: round(rawTxWritesPerSec),
      ratio: round(eventsPerSec / rawTxWritesPerSec),
      msPerEventAt5: round(msPerEventAt5),
      msPerEventAt1000: round(msPerEventAt1000),
      longHistoryRatio: round(msPerEventAt1000 / msPerEventAt5),
      msPerLateEventAt1000: round(msPerLateEventAt1000),
    }),
  );
} finally {
  await stack.stop();
}

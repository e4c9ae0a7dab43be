// npm run bench:ingest — claim events through the ingest queue and the real consumer, against the raw
// transactional-write throughput of the same DynamoDB Local, with the same item sizes, measured in the same run.
// Last line: {"bench":"ingest","events":N,"eventsPerSec":x,"rawTxWritesPerSec":y,"ratio":x/y}
import '../local/quiet-warnings.js';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { SendMessageBatchCommand, SQSClient } from '@aws-sdk/client-sqs';
import { parseArgs } from 'node:util';
import { benchConfig } from './bench-config.js';
import { ClaimStore } from '../functions/store/claim-store.js';
import { claimKey, openClaimIndexKey } from '../functions/store/keys.js';
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
  const eventItemBytes = Math.round(events.reduce((sum, e) => sum + JSON.stringify(e).length, 0) / events.length);
  const pad = (bytes: number): string => 'x'.repeat(bytes);

  // 2. The raw limit: the same two-item conditional transaction, as fast as DynamoDB Local takes it.
  const rawAt = async (concurrency: number, count: number): Promise<number> => {
    let next = 0;
    const start = performance.now();
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        for (let i = next++; i < count; i = next++) {
          await client.send(
            new TransactWriteCommand({
              TransactItems: [
                { Put: { TableName: stack.tableName, Item: { pk: `T#raw#CLAIM#${concurrency}-${i}`, sk: `EVENT#${i}`, body: pad(eventItemBytes) }, ConditionExpression: 'attribute_not_exists(pk)' } },
                {
                  Put: {
                    TableName: stack.tableName,
                    // The same item: its keys, its open-claims index entry and its size.
                    Item: { ...claimKey('raw', `${concurrency}-${i}`), ...openClaimIndexKey('raw', i % 8, `${concurrency}-${i}`), claim: pad(claimItemBytes), version: 1 },
                    ConditionExpression: 'attribute_not_exists(pk)',
                  },
                },
              ],
            }),
          );
        }
      }),
    );
    return count / ((performance.now() - start) / 1000);
  };
  let rawTxWritesPerSec = 0;
  for (const concurrency of [8, 16, 32]) {
    const rate = await rawAt(concurrency, Math.min(4000, events.length));
    log(`raw TransactWriteItems (2 items: ${eventItemBytes} B + ${claimItemBytes} B) at concurrency ${concurrency}: ${rate.toFixed(0)}/s`);
    rawTxWritesPerSec = Math.max(rawTxWritesPerSec, rate);
  }
  client.destroy();
  sqs.destroy();
  const round = (n: number): number => Math.round(n * 100) / 100;
  console.log(JSON.stringify({ bench: 'ingest', events: events.length, eventsPerSec: round(eventsPerSec), rawTxWritesPerSec: round(rawTxWritesPerSec), ratio: round(eventsPerSec / rawTxWritesPerSec) }));
} finally {
  await stack.stop();
}

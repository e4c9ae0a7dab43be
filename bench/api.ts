// npm run bench:api — a 100k-claim tenant behind the local API: GET /work-items and POST /work-items/next at
// concurrency 16, against the raw DynamoDB Local latency of the same DynamoDB work per request (a listing: its index
// query; a lease: the biller's and the pool's index pages, the conditional lease write, the audit entry), and of the
// index query alone, measured in the same run.
// Then GET /queues on the same tenant against a raw single-item read, and POST /config/settings/preview (a stricter
// timely-filing rule and an assignment rule) over the same claims against a real night over them, through the queues
// and shard workers (the claims are loaded as a first night leaves them, so it is the usual quiet night).
// Last line: {"bench":"api","p50Ms":..,"p99Ms":..,"rps":..,"rawQueryP99Ms":..,"p99Ratio":..,"rawSameWorkP99Ms":..,"sameWorkP99Ratio":..,
// "queuesP99Ms":..,"rawGetItemP99Ms":..,"queuesP99Ratio":..,"queuesNearItems":..,"queuesNearAttributes":..,"previewMs":..,"nightlyMs":..,"previewToNightlyRatio":..}
import '../local/quiet-warnings.js';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { BatchWriteCommand, DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { Presets, SingleBar } from 'cli-progress';
import { parseArgs } from 'node:util';
import { ageOf, bucketOf } from '../functions/domain/aging.js';
import { localDateAt } from '../functions/domain/calendar.js';
import { claimFromEvents, foldEvents, isClaim } from '../functions/domain/claim.js';
import { shardOf } from '../functions/domain/shards.js';
import { followUpQueues, tenantSettings } from '../functions/domain/tenant-settings.js';
import { planWorkItem } from '../functions/domain/work-item.js';
import { benchConfig } from './bench-config.js';
import { tableDesign } from '../functions/shared/resources.js';
import { assigneeIndexKey, auditKey, claimKey, openClaimIndexKey, queueIndexKey, queueTotalsKey, workItemKey } from '../functions/store/keys.js';
import { leaseCounter } from '../functions/domain/queue-totals.js';
import { rankKey, WorkItemStore } from '../functions/store/work-item-store.js';
import { startApiServer, stopServer } from '../local/api-server.js';
import { createDevAuth } from '../local/dev-auth.js';
import { demoClaimEvents } from '../local/demo-data.js';
import { localClientConfig, startLocalStack } from '../local/emulators.js';
import { runNight } from '../local/nightly-driver.js';
import { cacheDir } from '../local/paths.js';
import { freePort } from '../local/processes.js';
import { startRuntime } from '../local/runtime.js';

const { values: args } = parseArgs({ options: { claims: { type: 'string', default: '100000' }, requests: { type: 'string', default: '4000' } } });
const claimCount = Number(args.claims);
const requestCount = Number(args.requests);
const concurrency = 16;
const tenantId = 'bench-api';
const config = benchConfig([tenantId]);
// The tenant's today, as the API reckons it: the preview plans on it (never on a past date), and so does the night.
const today = localDateAt(new Date().toISOString(), config.tenants[0]!.timeZone);
const settings = tenantSettings.parse({});
const log = (message: string): void => console.error(message);

const percentile = (sorted: number[], p: number): number => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;

const stack = await startLocalStack({ cacheDir });
const client = DynamoDBDocumentClient.from(new DynamoDBClient(localClientConfig(stack.endpoints.dynamodb)), { marshallOptions: { removeUndefinedValues: true } });
try {
  // 1. The tenant: claims as ingest leaves them, and the work items a night would open (written directly: this
  //    benchmark is about the API, bench:nightly measures the night).
  const bar = new SingleBar({ format: 'Loading claims [{bar}] {value}/{total}', hideCursor: true, stream: process.stderr }, Presets.shades_classic);
  bar.start(claimCount, 0);
  const claims = demoClaimEvents({ tenantId, claims: claimCount, today, seed: 5, prefix: 'API' });
  let workItems = 0;
  const writer = async (): Promise<void> => {
    for (;;) {
      const batch: Record<string, unknown>[] = [];
      let read = 0;
      for (let next = claims.next(); !next.done; next = claims.next()) {
        read++;
        const state = claimFromEvents(tenantId, next.value[0]!.payload.claimId, next.value);
        if (!isClaim(state)) continue;
        const plan = planWorkItem(state, settings, today);
        // As a first night leaves them: the bucket stored, and claims with nothing left retired from the open-claims
        // index. So the night measured below is a quiet one, as most nights are.
        const open = state.inFollowUp && (plan !== undefined || state.open);
        const agingBucket = bucketOf(ageOf(state, today).days, settings.agingBuckets);
        batch.push({ ...claimKey(tenantId, state.claimId), ...(open ? openClaimIndexKey(tenantId, shardOf(state.claimId, config.shardCount), state.claimId) : {}), kind: 'claim', claim: JSON.stringify(state), fold: JSON.stringify(foldEvents(next.value)), version: next.value.length, agingBucket });
        if (plan) {
          workItems++;
          const rank = rankKey(plan, state.claimId);
          batch.push({ ...workItemKey(tenantId, state.claimId), ...queueIndexKey(tenantId, plan.queue, rank), ...assigneeIndexKey(tenantId, plan.assignee, rank), kind: 'work-item', tenantId, claimId: state.claimId, status: 'open', ...plan, reasons: JSON.stringify(plan.reasons), openedOn: today, updatedOn: today, version: 1 });
        }
        if (batch.length >= 24) break;
      }
      if (batch.length === 0) return;
      let request: Record<string, Array<{ PutRequest: { Item: Record<string, unknown> } }>> | undefined = { [stack.tableName]: batch.map((Item) => ({ PutRequest: { Item } })) };
      while (request && Object.keys(request).length) request = (await client.send(new BatchWriteCommand({ RequestItems: request }))).UnprocessedItems as typeof request;
      bar.increment(read);
    }
  };
  await Promise.all(Array.from({ length: 8 }, writer));
  bar.stop();
  log(`${claimCount} claims, ${workItems} open work items`);
  // The queue totals a night keeps as it opens the items (they were written directly here): counted from the indexes.
  const store = new WorkItemStore(client, stack.tableName);
  const rebuilt = await store.rebuildQueueTotals(tenantId, { settleMs: 0, today });
  log(`queue totals: ${rebuilt.slices} slices over ${rebuilt.items} items`);

  // 2. The API as a biller reaches it: token check, handler, table.
  const runtime = await startRuntime({ stack, config, concurrency: { ingest: 1, aging: 1, notifications: 1 } });
  const auth = await createDevAuth();
  const port = await freePort();
  const server = await startApiServer({ port, handler: runtime.handlers.api, auth });
  const tokens = await Promise.all(Array.from({ length: concurrency }, (_, i) => auth.sign({ sub: `bench-biller-${i}`, email: `b${i}@x.example`, roles: ['biller'], tenants: [tenantId] })));
  const queues = followUpQueues.filter((q) => q !== 'credit-balance');
  const drive = async (count: number, request: (worker: number, i: number) => Promise<Response>): Promise<{ latencies: number[]; seconds: number }> => {
    const latencies: number[] = [];
    let next = 0;
    const began = performance.now();
    await Promise.all(
      Array.from({ length: concurrency }, async (_, worker) => {
        for (let i = next++; i < count; i = next++) {
          const start = performance.now();
          const response = await request(worker, i);
          await response.arrayBuffer();
          if (response.status >= 400) throw new Error(`request failed: ${response.status}`);
          latencies.push(performance.now() - start);
        }
      }),
    );
    return { latencies, seconds: (performance.now() - began) / 1000 };
  };
  const base = `http://127.0.0.1:${port}`;
  const call = (worker: number, i: number) =>
    i % 2 === 0
      ? fetch(`${base}/work-items?tenant=${tenantId}&queue=${queues[i % queues.length]}&limit=50`, { headers: { authorization: `Bearer ${tokens[worker]}` } })
      : fetch(`${base}/work-items/next`, { method: 'POST', headers: { authorization: `Bearer ${tokens[worker]}`, 'content-type': 'application/json' }, body: '{}' });
  await drive(400, call); // warm-up: JIT on both sides
  const api = await drive(requestCount, call);
  // GET /queues: the near items of the tenant's queue totals, one query however many claims (after the leases above,
  // so their counters are there too).
  const queuesCall = (worker: number) => fetch(`${base}/queues?tenant=${tenantId}`, { headers: { authorization: `Bearer ${tokens[worker]}` } });
  await drive(200, queuesCall);
  // Its raw side, one consistent GetItem of one work item straight to DynamoDB Local at the same concurrency, is
  // measured in turns with it (8 rounds of each), so a change in the machine's load between them weighs on both.
  const someItem = (await store.pageQueue(tenantId, 'denials', 1)).items[0] ?? (await store.pageQueue(tenantId, 'no-response', 1)).items[0]!;
  const getItem = () => client.send(new GetCommand({ TableName: stack.tableName, Key: workItemKey(tenantId, someItem.claimId), ConsistentRead: true }));
  const rounds = 8;
  const queueSummary = { latencies: [] as number[] };
  const singleReads: number[] = [];
  for (let round = 0; round < rounds; round++) {
    queueSummary.latencies.push(...(await drive(requestCount / 2 / rounds, queuesCall)).latencies);
    singleReads.push(...(await drive(requestCount / 2 / rounds, async () => (await getItem(), new Response(null)))).latencies);
  }
  // What GET /queues read: the near items and their attributes (DynamoDB Local's cost follows the attributes).
  const nearItems = (await client.send(new QueryCommand({ TableName: stack.tableName, KeyConditionExpression: '#pk = :pk AND begins_with(#sk, :near)', ExpressionAttributeNames: { '#pk': tableDesign.partitionKey, '#sk': tableDesign.sortKey }, ExpressionAttributeValues: { ':pk': queueTotalsKey(tenantId)[tableDesign.partitionKey], ':near': 'NEAR#' }, ConsistentRead: true }))).Items ?? [];
  const nearAttributes = nearItems.reduce((sum, item) => sum + Object.keys(item).length, 0);
  log(`GET /queues read ${nearItems.length} near items, ${nearAttributes} attributes (${nearItems.filter((item) => Object.keys(item).some((name) => name.startsWith('l_'))).length} with leases: ${nearItems.reduce((sum, item) => sum + Object.keys(item).filter((name) => name.startsWith('l_')).length, 0)} lease counters)`);
  await stopServer(server);
  await runtime.stop();

  // 3. The raw limits, straight to DynamoDB Local at the same concurrency: the index query alone, and the same
  //    DynamoDB work each request does (so the ratio is our overhead, not work the raw side skips).
  const index = tableDesign.indexes.workQueue;
  const assigneeIndex = tableDesign.indexes.assigneeQueue;
  const indexPage = (name: string, key: string, partition: string, limit: number) =>
    client.send(new QueryCommand({ TableName: stack.tableName, IndexName: name, KeyConditionExpression: '#q = :q', ExpressionAttributeNames: { '#q': key }, ExpressionAttributeValues: { ':q': partition }, Limit: limit }));
  const queuePage = (i: number) => indexPage(index.name, index.partitionKey, queueIndexKey(tenantId, queues[i % queues.length]!, '')[index.partitionKey]!, 50);
  const measure = async (request: (worker: number, i: number) => Promise<unknown>): Promise<number[]> => {
    const latencies: number[] = [];
    let next = 0;
    await Promise.all(
      Array.from({ length: concurrency }, async (_, worker) => {
        for (let i = next++; i < requestCount; i = next++) {
          const start = performance.now();
          await request(worker, i);
          latencies.push(performance.now() - start);
        }
      }),
    );
    return latencies;
  };
  const rawLatencies = await measure((_, i) => queuePage(i));
  // A lease as takeNext does it: the biller's and the pool's first pages at once, then the conditional write on the
  // best item of the pool page (an item of its own per request, as the API's leases each take another), then the audit.
  let leaseCursor: Record<string, unknown> | undefined;
  const leasable: string[] = [];
  while (leasable.length < requestCount) {
    const page = await client.send(new QueryCommand({ TableName: stack.tableName, IndexName: assigneeIndex.name, KeyConditionExpression: '#a = :a', ExpressionAttributeNames: { '#a': assigneeIndex.partitionKey }, ExpressionAttributeValues: { ':a': assigneeIndexKey(tenantId, 'pool', '')[assigneeIndex.partitionKey] }, ExclusiveStartKey: leaseCursor, ProjectionExpression: 'claimId' }));
    leasable.push(...(page.Items ?? []).map((item) => item.claimId as string));
    leaseCursor = page.LastEvaluatedKey;
    if (!leaseCursor) break;
  }
  const sameWorkLatencies = await measure(async (worker, i) => {
    if (i % 2 === 0) return queuePage(i);
    await Promise.all([
      indexPage(assigneeIndex.name, assigneeIndex.partitionKey, assigneeIndexKey(tenantId, `biller:raw-${worker}`, '')[assigneeIndex.partitionKey]!, 25),
      indexPage(assigneeIndex.name, assigneeIndex.partitionKey, assigneeIndexKey(tenantId, 'pool', '')[assigneeIndex.partitionKey]!, 25),
    ]);
    const now = new Date();
    const claimId = leasable[i % leasable.length]!;
    const until = new Date(now.getTime() + 1_000).toISOString();
    await client
      .send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Update: {
                TableName: stack.tableName,
                Key: workItemKey(tenantId, claimId),
                UpdateExpression: 'SET leasedBy = :me, leaseExpiresAt = :until',
                ConditionExpression: '#status = :open AND (attribute_not_exists(leasedBy) OR leaseExpiresAt <= :now OR leasedBy = :me)',
                ExpressionAttributeNames: { '#status': 'status' },
                ExpressionAttributeValues: { ':me': `raw-${worker}`, ':until': until, ':now': now.toISOString(), ':open': 'open' },
              },
            },
            {
              Update: {
                TableName: stack.tableName,
                // As the store does: a queue's lease counters are in its slice 0 near item.
                Key: queueTotalsKey('bench-raw', 'denials', 0),
                UpdateExpression: 'ADD #lease :one',
                ExpressionAttributeNames: { '#lease': leaseCounter(until) },
                ExpressionAttributeValues: { ':one': 1 },
              },
            },
          ],
        }),
      )
      .catch(() => undefined);
    const at = now.toISOString();
    await client.send(new PutCommand({ TableName: stack.tableName, Item: { ...auditKey(tenantId, at.slice(0, 10), at, `raw-${worker}-${i}`), kind: 'audit', tenantId, userId: `raw-${worker}`, action: 'take-work', claimId, at, requestId: `raw-${worker}-${i}` } }));
  });

  // 4. The settings preview over every open claim, then a real night over the same claims on the same date, on a
  //    runtime whose shard workers run at once, as their Lambdas do (the preview reads its shards at once too).
  const nightly = await startRuntime({ stack, config, concurrency: { ingest: 1, aging: config.shardCount, notifications: 1 } });
  const previewServer = await startApiServer({ port, handler: nightly.handlers.api, auth });
  const admin = await auth.sign({ sub: 'bench-admin', email: 'admin@x.example', roles: ['admin'], tenants: [tenantId] });
  const proposal = {
    ...settings,
    payerRules: [{ payerType: 'commercial', participating: true, effectiveFrom: '2020-01-01', limits: { timelyFiling: { amount: 30, unit: 'days' } } }],
    assignmentRules: [{ queue: 'denials', assignee: 'team:denials' }],
  };
  const previewBegan = performance.now();
  const previewResponse = await fetch(`${base}/config/settings/preview?tenant=${tenantId}&asOf=${today}`, { method: 'POST', headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' }, body: JSON.stringify(proposal) });
  const preview = (await previewResponse.json()) as { claims: number; movements: Array<{ count: number }>; assignees: { changed: number }; deadlines: { earlier: number; becomePastDue: number } };
  const previewMs = performance.now() - previewBegan;
  if (previewResponse.status !== 200) throw new Error(`preview failed: ${previewResponse.status} ${JSON.stringify(preview)}`);
  log(
    `preview: ${preview.claims} claims in ${(previewMs / 1000).toFixed(1)} s: ${preview.movements.reduce((n, m) => n + m.count, 0)} would move, ` +
      `${preview.assignees.changed} reassigned, ${preview.deadlines.earlier} deadlines earlier (${preview.deadlines.becomePastDue} past due)`,
  );
  const nightBegan = performance.now();
  const [nightRun] = await runNight(nightly.startNightly, client, stack.tableName, config.tenants, today, 30 * 60_000);
  const nightlyMs = performance.now() - nightBegan;
  log(`night ${today}: ${nightRun!.run.counts.claimsAged ?? 0} claims aged in ${(nightlyMs / 1000).toFixed(1)} s, ${nightRun!.run.counts.writes ?? 0} writes`);
  await stopServer(previewServer);
  await nightly.stop();
  const sorted = api.latencies.sort((a, b) => a - b);
  const queueSorted = queueSummary.latencies.sort((a, b) => a - b);
  const single = singleReads.sort((a, b) => a - b);
  const raw = rawLatencies.sort((a, b) => a - b);
  const sameWork = sameWorkLatencies.sort((a, b) => a - b);
  const round = (n: number): number => Math.round(n * 100) / 100;
  log(`api: ${requestCount} requests (half GET /work-items, half POST /work-items/next) in ${api.seconds.toFixed(1)} s, p50 ${round(percentile(sorted, 50))} ms, p99 ${round(percentile(sorted, 99))} ms`);
  log(`GET /queues: p50 ${round(percentile(queueSorted, 50))} / p99 ${round(percentile(queueSorted, 99))} ms; raw single-item read p50 ${round(percentile(single, 50))} / p99 ${round(percentile(single, 99))} ms`);
  log(`raw: the index query alone p50 ${round(percentile(raw, 50))} / p99 ${round(percentile(raw, 99))} ms; the same DynamoDB work per request p50 ${round(percentile(sameWork, 50))} / p99 ${round(percentile(sameWork, 99))} ms`);
  console.log(
    JSON.stringify({
      bench: 'api',
      p50Ms: round(percentile(sorted, 50)),
      p99Ms: round(percentile(sorted, 99)),
      rps: round(requestCount / api.seconds),
      rawQueryP99Ms: round(percentile(raw, 99)),
      p99Ratio: round(percentile(sorted, 99) / percentile(raw, 99)),
      rawSameWorkP99Ms: round(percentile(sameWork, 99)),
      sameWorkP99Ratio: round(percentile(sorted, 99) / percentile(sameWork, 99)),
      queuesP99Ms: round(percentile(queueSorted, 99)),
      rawGetItemP99Ms: round(percentile(single, 99)),
      queuesP99Ratio: round(percentile(queueSorted, 99) / percentile(single, 99)),
      queuesNearItems: nearItems.length,
      queuesNearAttributes: nearAttributes,
      previewMs: Math.round(previewMs),
      nightlyMs: Math.round(nightlyMs),
      previewToNightlyRatio: round(previewMs / nightlyMs),
    }),
  );
} finally {
  client.destroy();
  await stack.stop();
}

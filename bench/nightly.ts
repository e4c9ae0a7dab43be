// npm run bench:nightly — a night over 10k and over 100k claims through the real queues and shard workers, a quiet
// second night after changing 2% of the claims, and the raw DynamoDB Local limit for the same reads and writes,
// all in one run. Last line: one JSON object with the figures and ratios.
import '../local/quiet-warnings.js';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { BatchGetCommand, BatchWriteCommand, DynamoDBDocumentClient, PutCommand, QueryCommand, TransactWriteCommand, type PutCommandInput, type TransactWriteCommandInput } from '@aws-sdk/lib-dynamodb';
import { Presets, SingleBar } from 'cli-progress';
import { parseArgs } from 'node:util';
import { addDays } from '../functions/domain/calendar.js';
import { claimFromEvents, foldEvents, isClaim } from '../functions/domain/claim.js';
import type { ClaimEvent } from '../functions/domain/claim-events.js';
import { shardOf } from '../functions/domain/shards.js';
import { benchConfig } from './bench-config.js';
import { tableDesign } from '../functions/shared/resources.js';
import { ingestClaimEvent } from '../functions/services/ingest-claim-event.js';
import { ClaimStore } from '../functions/store/claim-store.js';
import { assigneeIndexKey, claimKey, openClaimIndexKey, queueIndexKey, queueTotalsKey, workItemKey } from '../functions/store/keys.js';
import { queueTotalSlices } from '../functions/store/work-item-store.js';
import { RunStore } from '../functions/store/run-store.js';
import { TenantSettingsStore } from '../functions/store/tenant-settings-store.js';
import { demoClaimEvents } from '../local/demo-data.js';
import { localClientConfig, startLocalStack } from '../local/emulators.js';
import { runNight, type NightSummary } from '../local/nightly-driver.js';
import { cacheDir } from '../local/paths.js';
import { startRuntime } from '../local/runtime.js';
import { demoSettings } from '../local/seed.js';

const { values: args } = parseArgs({ options: { small: { type: 'string', default: '10000' }, large: { type: 'string', default: '100000' } } });
const sizes = { small: Number(args.small), large: Number(args.large) };
const shardCount = 8;
const night = '2026-11-21';
const tenants = { small: 'bench-small', large: 'bench-large' } as const;
const config = benchConfig(Object.values(tenants), shardCount);
const log = (message: string): void => console.error(message);
const bar = (label: string) => new SingleBar({ format: `${label} [{bar}] {value}/{total}`, hideCursor: true, stream: process.stderr }, Presets.shades_classic);
const gc = (): void => (globalThis as { gc?: () => void }).gc?.();

const stack = await startLocalStack({ cacheDir });
const client = DynamoDBDocumentClient.from(new DynamoDBClient(localClientConfig(stack.endpoints.dynamodb)), { marshallOptions: { removeUndefinedValues: true } });
const T = stack.tableName;

/** Writes claim items the way ingest leaves them (claim and its fold as JSON, in the open-claims index), 25 at a time. */
const seed = async (tenantId: string, count: number): Promise<void> => {
  const progress = bar(`Seeding ${tenantId}`);
  progress.start(count, 0);
  const claims = demoClaimEvents({ tenantId, claims: count, today: night, seed: count, prefix: `B${count}` });
  const worker = async (): Promise<void> => {
    for (;;) {
      const batch: Record<string, unknown>[] = [];
      for (let next = claims.next(); !next.done; next = claims.next()) {
        const events = next.value;
        const state = claimFromEvents(tenantId, events[0]!.payload.claimId, events);
        if (!isClaim(state)) continue;
        batch.push({
          ...claimKey(tenantId, state.claimId),
          ...(state.inFollowUp ? openClaimIndexKey(tenantId, shardOf(state.claimId, shardCount), state.claimId) : {}),
          kind: 'claim',
          claim: JSON.stringify(state),
          fold: JSON.stringify(foldEvents(events)),
          version: events.length,
        });
        if (batch.length === 25) break;
      }
      if (batch.length === 0) return;
      let request: Record<string, Array<{ PutRequest: { Item: Record<string, unknown> } }>> | undefined = { [T]: batch.map((Item) => ({ PutRequest: { Item } })) };
      while (request && Object.keys(request).length) request = (await client.send(new BatchWriteCommand({ RequestItems: request }))).UnprocessedItems as typeof request;
      progress.increment(batch.length);
    }
  };
  await Promise.all(Array.from({ length: 8 }, worker));
  progress.stop();
  await new TenantSettingsStore(client, T).put(tenantId, demoSettings, 'bench', new Date().toISOString());
};

/** A night for one tenant, with its peak resident memory sampled every 50 ms. */
const measureNight = async (start: Parameters<typeof runNight>[0], tenantId: string, date: string): Promise<{ summary: NightSummary; seconds: number; peakRssMb: number }> => {
  gc();
  let peak = process.memoryUsage().rss;
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 50);
  const runs = new RunStore(client, T);
  const progress = bar(`Night ${date} ${tenantId} (shards)`);
  progress.start(shardCount, 0);
  const watcher = setInterval(() => void runs.get(tenantId, date).then((run) => run && progress.update(run.finishedShards.length)), 500);
  const began = performance.now();
  const [summary] = await runNight(start, client, T, config.tenants.filter((t) => t.id === tenantId), date, 30 * 60_000);
  const seconds = (performance.now() - began) / 1000;
  clearInterval(watcher);
  clearInterval(sampler);
  progress.update(shardCount);
  progress.stop();
  return { summary: summary!, seconds, peakRssMb: Math.round(peak / 1024 / 1024) };
};

/**
 * The same reads (index pages, batched work-item reads) and the same writes, with no logic between: as many
 * work-item writes as the night made, in transactions with ADDs on a queue-totals slice's near and far items as the
 * store does on a first night (the writes of one moment grouped, as its group commit does), and the rest (aging
 * buckets, retired claims) as single conditional writes.
 */
const rawNightSeconds = async (tenantId: string, writes: number, workItemWrites: number, claims: number): Promise<number> => {
  const index = tableDesign.indexes.openClaimsByShard;
  const writesPerClaim = writes / claims;
  const transactionShare = writes > 0 ? workItemWrites / writes : 0;
  let owed = 0;
  let written = 0;
  const began = performance.now();
  await Promise.all(
    Array.from({ length: shardCount }, async (_, shard) => {
      // As the store's group commit: the transactional writes of one moment go together, up to 25 work items and
      // one ADD per totals item with their amounts summed. A first night's slices have no window yet: the count and
      // dollars go to the near item, the dated counters to the far one, on the condition that the window is still absent.
      const waiting: Array<{ put: PutCommandInput; slice: number; done: (error?: unknown) => void }> = [];
      let scheduled = false;
      const flush = (): void => {
        scheduled = false;
        const all = waiting.splice(0);
        for (let g = 0; g < all.length; g += 25) {
          const group = all.slice(g, g + 25);
          const bySlice = new Map<number, number>();
          for (const entry of group) bySlice.set(entry.slice, (bySlice.get(entry.slice) ?? 0) + 1);
          const totals = [...bySlice].flatMap(([slice, k]): NonNullable<TransactWriteCommandInput['TransactItems']> => [
            {
              Update: {
                TableName: T,
                Key: queueTotalsKey('raw', 'denials', slice, 'near'),
                UpdateExpression: 'ADD #rev :one, #count :k, #dollars :dollars',
                ExpressionAttributeNames: { '#rev': 'rev', '#count': 'count', '#dollars': 'dollarsCents' },
                ExpressionAttributeValues: { ':one': 1, ':k': k, ':dollars': 12_500 * k },
              },
            },
            {
              Update: {
                TableName: T,
                Key: queueTotalsKey('raw', 'denials', slice, 'far'),
                UpdateExpression: 'ADD #rev :one, #opened :k, #due :k, #overdue :k',
                ConditionExpression: 'attribute_not_exists(#nt) AND attribute_not_exists(#ot)',
                ExpressionAttributeNames: { '#rev': 'rev', '#opened': `o_${night}`, '#due': `d_${addDays(night, 30)}`, '#overdue': `v_${addDays(night, 7)}`, '#nt': 'nearThrough', '#ot': 'openedThrough' },
                ExpressionAttributeValues: { ':one': 1, ':k': k },
              },
            },
          ]);
          void client.send(new TransactWriteCommand({ TransactItems: [...group.map((entry) => ({ Put: entry.put })), ...totals] })).then(
            () => group.forEach((entry) => entry.done()),
            (error: unknown) => group.forEach((entry) => entry.done(error)),
          );
        }
      };
      const grouped = (put: PutCommandInput, slice: number): Promise<void> =>
        new Promise((resolve, reject) => {
          waiting.push({ put, slice, done: (error) => (error ? reject(error) : resolve()) });
          if (!scheduled) {
            scheduled = true;
            setImmediate(flush);
          }
        });
      let cursor: Record<string, unknown> | undefined;
      do {
        const page = await client.send(
          new QueryCommand({
            TableName: T,
            IndexName: index.name,
            KeyConditionExpression: '#s = :s',
            ExpressionAttributeNames: { '#s': index.partitionKey },
            ExpressionAttributeValues: { ':s': openClaimIndexKey(tenantId, shard, '')[index.partitionKey] },
            Limit: 200,
            ExclusiveStartKey: cursor,
          }),
        );
        const ids = (page.Items ?? []).map((item) => item[index.sortKey] as string);
        for (let i = 0; i < ids.length; i += 100) {
          await client.send(new BatchGetCommand({ RequestItems: { [T]: { Keys: ids.slice(i, i + 100).map((id) => workItemKey(tenantId, id)), ConsistentRead: true } } }));
        }
        owed += ids.length * writesPerClaim;
        const due = Math.floor(owed) - written;
        const first = written;
        written += due;
        let next = 0;
        await Promise.all(
          Array.from({ length: 16 }, async () => {
            for (let i = next++; i < due; i = next++) {
              const n = first + i;
              // A work item's size and its two index entries (queue and assignee).
              const put = {
                TableName: T,
                Item: {
                  pk: `T#raw#${shard}#${n}`,
                  sk: 'WORK',
                  ...queueIndexKey('raw', 'denials', `${shard}-${i}`),
                  ...assigneeIndexKey('raw', 'pool', `${shard}-${i}`),
                  body: 'x'.repeat(600),
                  version: 1,
                },
                ConditionExpression: 'attribute_not_exists(pk)',
              };
              // Spread the transactions evenly over the writes, in the night's proportion.
              const transactional = Math.floor((n + 1) * transactionShare) > Math.floor(n * transactionShare);
              if (!transactional) {
                await client.send(new PutCommand(put));
                continue;
              }
              await grouped(put, shardOf(`${shard}-${n}`, queueTotalSlices));
            }
          }),
        );
        cursor = page.LastEvaluatedKey;
      } while (cursor);
    }),
  );
  return (performance.now() - began) / 1000;
};

/** Changes 2% of the claims the way a day of remits and statuses would, through the ingest path. */
const changeTwoPercent = async (tenantId: string, count: number, date: string): Promise<number> => {
  const store = new ClaimStore(client, T, shardCount);
  const context = { isKnownTenant: () => true, receivedAt: `${date}T23:00:00Z` };
  const step = 50;
  let changed = 0;
  for (let n = 1; n <= count; n += step) {
    const claimId = `B${count}-${String(n).padStart(6, '0')}`;
    const history = await store.current(tenantId, claimId);
    const base = { tenantId, source: 'bench', schemaVersion: 1 as const, occurredAt: `${date}T12:00:00Z`, eventId: `bench-change-${n}` };
    const event: ClaimEvent =
      history.state?.status === 'denied'
        ? { ...base, type: 'claim.appealed', payload: { claimId, level: 'first', appealedOn: date } }
        : { ...base, type: 'claim.status', payload: { claimId, categoryCode: 'P1', statusCode: '20', statusOn: date } };
    await ingestClaimEvent(store, event, context);
    changed++;
  }
  return changed;
};

try {
  await seed(tenants.small, sizes.small);
  await seed(tenants.large, sizes.large);
  const runtime = await startRuntime({ stack, config, concurrency: { ingest: 1, aging: shardCount, notifications: 1 }, retryAfterSeconds: 2 });
  const small = await measureNight(runtime.startNightly, tenants.small, night);
  log(`10k night: ${small.summary.run.counts.claimsAged} claims in ${small.seconds.toFixed(1)} s, ${small.summary.run.counts.writes} writes, peak RSS ${small.peakRssMb} MB`);
  const large = await measureNight(runtime.startNightly, tenants.large, night);
  log(`100k night: ${large.summary.run.counts.claimsAged} claims in ${large.seconds.toFixed(1)} s, ${large.summary.run.counts.writes} writes, peak RSS ${large.peakRssMb} MB`);

  const changed = await changeTwoPercent(tenants.large, sizes.large, addDays(night, 1));
  const quiet = await measureNight(runtime.startNightly, tenants.large, addDays(night, 1));
  log(`quiet night after changing ${changed} claims: ${quiet.summary.run.counts.claimsAged} claims, ${quiet.summary.run.counts.writes ?? 0} writes in ${quiet.seconds.toFixed(1)} s`);
  await runtime.stop();

  const largeClaims = large.summary.run.counts.claimsAged ?? 0;
  const counts = large.summary.run.counts;
  const workItemWrites = Object.entries(counts).filter(([name]) => /^(opened|updated|closed):/.test(name)).reduce((sum, [, n]) => sum + n, 0);
  const rawSeconds = await rawNightSeconds(tenants.large, counts.writes ?? 0, workItemWrites, largeClaims);
  log(`raw: the same ${largeClaims} index reads, work-item reads and ${counts.writes} writes (${workItemWrites} of them work-item transactions with a totals slice) in ${rawSeconds.toFixed(1)} s`);

  const round = (n: number, places = 2): number => Math.round(n * 10 ** places) / 10 ** places;
  const claimsPerSec = largeClaims / large.seconds;
  console.log(
    JSON.stringify({
      bench: 'nightly',
      claims: largeClaims,
      claimsPerSec: round(claimsPerSec),
      claims10k: small.summary.run.counts.claimsAged,
      claimsPerSec10k: round((small.summary.run.counts.claimsAged ?? 0) / small.seconds),
      rawClaimsPerSec: round(largeClaims / rawSeconds),
      ratioToRaw: round(claimsPerSec / (largeClaims / rawSeconds)),
      quietNightWrites: quiet.summary.run.counts.writes ?? 0,
      quietNightWritesPerClaim: round((quiet.summary.run.counts.writes ?? 0) / (quiet.summary.run.counts.claimsAged ?? 1), 4),
      timeRatio100kTo10k: round(large.seconds / small.seconds),
      peakRssMb10k: small.peakRssMb,
      peakRssMb100k: large.peakRssMb,
      rssGrowthRatio: round(large.peakRssMb / small.peakRssMb),
    }),
  );
} finally {
  client.destroy();
  await stack.stop();
}

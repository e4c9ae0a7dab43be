// A night's run counts stay exact whatever crash or retry happens: a worker killed part-way through a page, a
// message delivered twice, a night killed and started again (with or without --rerun). Each case runs on a twin of a
// tenant that had one clean night on identical claims, and must end with the twin's counts and work items.
import { DeleteMessageCommand, ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CalendarDate } from '../../functions/domain/calendar.js';
import { claimEvent } from '../../functions/domain/claim-events.js';
import { followUpQueues } from '../../functions/domain/tenant-settings.js';
import type { WorkItemPlan } from '../../functions/domain/work-item.js';
import { agingShardMessage, type AgingShardMessage } from '../../functions/shared/messages.js';
import { ingestClaimEvent } from '../../functions/services/ingest-claim-event.js';
import { ageClaimsShard, startNightlyRun, type NightlyDeps, type ShardOutcome } from '../../functions/services/nightly-run.js';
import { ClaimStore, type StoredClaim } from '../../functions/store/claim-store.js';
import { RunStore } from '../../functions/store/run-store.js';
import { TenantSettingsStore } from '../../functions/store/tenant-settings-store.js';
import { WorkItemStore, type WorkItem } from '../../functions/store/work-item-store.js';
import { demoClaimEvents } from '../../local/demo-data.js';
import { directIngest, documentClient, localStack, sqsClient, uniqueTenant } from './harness.js';

const client = documentClient();
const { tableName, queueUrls } = localStack();
const sqs = sqsClient();
const runDate = '2026-11-21';
const timeZone = 'America/Chicago';
/** More than two pages of 200 in follow-up, so a shard has a first, a middle and a last segment. */
const claimCount = 1_100;

/** Stops every write once `after` writes went through: the worker process is dead from then on. */
class Kill {
  private writes = 0;
  constructor(private readonly after: number) {}
  check(): void {
    if (++this.writes > this.after) throw new Error('worker killed');
  }
}

class KillableClaims extends ClaimStore {
  constructor(private readonly kill: Kill) {
    super(client, tableName, 1);
  }
  override saveAgingBucket(stored: StoredClaim, bucket: string): Promise<boolean> {
    this.kill.check();
    return super.saveAgingBucket(stored, bucket);
  }
  override retire(stored: StoredClaim): Promise<boolean> {
    this.kill.check();
    return super.retire(stored);
  }
}

class KillableWorkItems extends WorkItemStore {
  constructor(private readonly kill: Kill) {
    super(client, tableName);
  }
  override open(tenantId: string, claimId: string, plan: WorkItemPlan, on: CalendarDate, previous?: WorkItem): Promise<boolean> {
    this.kill.check();
    return super.open(tenantId, claimId, plan, on, previous);
  }
  override update(item: WorkItem, plan: WorkItemPlan, on: CalendarDate): Promise<boolean> {
    this.kill.check();
    return super.update(item, plan, on);
  }
  override close(item: WorkItem, on: CalendarDate): Promise<boolean> {
    this.kill.check();
    return super.close(item, on);
  }
}

/** The nightly deps over one shard; with `killAfter`, a worker that dies after that many claim and work-item writes. */
const nightDeps = (killAfter?: number, runs: RunStore = new RunStore(client, tableName)): NightlyDeps => {
  const kill = new Kill(killAfter ?? Number.POSITIVE_INFINITY);
  return {
    claims: new KillableClaims(kill),
    workItems: new KillableWorkItems(kill),
    settings: new TenantSettingsStore(client, tableName),
    runs,
    sqs,
    agingQueueUrl: queueUrls.aging,
    notificationQueueUrl: queueUrls.notifications,
    shardCount: 1,
  };
};

/** Seeds identical claims (same ids, same history) into a tenant. */
const seed = async (tenant: string, claims = claimCount): Promise<void> => {
  const store = new ClaimStore(client, tableName, 1);
  const all = demoClaimEvents({ tenantId: tenant, claims, today: '2026-11-20', seed: 61, prefix: 'TWIN' });
  await Promise.all(
    Array.from({ length: 8 }, async () => {
      for (let next = all.next(); !next.done; next = all.next()) for (const event of next.value) await ingestClaimEvent(store, claimEvent.parse(event), directIngest);
    }),
  );
};

/** The next aging message of the tenant (each case knows one is due), taken off the queue. */
const receiveAging = async (tenant: string): Promise<AgingShardMessage> => {
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    const { Messages = [] } = await sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrls.aging, MaxNumberOfMessages: 1, WaitTimeSeconds: 1 }));
    for (const m of Messages) {
      const body = JSON.parse(m.Body!) as { tenantId: string };
      if (body.tenantId !== tenant) continue;
      await sqs.send(new DeleteMessageCommand({ QueueUrl: queueUrls.aging, ReceiptHandle: m.ReceiptHandle! }));
      return agingShardMessage.parse(body);
    }
  }
  throw new Error('no aging message came');
};

/** One page per invocation: plenty of time for the first, then the clock says 5 s are left. */
const onePage = (): (() => number) => {
  let calls = 0;
  return () => (calls++ === 0 ? 300_000 : 5_000);
};
const now = (): string => new Date().toISOString();

/** Works a message and every continuation it hands over, one page each, to the shard's end. */
const runChain = async (deps: NightlyDeps, tenant: string, first: AgingShardMessage): Promise<ShardOutcome> => {
  let outcome = await ageClaimsShard(deps, first, onePage(), now);
  while (outcome === 'continued') outcome = await ageClaimsShard(deps, await receiveAging(tenant), onePage(), now);
  return outcome;
};

const start = (tenant: string, rerun = false) => startNightlyRun(nightDeps(), { tenantId: tenant, timeZone, runDate, ...(rerun ? { rerun } : {}) }, now());

/** Claim id → queue, priority and assignee of every open work item. */
const storedWork = async (tenant: string): Promise<Map<string, string>> => {
  const items = new WorkItemStore(client, tableName);
  const found = new Map<string, string>();
  for (const queue of followUpQueues) for (const item of await items.listQueue(tenant, queue)) found.set(item.claimId, `${item.queue} ${item.priority} ${item.assignee}`);
  return found;
};

const countsOf = async (tenant: string): Promise<Record<string, number>> => {
  const run = await new RunStore(client, tableName).get(tenant, runDate);
  expect(run?.status).toBe('complete');
  return { ...run!.counts };
};
/** The night's figures, without run health (a retried night has retries, a clean one none). */
const figures = (counts: Record<string, number>): Record<string, number> => {
  const { shardRetries: _retries, ...rest } = counts;
  return rest;
};

const clean = uniqueTenant('counts-clean');
let cleanCounts: Record<string, number>;
let cleanWork: Map<string, string>;

beforeAll(async () => {
  await seed(clean);
  await start(clean);
  expect(await runChain(nightDeps(), clean, await receiveAging(clean))).toBe('run-complete');
  cleanCounts = await countsOf(clean);
  cleanWork = await storedWork(clean);
  // The clean night wrote a lot (every bucket, every work item is new), so a lost write shows.
  expect(cleanCounts.claimsAged).toBeGreaterThan(400);
  expect(cleanCounts.bucketChanged).toBeGreaterThan(400);
  expect(cleanCounts.writes).toBeGreaterThan(cleanCounts.bucketChanged!);
  expect(cleanCounts.shardRetries ?? 0).toBe(0);
});

afterAll(async () => {
  // The completed runs announced themselves; no sender runs in this file, so take the announcements off the queue.
  for (;;) {
    const { Messages = [] } = await sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrls.notifications, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }));
    const mine = Messages.filter((m) => (JSON.parse(m.Body!) as { tenantId?: string }).tenantId?.startsWith('it-counts-'));
    for (const m of mine) await sqs.send(new DeleteMessageCommand({ QueueUrl: queueUrls.notifications, ReceiptHandle: m.ReceiptHandle! }));
    if (mine.length === 0) break;
  }
  sqs.destroy();
});

describe('run counts after a crash or a retry', () => {
  it('a worker killed part-way through a page, then the message redelivered: the counts of a clean night', async () => {
    const tenant = uniqueTenant('counts-redeliver');
    await seed(tenant);
    await start(tenant);
    expect(await ageClaimsShard(nightDeps(), await receiveAging(tenant), onePage(), now)).toBe('continued');
    const second = await receiveAging(tenant);
    // The worker of the second page dies after 150 of its writes; the queue gives the message to the next worker.
    await expect(ageClaimsShard(nightDeps(150), second, onePage(), now)).rejects.toThrow('worker killed');
    expect(await runChain(nightDeps(), tenant, second)).toBe('run-complete');

    const counts = await countsOf(tenant);
    expect(figures(counts)).toEqual(figures(cleanCounts));
    expect(await storedWork(tenant)).toEqual(cleanWork);
    // Run health tells the managers the night had to redo work.
    expect(counts.shardRetries).toBeGreaterThanOrEqual(1);
  });

  it('a message delivered twice, the duplicate chain finishing first: the counts of a clean night', async () => {
    const tenant = uniqueTenant('counts-twice');
    await seed(tenant);
    await start(tenant);
    const first = await receiveAging(tenant);
    expect(await ageClaimsShard(nightDeps(), first, onePage(), now)).toBe('continued');
    const continuation = await receiveAging(tenant);
    // SQS delivers the first message again (at least once): its page is already written.
    expect(await ageClaimsShard(nightDeps(), first, onePage(), now)).toBe('continued');
    const duplicate = await receiveAging(tenant);
    expect(await runChain(nightDeps(), tenant, duplicate)).toBe('run-complete');
    expect(await runChain(nightDeps(), tenant, continuation)).toBe('already-counted');

    expect(figures(await countsOf(tenant))).toEqual(figures(cleanCounts));
    expect(await storedWork(tenant)).toEqual(cleanWork);
  });

  it('a night killed mid-way (its messages lost) and the date run again: the counts of a clean night', async () => {
    const tenant = uniqueTenant('counts-resume');
    await seed(tenant);
    expect((await start(tenant)).outcome).toBe('started');
    expect(await ageClaimsShard(nightDeps(), await receiveAging(tenant), onePage(), now)).toBe('continued');
    await expect(ageClaimsShard(nightDeps(90), await receiveAging(tenant), onePage(), now)).rejects.toThrow('worker killed');

    // `npm run nightly -- --date …` again: the unfinished night resumes from the shard's start.
    expect((await start(tenant)).outcome).toBe('resumed');
    expect(await runChain(nightDeps(), tenant, await receiveAging(tenant))).toBe('run-complete');
    const counts = await countsOf(tenant);
    expect(figures(counts)).toEqual(figures(cleanCounts));
    expect(counts.shardRetries).toBeGreaterThanOrEqual(1);
    expect(await storedWork(tenant)).toEqual(cleanWork);
  });

  it('a night killed mid-way and re-run with --rerun: it resumes, then a re-run of the completed night reports its own work', async () => {
    const tenant = uniqueTenant('counts-rerun');
    await seed(tenant);
    await start(tenant);
    expect(await ageClaimsShard(nightDeps(), await receiveAging(tenant), onePage(), now)).toBe('continued');
    await expect(ageClaimsShard(nightDeps(230), await receiveAging(tenant), onePage(), now)).rejects.toThrow('worker killed');

    // --rerun of a night that never completed finishes that night (a new attempt would report only what was left).
    expect((await start(tenant, true)).outcome).toBe('resumed');
    expect(await runChain(nightDeps(), tenant, await receiveAging(tenant))).toBe('run-complete');
    expect(figures(await countsOf(tenant))).toEqual(figures(cleanCounts));

    // --rerun of the completed night: a new attempt that finds the same claims and has nothing left to write.
    expect((await start(tenant, true)).outcome).toBe('restarted');
    expect(await runChain(nightDeps(), tenant, await receiveAging(tenant))).toBe('run-complete');
    const again = await new RunStore(client, tableName).get(tenant, runDate);
    expect(again).toMatchObject({ status: 'complete', attempt: 2 });
    const changes = /^(writes|bucketChanged|retired|opened:|updated:|closed:|denials:new)/;
    const state = (counts: Readonly<Record<string, number>>) =>
      Object.fromEntries(Object.entries(figures({ ...counts })).filter(([name]) => !changes.test(name) && name !== 'claimsAged'));
    expect(Object.entries(again!.counts).filter(([name, n]) => changes.test(name) && n > 0)).toEqual([]);
    // AR and backlog are the same; the claims the first attempt retired are out of the index, so not aged again.
    expect(state(again!.counts)).toEqual(state(cleanCounts));
    expect(again!.counts.claimsAged).toBe(cleanCounts.claimsAged! - cleanCounts.retired!);
    expect(await storedWork(tenant)).toEqual(cleanWork);
  });

  it('a last shard that crashed between finishing and completing the run completes it when its message comes again', async () => {
    const tenant = uniqueTenant('counts-complete');
    await seed(tenant, 40);
    let failures = 1;
    class FlakyRuns extends RunStore {
      override complete(tenantId: string, date: string, attempt: number, completedAt: string): Promise<boolean> {
        if (failures-- > 0) return Promise.reject(new Error('worker killed'));
        return super.complete(tenantId, date, attempt, completedAt);
      }
    }
    const deps = nightDeps(undefined, new FlakyRuns(client, tableName));
    await startNightlyRun(deps, { tenantId: tenant, timeZone, runDate }, now());
    const message = await receiveAging(tenant);
    await expect(ageClaimsShard(deps, message, () => 300_000, now)).rejects.toThrow('worker killed');
    expect(await ageClaimsShard(deps, message, () => 300_000, now)).toBe('run-complete');
    expect((await new RunStore(client, tableName).get(tenant, runDate))?.status).toBe('complete');
  });
});

// The nightly run's work, apart from Lambda: start a tenant night, and age one shard within a time budget,
// writing only what changed (aging bucket, work item opened / updated / closed), counting each page exactly once.
import type { SQSClient } from '@aws-sdk/client-sqs';
import { randomUUID } from 'node:crypto';
import { localDateAt, type CalendarDate } from '../domain/calendar.js';
import { tallyClaim } from '../domain/night-summary.js';
import type { TenantSettings } from '../domain/tenant-settings.js';
import type { WorkItemPlan } from '../domain/work-item.js';
import type { AgingShardMessage, NightlyTrigger, NotificationMessage } from '../shared/messages.js';
import { logger } from '../shared/observability.js';
import { sendMessages } from '../shared/queue-sender.js';
import type { ClaimStore, StoredClaim } from '../store/claim-store.js';
import type { RunSegment, RunStore } from '../store/run-store.js';
import type { TenantSettingsStore } from '../store/tenant-settings-store.js';
import type { WorkItem, WorkItemStore } from '../store/work-item-store.js';
import { planClaimOn } from './claim-plan.js';
import { syncWorkItem } from './work-item-sync.js';

export interface NightlyDeps {
  readonly claims: ClaimStore;
  readonly workItems: WorkItemStore;
  readonly settings: TenantSettingsStore;
  readonly runs: RunStore;
  readonly sqs: SQSClient;
  readonly agingQueueUrl: string;
  /** Needed by the shard worker only: the last shard announces the completed run. */
  readonly notificationQueueUrl?: string;
  readonly shardCount: number;
}

/** `older-than-latest`: refused, since a later night already completed and this one would roll its queues back. */
export type StartOutcome = 'started' | 'resumed' | 'restarted' | 'already-complete' | 'older-than-latest';

/**
 * Creates the run record for the tenant's night (once per tenant and date) and sends one message per shard.
 * A retry of a started but unfinished night sends the shard messages again: each shard walks the segments its
 * earlier tries recorded, redoes what a crash left undone and counts every page once. With `rerun`, a completed
 * night starts over as a new attempt; an unfinished one resumes, `rerun` or not, so its counts stay the whole night's.
 */
export const startNightlyRun = async (deps: NightlyDeps, trigger: NightlyTrigger, now: string): Promise<{ runDate: string; outcome: StartOutcome; latestCompleted?: string }> => {
  const runDate = trigger.runDate ?? localDateAt(now, trigger.timeZone);
  // A night older than the latest completed one would plan the queues as of a day already past: refused, --rerun or not.
  const latestCompleted = await deps.runs.latestCompleted(trigger.tenantId);
  if (latestCompleted !== undefined && runDate < latestCompleted) return { runDate, outcome: 'older-than-latest', latestCompleted };
  let attempt = 1;
  let outcome: StartOutcome = 'started';
  if (!(await deps.runs.create(trigger.tenantId, runDate, deps.shardCount, now))) {
    const existing = (await deps.runs.progress(trigger.tenantId, runDate))!;
    if (existing.status === 'complete' && trigger.rerun) {
      attempt = await deps.runs.restart(trigger.tenantId, runDate, deps.shardCount, now, existing.attempt);
      outcome = 'restarted';
    } else if (existing.status === 'complete') {
      return { runDate, outcome: 'already-complete' };
    } else {
      attempt = existing.attempt;
      outcome = 'resumed';
    }
  }
  const shards: AgingShardMessage[] = Array.from({ length: deps.shardCount }, (_, shard) => ({
    tenantId: trigger.tenantId,
    runDate,
    timeZone: trigger.timeZone,
    shard,
    attempt,
    counts: {},
  }));
  // Once per tenant and night, before the shards write: the queue totals drop counters they no longer need, and each
  // slice's window moves on to tonight (at most the tenant's today, so no reader is before it). Each step is
  // conditional, so it is safe beside the day's writes; a failure leaves it for tomorrow (GET /queues then reads the
  // far items too, still exact) and fails nothing.
  if (outcome !== 'resumed') {
    const asOf = [runDate, localDateAt(now, trigger.timeZone)].sort()[0]!;
    await deps.workItems
      .pruneQueueTotals(trigger.tenantId, new Date(now))
      .then(() => deps.workItems.advanceQueueTotals(trigger.tenantId, asOf))
      .catch((error: unknown) => logger.warn('queue totals not advanced', { tenantId: trigger.tenantId, error: (error as Error).name }));
  }
  await sendMessages(deps.sqs, deps.agingQueueUrl, shards);
  return { runDate, outcome };
};

/** `superseded`: the message belongs to an attempt a re-run replaced, so it does nothing. */
export type ShardOutcome = 'continued' | 'shard-finished' | 'run-complete' | 'already-counted' | 'superseded';

const pageSize = 200;
/** Claims of a page worked at once: enough to keep the table busy, few enough to stay polite. */
const pageConcurrency = 16;

type Counts = Record<string, number>;
const bump = (counts: Counts, name: string, by = 1): void => {
  counts[name] = (counts[name] ?? 0) + by;
};

/** The writes one claim needs tonight, or those that went through. */
interface ClaimWrites {
  readonly retired: boolean;
  readonly bucketChanged: boolean;
  readonly workItem?: { readonly change: string; readonly queue: string };
}

/** One claim's night, decided from the claim and work item as read: its plan, its bucket, the writes it needs. */
interface ClaimNight {
  readonly stored: StoredClaim;
  readonly item: WorkItem | undefined;
  readonly plan: WorkItemPlan | undefined;
  readonly bucket: string;
  readonly needs: ClaimWrites;
}

/**
 * Decides the work item change without writing: syncWorkItem's own decision, over a store that accepts every write.
 * The cast is the point: the decision must be the one the real write makes, never a copy that could drift from it.
 */
const acceptEveryWrite = { open: async () => true, update: async () => true, close: async () => true } as unknown as WorkItemStore;

const planClaim = async (stored: StoredClaim, item: WorkItem | undefined, settings: TenantSettings, runDate: CalendarDate): Promise<ClaimNight> => {
  const { claim } = stored;
  // The same planning the settings preview runs (claim-plan.ts).
  const { plan, bucket, retired } = planClaimOn(claim, item, settings, runDate);
  const change = await syncWorkItem(acceptEveryWrite, claim, item, plan, runDate);
  return { stored, item, plan, bucket, needs: { retired, bucketChanged: !retired && claim.agingBucket !== bucket, ...('queue' in change ? { workItem: change } : {}) } };
};

/** Writes what the claim needs, each conditional on what was read; returns the writes that went through. */
const writeClaim = async (deps: NightlyDeps, night: ClaimNight, runDate: CalendarDate): Promise<ClaimWrites> => {
  const { stored, needs } = night;
  let retired = false;
  let bucketChanged = false;
  if (needs.retired) retired = await deps.claims.retire(stored);
  else if (needs.bucketChanged) bucketChanged = await deps.claims.saveAgingBucket(stored, night.bucket);
  const result = needs.workItem ? await syncWorkItem(deps.workItems, stored.claim, night.item, night.plan, runDate) : undefined;
  return { retired, bucketChanged, ...(result && 'queue' in result ? { workItem: result } : {}) };
};

/** Adds the claim's part of tonight's figures, with `writes` as its writes. */
const tallyNight = (counts: Counts, night: ClaimNight, settings: TenantSettings, runDate: CalendarDate, writes: ClaimWrites): void => {
  bump(counts, 'claimsAged');
  tallyClaim(counts, night.stored.claim, settings, runDate, night.plan, night.item);
  for (const [made, name] of [[writes.retired, 'retired'], [writes.bucketChanged, 'bucketChanged']] as const) {
    if (!made) continue;
    bump(counts, name);
    bump(counts, 'writes');
  }
  if (writes.workItem) {
    bump(counts, `${writes.workItem.change}:${writes.workItem.queue}`);
    bump(counts, 'writes');
  }
};

/** Runs `work` over `items`, `limit` at a time. */
const inParallel = async <T>(items: readonly T[], limit: number, work: (item: T) => Promise<void>): Promise<void> => {
  let next = 0;
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, async () => {
    for (let i = next++; i < items.length; i = next++) await work(items[i]!);
  }));
};

/** DynamoDB orders the index's claim ids by their UTF-8 bytes. */
const isAfter = (claimId: string, last: string): boolean => Buffer.compare(Buffer.from(claimId), Buffer.from(last)) > 0;

interface Shard {
  readonly deps: NightlyDeps;
  readonly message: AgingShardMessage;
  readonly settings: TenantSettings;
  /** This try holds a recorded segment it has not finished: if it dies, the try that resumes it counts the retry. */
  inSegment: boolean;
}

/** Reads the page of the shard after `start` and plans each claim; with `last`, only the claims up to it. */
const readPage = async (shard: Shard, start: string | undefined, last?: string): Promise<{ nights: ClaimNight[]; cursor?: string; pastLast: boolean }> => {
  const { deps, message, settings } = shard;
  const page = await deps.claims.pageOpenClaims(message.tenantId, message.shard, pageSize, start);
  const claims = last === undefined ? page.claims : page.claims.filter((c) => !isAfter(c.claim.claimId, last));
  const items = await deps.workItems.getMany(message.tenantId, claims.map((c) => c.claim.claimId));
  const nights = await Promise.all(claims.map((stored) => planClaim(stored, items.get(stored.claim.claimId), settings, message.runDate)));
  return { nights, ...(page.cursor ? { cursor: page.cursor } : {}), pastLast: claims.length < page.claims.length };
};

const writeAll = (shard: Shard, nights: readonly ClaimNight[], made?: Counts): Promise<void> =>
  inParallel(nights, pageConcurrency, async (night) => {
    const writes = await writeClaim(shard.deps, night, shard.message.runDate);
    if (made) tallyNight(made, night, shard.settings, shard.message.runDate, writes);
  });

/**
 * Takes up a segment an earlier try recorded and did not finish: writes what its claims still need (claims the
 * earlier try wrote need nothing now) and leaves its recorded counts as they are.
 */
const redoSegment = async (shard: Shard, segment: RunSegment): Promise<void> => {
  const { deps, message } = shard;
  if (!(await deps.runs.resumeSegment(message.tenantId, message.runDate, message.attempt, message.shard, segment.start))) return;
  shard.inSegment = true;
  // Only the claims the segment recorded: claims retired since moved the page, and the next segment has the rest.
  let cursor = segment.start;
  while (segment.lastClaimId !== undefined) {
    const page = await readPage(shard, cursor, segment.lastClaimId);
    await writeAll(shard, page.nights);
    if (page.pastLast || !page.cursor) break;
    cursor = page.cursor;
  }
  await deps.runs.finishSegment(message.tenantId, message.runDate, message.attempt, message.shard, segment.start);
  shard.inSegment = false;
};

/**
 * Ages the page of the shard after `start`: records the page's counts (planned from the claims as read, before
 * any write) as the segment's result, once, then writes. A segment already recorded is not counted again: done, it
 * is skipped; not done, the claims it left are written. Returns the next segment's start (undefined at the end).
 */
const ageSegment = async (shard: Shard, start: string | undefined): Promise<{ readonly next?: string }> => {
  const { deps, message, settings } = shard;
  const recorded = await deps.runs.segment(message.tenantId, message.runDate, message.attempt, message.shard, start);
  if (recorded) {
    if (!recorded.done) await redoSegment(shard, recorded);
    return recorded.end ? { next: recorded.end } : {};
  }
  const page = await readPage(shard, start);
  const planned: Counts = {};
  for (const night of page.nights) tallyNight(planned, night, settings, message.runDate, night.needs);
  const tryId = randomUUID();
  const lastClaimId = page.nights.at(-1)?.stored.claim.claimId;
  const segment = { ...(start ? { start } : {}), ...(page.cursor ? { end: page.cursor } : {}), ...(lastClaimId ? { lastClaimId } : {}), counts: planned };
  // Another try recorded this page first (a duplicate message): follow its record.
  if (!(await deps.runs.recordSegment(message.tenantId, message.runDate, message.attempt, message.shard, segment, tryId))) return ageSegment(shard, start);
  shard.inSegment = true;
  const made: Counts = {};
  await writeAll(shard, page.nights, made);
  await deps.runs.finishSegment(message.tenantId, message.runDate, message.attempt, message.shard, start, { tryId, counts: made });
  shard.inSegment = false;
  return page.cursor ? { next: page.cursor } : {};
};

/**
 * Ages the shard's claims segment by segment (bounded memory: one page at a time). When less than `reserveMs` is
 * left it hands the rest over to a continuation message carrying the next segment's start.
 */
export const ageClaimsShard = async (
  deps: NightlyDeps,
  message: AgingShardMessage,
  remainingMs: () => number,
  now: () => string,
  reserveMs = 20_000,
): Promise<ShardOutcome> => {
  const run = await deps.runs.progress(message.tenantId, message.runDate);
  // A message of an attempt a re-run replaced: its work belongs to no attempt that is still counting.
  if (run?.attempt !== message.attempt) return 'superseded';
  const shard: Shard = { deps, message, settings: await deps.settings.get(message.tenantId), inSegment: false };
  try {
    let start = message.cursor;
    do {
      if (remainingMs() < reserveMs) {
        await sendMessages(deps.sqs, deps.agingQueueUrl, [{ ...message, cursor: start, counts: {} }]);
        return 'continued';
      }
      start = (await ageSegment(shard, start)).next;
    } while (start);
    return await closeShard(deps, message, now);
  } catch (error) {
    // The queue retries the shard. A try that dies inside a segment (an error, a crash, a timeout) is counted by the
    // try that takes the segment up again; any other failure is counted here, for the digest's run health.
    if (!shard.inSegment) await deps.runs.countShardRetry(message.tenantId, message.runDate, message.attempt).catch(() => undefined);
    throw error;
  }
};

/** Counts the shard finished, once; when every shard is in, completes the run and announces it, once. */
const closeShard = async (deps: NightlyDeps, message: AgingShardMessage, now: () => string): Promise<ShardOutcome> => {
  const { counted, run } = await deps.runs.finishShard(message.tenantId, message.runDate, message.attempt, message.shard);
  const finished: ShardOutcome = counted ? 'shard-finished' : 'already-counted';
  // Also when this shard was counted before: the try that counted the last shard may have died before completing.
  if (!run || run.attempt !== message.attempt || run.status !== 'running' || run.finishedShards.length < run.shardCount) return finished;
  if (!(await deps.runs.complete(message.tenantId, message.runDate, message.attempt, now()))) return finished;
  await deps.runs.markLatestCompleted(message.tenantId, message.runDate);
  if (!deps.notificationQueueUrl) throw new Error('notification queue is not configured');
  const done: NotificationMessage = { kind: 'run-complete', tenantId: message.tenantId, runDate: message.runDate };
  await sendMessages(deps.sqs, deps.notificationQueueUrl, [done]);
  return 'run-complete';
};

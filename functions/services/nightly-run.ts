// The nightly run's work, apart from Lambda: start a tenant night, and age one shard within a time budget,
// writing only what changed (aging bucket, work item opened / updated / closed).
import type { SQSClient } from '@aws-sdk/client-sqs';
import { ageOf, bucketOf } from '../domain/aging.js';
import { localDateAt, type CalendarDate } from '../domain/calendar.js';
import { tallyClaim } from '../domain/night-summary.js';
import type { TenantSettings } from '../domain/tenant-settings.js';
import { planWorkItem, type WorkItemPlan } from '../domain/work-item.js';
import type { AgingShardMessage, NightlyTrigger, NotificationMessage } from '../shared/messages.js';
import { sendMessages } from '../shared/queue-sender.js';
import type { ClaimStore, StoredClaim } from '../store/claim-store.js';
import type { RunStore } from '../store/run-store.js';
import type { TenantSettingsStore } from '../store/tenant-settings-store.js';
import type { WorkItem, WorkItemStore } from '../store/work-item-store.js';
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

export type StartOutcome = 'started' | 'resumed' | 'restarted' | 'already-complete';

/**
 * Creates the run record for the tenant's night (once per tenant and date) and sends one message per shard.
 * A retry of a started but unfinished night sends the shard messages again: shards count once however often they
 * run. With `rerun`, a completed night starts over as a new attempt.
 */
export const startNightlyRun = async (deps: NightlyDeps, trigger: NightlyTrigger, now: string): Promise<{ runDate: string; outcome: StartOutcome }> => {
  const runDate = trigger.runDate ?? localDateAt(now, trigger.timeZone);
  let attempt = 1;
  let outcome: StartOutcome = 'started';
  if (!(await deps.runs.create(trigger.tenantId, runDate, deps.shardCount, now))) {
    const existing = (await deps.runs.get(trigger.tenantId, runDate))!;
    if (trigger.rerun) {
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
  await sendMessages(deps.sqs, deps.agingQueueUrl, shards);
  return { runDate, outcome };
};

export type ShardOutcome = 'continued' | 'shard-finished' | 'run-complete' | 'already-counted';

const pageSize = 200;
/** Claims of a page worked at once: enough to keep the table busy, few enough to stay polite. */
const pageConcurrency = 16;

type Counts = Record<string, number>;
const bump = (counts: Counts, name: string, by = 1): void => {
  counts[name] = (counts[name] ?? 0) + by;
};

/** Everything one claim needs tonight, written only where it differs from what is stored; its part of the figures. */
const ageOneClaim = async (deps: NightlyDeps, stored: StoredClaim, item: WorkItem | undefined, settings: TenantSettings, runDate: CalendarDate, counts: Counts): Promise<void> => {
  const { claim } = stored;
  bump(counts, 'claimsAged');
  const plan: WorkItemPlan | undefined = planWorkItem(claim, settings, runDate, item?.followUpOn);
  tallyClaim(counts, claim, settings, runDate, plan, item);
  const bucket = bucketOf(ageOf(claim, runDate).days, settings.agingBuckets);
  const retire = plan === undefined && !claim.open;
  if (retire) {
    if (await deps.claims.retire(stored)) {
      bump(counts, 'retired');
      bump(counts, 'writes');
    }
  } else if (claim.agingBucket !== bucket && (await deps.claims.saveAgingBucket(stored, bucket))) {
    bump(counts, 'bucketChanged');
    bump(counts, 'writes');
  }
  const result = await syncWorkItem(deps.workItems, claim, item, plan, runDate);
  if ('queue' in result) {
    bump(counts, `${result.change}:${result.queue}`);
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

/**
 * Ages the shard's claims page by page (bounded memory: one page at a time). When less than `reserveMs` is left
 * it hands the rest over to a continuation message carrying the cursor and the counts so far.
 */
export const ageClaimsShard = async (
  deps: NightlyDeps,
  message: AgingShardMessage,
  remainingMs: () => number,
  now: () => string,
  reserveMs = 20_000,
): Promise<ShardOutcome> => {
  const settings = await deps.settings.get(message.tenantId);
  let cursor = message.cursor;
  const counts: Counts = { ...message.counts };
  do {
    if (remainingMs() < reserveMs) {
      await sendMessages(deps.sqs, deps.agingQueueUrl, [{ ...message, cursor, counts }]);
      return 'continued';
    }
    const page = await deps.claims.pageOpenClaims(message.tenantId, message.shard, pageSize, cursor);
    const items = await deps.workItems.getMany(message.tenantId, page.claims.map((c) => c.claim.claimId));
    await inParallel(page.claims, pageConcurrency, (stored) => ageOneClaim(deps, stored, items.get(stored.claim.claimId), settings, message.runDate, counts));
    cursor = page.cursor;
  } while (cursor);

  const run = await deps.runs.finishShard(message.tenantId, message.runDate, message.attempt, message.shard, counts);
  if (!run) return 'already-counted';
  if (run.finishedShards.length < run.shardCount) return 'shard-finished';
  if (!(await deps.runs.complete(message.tenantId, message.runDate, message.attempt, now()))) return 'shard-finished';
  if (!deps.notificationQueueUrl) throw new Error('notification queue is not configured');
  const done: NotificationMessage = { kind: 'run-complete', tenantId: message.tenantId, runDate: message.runDate };
  await sendMessages(deps.sqs, deps.notificationQueueUrl, [done]);
  return 'run-complete';
};

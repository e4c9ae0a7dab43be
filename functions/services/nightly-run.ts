// The nightly run's work, apart from Lambda: start a tenant night, and age one shard within a time budget.
import type { SQSClient } from '@aws-sdk/client-sqs';
import { ageOf } from '../domain/aging.js';
import { localDateAt } from '../domain/calendar.js';
import type { AgingShardMessage, NightlyTrigger, NotificationMessage } from '../shared/messages.js';
import { sendMessages } from '../shared/queue-sender.js';
import type { ClaimStore } from '../store/claim-store.js';
import type { RunStore } from '../store/run-store.js';

export interface NightlyDeps {
  readonly claims: ClaimStore;
  readonly runs: RunStore;
  readonly sqs: SQSClient;
  readonly agingQueueUrl: string;
  /** Needed by the shard worker only: the last shard announces the completed run. */
  readonly notificationQueueUrl?: string;
  readonly shardCount: number;
}

export type StartOutcome = 'started' | 'resumed' | 'already-complete';

/**
 * Creates the run record for the tenant's night (once per tenant and date) and sends one message per shard.
 * A retry of a started but unfinished night sends the shard messages again: shards count once however often they run.
 */
export const startNightlyRun = async (
  deps: NightlyDeps,
  trigger: NightlyTrigger,
  now: string,
): Promise<{ runDate: string; outcome: StartOutcome }> => {
  const runDate = trigger.runDate ?? localDateAt(now, trigger.timeZone);
  const created = await deps.runs.create(trigger.tenantId, runDate, deps.shardCount, now);
  if (!created) {
    const existing = await deps.runs.get(trigger.tenantId, runDate);
    if (existing?.status === 'complete') return { runDate, outcome: 'already-complete' };
  }
  const shards: AgingShardMessage[] = Array.from({ length: deps.shardCount }, (_, shard) => ({
    tenantId: trigger.tenantId,
    runDate,
    timeZone: trigger.timeZone,
    shard,
    claimsAged: 0,
    claimsChanged: 0,
  }));
  await sendMessages(deps.sqs, deps.agingQueueUrl, shards);
  return { runDate, outcome: created ? 'started' : 'resumed' };
};

export type ShardOutcome = 'continued' | 'shard-finished' | 'run-complete' | 'already-counted';

const pageSize = 200;

/**
 * Ages the shard's open claims page by page, writing only claims whose bucket changed. When less than
 * `reserveMs` is left it hands the rest over to a continuation message carrying the cursor and totals so far.
 */
export const ageClaimsShard = async (
  deps: NightlyDeps,
  message: AgingShardMessage,
  remainingMs: () => number,
  now: () => string,
  reserveMs = 20_000,
): Promise<ShardOutcome> => {
  let { cursor, claimsAged, claimsChanged } = message;
  do {
    if (remainingMs() < reserveMs) {
      await sendMessages(deps.sqs, deps.agingQueueUrl, [{ ...message, cursor, claimsAged, claimsChanged }]);
      return 'continued';
    }
    const page = await deps.claims.pageOpenClaims(message.tenantId, message.shard, pageSize, cursor);
    for (const stored of page.claims) {
      const age = ageOf(stored.claim, message.runDate);
      claimsAged++;
      if (stored.claim.agingBucket !== age.bucket && (await deps.claims.saveAgingBucket(stored, age.bucket))) claimsChanged++;
    }
    cursor = page.cursor;
  } while (cursor);

  const run = await deps.runs.finishShard(message.tenantId, message.runDate, message.shard, { claimsAged, claimsChanged });
  if (!run) return 'already-counted';
  if (run.finishedShards.length < run.shardCount) return 'shard-finished';
  if (!(await deps.runs.complete(message.tenantId, message.runDate, now()))) return 'shard-finished';
  const done: NotificationMessage = { kind: 'run-complete', tenantId: message.tenantId, runDate: message.runDate };
  if (!deps.notificationQueueUrl) throw new Error('notification queue is not configured');
  await sendMessages(deps.sqs, deps.notificationQueueUrl, [done]);
  return 'run-complete';
};

// Drives a night through the real path (start-nightly-run → aging queue → shard workers → notification queue)
// and waits for each tenant's run record to complete.
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { TenantConfig } from '../functions/shared/config-schema.js';
import type { NightlyTrigger } from '../functions/shared/messages.js';
import { RunStore, type NightlyRunRecord } from '../functions/store/run-store.js';

export interface NightSummary {
  readonly tenantId: string;
  readonly runDate: string;
  readonly outcome: string;
  readonly run: NightlyRunRecord;
  readonly durationMs: number;
  /** Why the night was not run (an older night than the latest completed one), in one line. */
  readonly refused?: string;
}

export const runNight = async (
  start: (trigger: NightlyTrigger) => Promise<{ runDate: string; outcome: string; latestCompleted?: string }>,
  documentClient: DynamoDBDocumentClient,
  tableName: string,
  tenants: readonly TenantConfig[],
  runDate: string | undefined,
  timeoutMs = 10 * 60_000,
  rerun = false,
): Promise<NightSummary[]> => {
  const runs = new RunStore(documentClient, tableName);
  return Promise.all(
    tenants.map(async (tenant) => {
      const began = Date.now();
      const started = await start({ tenantId: tenant.id, timeZone: tenant.timeZone, ...(runDate ? { runDate } : {}), ...(rerun ? { rerun } : {}) });
      if (started.outcome === 'older-than-latest') {
        // Nothing ran: the latest completed night's record stands for the tenant's queues.
        const latest = await runs.get(tenant.id, started.latestCompleted!);
        const refused = `refused: ${started.runDate} is older than the latest completed night (${started.latestCompleted}); running it would roll the queues back, so they stay as they are`;
        return { tenantId: tenant.id, runDate: started.runDate, outcome: started.outcome, run: latest!, durationMs: Date.now() - began, refused };
      }
      for (;;) {
        const run = await runs.get(tenant.id, started.runDate);
        if (run?.status === 'complete') {
          return { tenantId: tenant.id, runDate: started.runDate, outcome: started.outcome, run, durationMs: Date.now() - began };
        }
        if (Date.now() - began > timeoutMs) {
          throw new Error(`night ${started.runDate} of ${tenant.id} did not complete within ${timeoutMs / 1000} s (see the aging DLQ)`);
        }
        await new Promise((r) => setTimeout(r, 200));
      }
    }),
  );
};

/** Per queue: how many work items the night opened, updated and closed. */
export const queueCounts = (counts: Readonly<Record<string, number>>): Array<{ queue: string; opened: number; updated: number; closed: number }> => {
  const queues = [...new Set(Object.keys(counts).filter((k) => /^(opened|updated|closed):/.test(k)).map((k) => k.split(':')[1]!))].sort();
  return queues.map((queue) => ({ queue, opened: counts[`opened:${queue}`] ?? 0, updated: counts[`updated:${queue}`] ?? 0, closed: counts[`closed:${queue}`] ?? 0 }));
};

export const formatNightSummary = (summaries: readonly NightSummary[]): string =>
  summaries
    .map((s) => {
      if (s.refused) return `  ${s.tenantId} ${s.runDate}: ${s.refused}`;
      const c = s.run.counts;
      const head =
        `  ${s.tenantId} ${s.runDate}: ${s.outcome === 'already-complete' ? '(already complete) ' : s.outcome === 'restarted' ? '(re-run) ' : ''}` +
        `${c.claimsAged ?? 0} claims aged, ${c.bucketChanged ?? 0} changed bucket, ${c.retired ?? 0} retired, ${c.writes ?? 0} writes, ` +
        `${s.run.finishedShards.length}/${s.run.shardCount} shards, ${(s.durationMs / 1000).toFixed(1)} s`;
      const rows = queueCounts(c).map((q) => `      ${q.queue.padEnd(22)} opened ${String(q.opened).padStart(5)}  updated ${String(q.updated).padStart(5)}  closed ${String(q.closed).padStart(5)}`);
      return [head, ...rows].join('\n');
    })
    .join('\n');

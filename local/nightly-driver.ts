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
}

export const runNight = async (
  start: (trigger: NightlyTrigger) => Promise<{ runDate: string; outcome: string }>,
  documentClient: DynamoDBDocumentClient,
  tableName: string,
  tenants: readonly TenantConfig[],
  runDate: string | undefined,
  timeoutMs = 10 * 60_000,
): Promise<NightSummary[]> => {
  const runs = new RunStore(documentClient, tableName);
  return Promise.all(
    tenants.map(async (tenant) => {
      const began = Date.now();
      const started = await start({ tenantId: tenant.id, timeZone: tenant.timeZone, ...(runDate ? { runDate } : {}) });
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

export const formatNightSummary = (summaries: readonly NightSummary[]): string =>
  summaries
    .map(
      (s) =>
        `  ${s.tenantId} ${s.runDate}: ${s.outcome === 'already-complete' ? 'already complete; ' : ''}` +
        `${s.run.claimsAged} open claims aged, ${s.run.claimsChanged} changed bucket, ` +
        `${s.run.finishedShards.length}/${s.run.shardCount} shards, ${(s.durationMs / 1000).toFixed(1)} s`,
    )
    .join('\n');

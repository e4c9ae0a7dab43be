// Per tenant and follow-up queue: how many open items, their dollars, the oldest, how many are near a deadline or
// leased. GET /queues answers with this alone, so how it is computed can change without touching the route.
import { daysBetween } from '../domain/calendar.js';
import { followUpQueues, type FollowUpQueue } from '../domain/tenant-settings.js';
import type { WorkItemStore } from '../store/work-item-store.js';

export interface QueueSummaryDeps {
  readonly workItems: Pick<WorkItemStore, 'listQueue'>;
  readonly tenants: ReadonlyMap<string, { readonly name: string }>;
  /** The tenant's local date. */
  readonly todayIn: (tenant: string) => string;
}

export interface QueueSummary {
  readonly queue: FollowUpQueue;
  readonly count: number;
  readonly dollarsCents: number;
  readonly oldestOpenedOn: string | null;
  /** Items whose deadline is within 14 days of the tenant's today. */
  readonly nearDeadline: number;
  /** Items under a lease that has not expired at `now`. */
  readonly leased: number;
}

export interface TenantQueues {
  readonly tenantId: string;
  readonly name: string;
  readonly queues: QueueSummary[];
}

/** Reads every open item of each queue index of each tenant (in parallel) and sums them up. */
export const queueSummaries = async (deps: QueueSummaryDeps, tenantIds: readonly string[], now: Date): Promise<TenantQueues[]> => {
  const at = now.toISOString();
  return Promise.all(
    tenantIds.map(async (tenantId) => {
      const today = deps.todayIn(tenantId);
      const queues = await Promise.all(
        followUpQueues.map(async (queue) => {
          const items = await deps.workItems.listQueue(tenantId, queue);
          return {
            queue,
            count: items.length,
            dollarsCents: items.reduce((sum, i) => sum + i.dollarsCents, 0),
            oldestOpenedOn: items.map((i) => i.openedOn).sort()[0] ?? null,
            nearDeadline: items.filter((i) => i.dueOn !== undefined && daysBetween(today, i.dueOn) <= 14).length,
            leased: items.filter((i) => i.leasedBy && (i.leaseExpiresAt ?? '') > at).length,
          };
        }),
      );
      return { tenantId, name: deps.tenants.get(tenantId)?.name ?? tenantId, queues };
    }),
  );
};

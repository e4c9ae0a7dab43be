// Per tenant and follow-up queue: how many open items, their dollars, the oldest, how many are near a deadline or
// leased. GET /queues answers with this alone, so how it is computed can change without touching the route.
import { followUpQueues, type FollowUpQueue } from '../domain/tenant-settings.js';
import type { WorkItemStore } from '../store/work-item-store.js';

export interface QueueSummaryDeps {
  /** The tenant's queue totals (kept by every work-item write), not its queue indexes. */
  readonly workItems: Pick<WorkItemStore, 'queueTotals'>;
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
  /** Items whose follow-up date or deadline lead time passed before today with nobody acting since. */
  readonly overdue: number;
}

export interface TenantQueues {
  readonly tenantId: string;
  readonly name: string;
  readonly queues: QueueSummary[];
}

/** Reads each tenant's queue totals (one query per tenant, in parallel), every queue in the same order. */
export const queueSummaries = async (deps: QueueSummaryDeps, tenantIds: readonly string[], now: Date): Promise<TenantQueues[]> =>
  Promise.all(
    tenantIds.map(async (tenantId) => {
      const totals = await deps.workItems.queueTotals(tenantId, deps.todayIn(tenantId), now);
      const queues = followUpQueues.map((queue) => ({ queue, ...(totals.get(queue) ?? { count: 0, dollarsCents: 0, oldestOpenedOn: null, nearDeadline: 0, leased: 0, overdue: 0 }) }));
      return { tenantId, name: deps.tenants.get(tenantId)?.name ?? tenantId, queues };
    }),
  );

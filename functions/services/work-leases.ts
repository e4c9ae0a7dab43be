// Taking work: the highest-ranked available item among a biller's own and the pool, leased so that no colleague
// gets the same claim; leases expire on their own and can be renewed or given back.
import { leaseEnd } from '../domain/queue-totals.js';
import type { WorkItem, WorkItemStore } from '../store/work-item-store.js';
import { logger } from '../shared/observability.js';

export const defaultLeaseMinutes = 30;

export interface TakeOptions {
  readonly tenants: readonly string[];
  readonly userId: string;
  readonly now: Date;
  readonly queue?: string;
  readonly leaseMinutes?: number;
}

const available = (item: WorkItem, options: TakeOptions): boolean =>
  (options.queue === undefined || item.queue === options.queue) &&
  (!item.leasedBy || item.leasedBy === options.userId || (item.leaseExpiresAt ?? '') <= options.now.toISOString());

/** Highest priority first, then nearest deadline (the rank key order). */
const byRank = (a: WorkItem, b: WorkItem): number => b.priority - a.priority || (a.dueOn ?? '9999').localeCompare(b.dueOn ?? '9999') || a.claimId.localeCompare(b.claimId);

/**
 * Leases the best available item: candidates come page by page from the biller's own and the pool's ranked
 * indexes in each tenant; each lease is one conditional write, so of two billers racing for an item one gets it
 * and the other moves on to the next. Returns undefined when nothing is available.
 */
export const takeNext = async (store: WorkItemStore, options: TakeOptions): Promise<WorkItem | undefined> => {
  // Leases end on a whole minute (the queue totals count them by minute of expiry).
  const until = leaseEnd(options.now, options.leaseMinutes ?? defaultLeaseMinutes);
  const sources = options.tenants.flatMap((tenantId) => [`biller:${options.userId}`, 'pool'].map((assignee) => ({ tenantId, assignee, cursor: undefined as Record<string, unknown> | undefined, done: false })));
  const pageSize = 25;
  for (;;) {
    const live = sources.filter((s) => !s.done);
    if (live.length === 0) return undefined;
    // The biller's own and the pool's next pages, read at once.
    const pages = await Promise.all(live.map((source) => store.pageAssignee(source.tenantId, source.assignee, pageSize, source.cursor)));
    const candidates: WorkItem[] = [];
    pages.forEach((page, i) => {
      candidates.push(...page.items);
      live[i]!.cursor = page.cursor;
      live[i]!.done = !page.cursor;
    });
    logger.debug('lease candidates read', { tenants: options.tenants.length, sources: live.length, candidates: candidates.length, queue: options.queue ?? 'any' });
    for (const item of candidates.filter((c) => available(c, options)).sort(byRank)) {
      if (await store.lease(item, options.userId, options.now.toISOString(), until)) {
        logger.debug('work item leased', { tenantId: item.tenantId, queue: item.queue, priority: item.priority, userId: options.userId, leaseMinutes: options.leaseMinutes ?? defaultLeaseMinutes });
        return { ...item, leasedBy: options.userId, leaseExpiresAt: until };
      }
    }
  }
};

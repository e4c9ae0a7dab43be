// Brings a claim's stored work item in line with the plan for it: open, update, close, or leave it alone.
// Used by the nightly run and whenever a biller's action changes a claim during the day.
import type { CalendarDate } from '../domain/calendar.js';
import type { Claim } from '../domain/claim.js';
import type { WorkItemPlan } from '../domain/work-item.js';
import { samePlan, type WorkItem, type WorkItemStore } from '../store/work-item-store.js';

export type WorkItemChange = { readonly change: 'opened' | 'updated' | 'closed'; readonly queue: string } | { readonly change: 'unchanged' | 'lost-race' };

export const syncWorkItem = async (
  store: WorkItemStore,
  claim: Pick<Claim, 'tenantId' | 'claimId'>,
  item: WorkItem | undefined,
  plan: WorkItemPlan | undefined,
  on: CalendarDate,
): Promise<WorkItemChange> => {
  if (plan && (!item || item.status === 'closed')) {
    return (await store.open(claim.tenantId, claim.claimId, plan, on, item)) ? { change: 'opened', queue: plan.queue } : { change: 'lost-race' };
  }
  if (plan && item && !samePlan(item, plan)) {
    return (await store.update(item, plan, on)) ? { change: 'updated', queue: plan.queue } : { change: 'lost-race' };
  }
  if (!plan && item?.status === 'open') {
    return (await store.close(item, on)) ? { change: 'closed', queue: item.queue } : { change: 'lost-race' };
  }
  return { change: 'unchanged' };
};

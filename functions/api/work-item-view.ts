// A work item as the API shows it: reasons in words and days left on its deadline, for the date the whole answer is
// computed for (the request's asOf, else the tenant's today), so no answer mixes two dates.
import { daysBetween } from '../domain/calendar.js';
import { describeReason, nextStepOf } from '../domain/work-item.js';
import type { WorkItem } from '../store/work-item-store.js';
import type { ApiDeps } from './deps.js';

export const presentWorkItem = (deps: Pick<ApiDeps, 'todayIn'>, item: WorkItem, on?: string) => {
  const today = on ?? deps.todayIn(item.tenantId);
  const { tenantId, claimId, queue, category, dollarsCents, dueOn, priority, assignee, leasedBy, leaseExpiresAt, followUpOn, openedOn, writeOffRequest } = item;
  return {
    tenantId,
    claimId,
    queue,
    ...(category ? { category } : {}),
    dollarsCents,
    ...(dueOn ? { dueOn, daysLeft: daysBetween(today, dueOn) } : {}),
    priority,
    reasons: item.reasons.map((r) => describeReason(r, today)),
    nextStep: nextStepOf(item),
    // The row a biller works from (items written before these fields existed get them on the next night).
    ...(item.payerName ? { payerId: item.payerId, payerName: item.payerName, serviceFrom: item.serviceFrom, serviceThrough: item.serviceThrough, claimStatus: item.claimStatus, balanceCents: item.balanceCents } : {}),
    ...(writeOffRequest ? { writeOffRequest } : {}),
    assignee,
    ...(leasedBy ? { leasedBy, leaseExpiresAt } : {}),
    ...(followUpOn ? { followUpOn } : {}),
    openedOn,
  };
};

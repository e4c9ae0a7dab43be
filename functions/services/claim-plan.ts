// One claim's plan for a date, from the claim and its work item as read: the nightly run and the settings preview both
// plan through here (no I/O), so a preview shows exactly what a night under those settings would do.
import { ageOf, bucketOf } from '../domain/aging.js';
import type { CalendarDate } from '../domain/calendar.js';
import type { Claim } from '../domain/claim.js';
import type { TenantSettings } from '../domain/tenant-settings.js';
import { planWorkItem, type WorkItemPlan } from '../domain/work-item.js';
import { marksOf, type WorkItem } from '../store/work-item-store.js';

export interface ClaimPlan {
  /** The work the claim calls for on the date (undefined: none due, or hidden by a pend). */
  readonly plan: WorkItemPlan | undefined;
  /** Its aging bucket on the date. */
  readonly bucket: string;
  /** No work left and the claim closed: it leaves the open-claims index. */
  readonly retired: boolean;
}

/** Plans the claim under `settings` on `date`, respecting what billers and managers set on its item (pend, write-off request). */
export const planClaimOn = (claim: Claim, item: WorkItem | undefined, settings: TenantSettings, date: CalendarDate): ClaimPlan => {
  const plan = planWorkItem(claim, settings, date, marksOf(item));
  return { plan, bucket: bucketOf(ageOf(claim, date).days, settings.agingBuckets), retired: plan === undefined && !claim.open };
};

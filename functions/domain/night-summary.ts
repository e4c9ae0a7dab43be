// What a night found, tallied claim by claim by the shard workers and summed across the run's segments: AR by
// aging bucket and by payer, dollars at timely-filing risk, denials new tonight by category, and the backlog per
// queue and per assignee. Tallies are named whole numbers, so each segment (a page of a shard) records its own once
// and the run's figures are their sum: no worker ever holds more than its page of claims.
import { ageOf, bucketLabels, bucketOf, type BucketBounds } from './aging.js';
import { arCentsOf, percentOf } from './ar-report.js';
import type { CalendarDate } from './calendar.js';
import { isOverdue } from './overdue.js';
import type { Claim } from './claim.js';
import { daysLeft } from './clocks.js';
import { denialCategories, type DenialCategory } from './denials.js';
import { followUpQueues, type FollowUpQueue, type TenantSettings } from './tenant-settings.js';
import { claimClocks, type WorkItemPlan } from './work-item.js';

/** A claim is at timely-filing risk when its filing deadline is this many days away or fewer (and not passed). */
export const timelyFilingRiskDays = 14;

export type Tally = Record<string, number>;

const add = (tally: Tally, name: string, by: number): void => {
  tally[name] = (tally[name] ?? 0) + by;
};

/** Adds `from` into `into`, name by name (a run's figures are the sum of its segments' tallies); returns `into`. */
export const addTally = (into: Tally, from: Readonly<Tally>): Tally => {
  for (const [name, by] of Object.entries(from)) add(into, name, by);
  return into;
};

/** The claim's work item as it stood before tonight: enough to tell new denials and manual assignments. */
export interface WorkBefore {
  readonly status: 'open' | 'closed';
  readonly queue: FollowUpQueue;
  readonly assignee: string;
  readonly assignedManually?: boolean;
  readonly openedOn?: CalendarDate;
  readonly followUpOn?: CalendarDate;
  readonly lastActionOn?: CalendarDate;
}

/** Adds one claim's part of tonight's figures to the shard's tally. `plan` is its work from tonight on. */
export const tallyClaim = (tally: Tally, claim: Claim, settings: TenantSettings, runDate: CalendarDate, plan: WorkItemPlan | undefined, before: WorkBefore | undefined): void => {
  const arCents = arCentsOf(claim);
  if (arCents > 0) {
    const days = ageOf(claim, runDate).days;
    add(tally, 'ar:total', arCents);
    add(tally, 'ar:claims', 1);
    add(tally, `ar:bucket:${bucketOf(days, settings.agingBuckets)}`, arCents);
    add(tally, `ar:payer:${claim.payer.name}`, arCents);
    if (days > 90) add(tally, 'ar:over90', arCents);
    if (days > 120) add(tally, 'ar:over120', arCents);
    const filing = claimClocks(claim, settings, runDate).find((clock) => clock.kind === 'timely-filing');
    const left = filing ? daysLeft(filing, runDate) : -1;
    if (left >= 0 && left <= timelyFilingRiskDays) {
      add(tally, 'risk:timely-filing', arCents);
      add(tally, 'risk:timely-filing-claims', 1);
    }
  }
  if (!plan) return;
  const wasOpen = before?.status === 'open';
  if (plan.queue === 'denials' && !(wasOpen && before.queue === 'denials')) {
    const category = plan.category ?? 'other';
    add(tally, `denials:new:${category}`, 1);
    add(tally, `denials:new-cents:${category}`, plan.dollarsCents);
  }
  // A manager's reassignment survives the night, as the work item store keeps it.
  const assignee = wasOpen && before.assignedManually ? before.assignee : plan.assignee;
  add(tally, `backlog:queue:${plan.queue}`, 1);
  add(tally, `backlog:queue-cents:${plan.queue}`, plan.dollarsCents);
  // Overdue as the reminder and GET /queues count it: the item as it stands after tonight.
  const openedOn = wasOpen && before.openedOn ? before.openedOn : runDate;
  if (isOverdue({ queue: plan.queue, openedOn, ...(before?.followUpOn ? { followUpOn: before.followUpOn } : {}), ...(plan.dueOn ? { dueOn: plan.dueOn } : {}), ...(before?.lastActionOn ? { lastActionOn: before.lastActionOn } : {}) }, runDate)) {
    add(tally, `backlog:overdue:${plan.queue}`, 1);
  }
  add(tally, `backlog:assignee:${assignee}`, 1);
  add(tally, `backlog:assignee-cents:${assignee}`, plan.dollarsCents);
};

export interface NightSummary {
  readonly ar: {
    readonly totalCents: number;
    readonly claims: number;
    readonly over90Cents: number;
    /** HFMA AR-1: share of AR older than 90 days (date of service), percent with one decimal. */
    readonly percentOver90: number;
    readonly percentOver120: number;
    readonly byBucket: ReadonlyArray<{ readonly bucket: string; readonly cents: number }>;
    /** Largest first. */
    readonly byPayer: ReadonlyArray<{ readonly payer: string; readonly cents: number }>;
  };
  readonly timelyFilingRisk: { readonly cents: number; readonly claims: number };
  /** Claims that came into the denials queue tonight, by category, most dollars first. */
  readonly newDenials: ReadonlyArray<{ readonly category: DenialCategory; readonly count: number; readonly cents: number }>;
  /** Every queue, in routing order, with what is open in it after tonight. */
  readonly backlogByQueue: ReadonlyArray<{ readonly queue: FollowUpQueue; readonly count: number; readonly cents: number; readonly overdue: number }>;
  /** Open work per assignee (`biller:<id>`, `team:<name>`, `pool`), most items first. */
  readonly backlogByAssignee: ReadonlyArray<{ readonly assignee: string; readonly count: number; readonly cents: number }>;
  readonly claimsAged: number;
  readonly workItemsOpened: number;
  readonly workItemsClosed: number;
}

const named = (tally: Readonly<Tally>, prefix: string): Array<[string, number]> =>
  Object.entries(tally)
    .filter(([name]) => name.startsWith(prefix))
    .map(([name, value]) => [name.slice(prefix.length), value]);

const total = (tally: Readonly<Tally>, prefix: string): number => named(tally, prefix).reduce((sum, [, n]) => sum + n, 0);

/** Tonight's figures from the run's summed tally. */
export const summarizeNight = (tally: Readonly<Tally>, bounds: BucketBounds): NightSummary => {
  const n = (name: string): number => tally[name] ?? 0;
  const totalCents = n('ar:total');
  const newDenials = denialCategories
    .map((category) => ({ category, count: n(`denials:new:${category}`), cents: n(`denials:new-cents:${category}`) }))
    .filter((row) => row.count > 0)
    .sort((a, b) => b.cents - a.cents || b.count - a.count);
  const assignees = named(tally, 'backlog:assignee:')
    .map(([assignee, count]) => ({ assignee, count, cents: n(`backlog:assignee-cents:${assignee}`) }))
    .filter((row) => row.count > 0)
    .sort((a, b) => b.count - a.count || a.assignee.localeCompare(b.assignee));
  return {
    ar: {
      totalCents,
      claims: n('ar:claims'),
      over90Cents: n('ar:over90'),
      percentOver90: percentOf(n('ar:over90'), totalCents),
      percentOver120: percentOf(n('ar:over120'), totalCents),
      byBucket: bucketLabels(bounds).map((bucket) => ({ bucket, cents: n(`ar:bucket:${bucket}`) })),
      byPayer: named(tally, 'ar:payer:')
        .map(([payer, cents]) => ({ payer, cents }))
        .filter((row) => row.cents > 0)
        .sort((a, b) => b.cents - a.cents || a.payer.localeCompare(b.payer)),
    },
    timelyFilingRisk: { cents: n('risk:timely-filing'), claims: n('risk:timely-filing-claims') },
    newDenials,
    backlogByQueue: followUpQueues.map((queue) => ({ queue, count: n(`backlog:queue:${queue}`), cents: n(`backlog:queue-cents:${queue}`), overdue: n(`backlog:overdue:${queue}`) })),
    backlogByAssignee: assignees,
    claimsAged: n('claimsAged'),
    workItemsOpened: total(tally, 'opened:'),
    workItemsClosed: total(tally, 'closed:'),
  };
};

// What a settings change would do to a tenant's queues, summed claim by claim: each open claim's work planned with the
// current settings ("now") and with the proposed ones, compared, and folded into bounded figures (counts, dollars, at
// most 20 samples per movement). Pure: the plans come in (planned by the nightly run's own code), nothing is read here.
import { alertChanges, readAlerts, type AlertKind, type AlertObservation, type AlertReading, type AlertStanding } from './alerts.js';
import type { CalendarDate } from './calendar.js';
import type { Claim } from './claim.js';
import { daysLeft, type Clock } from './clocks.js';
import { summarizeNight, tallyClaim, type Tally, type WorkBefore } from './night-summary.js';
import { followUpQueues, type FollowUpQueue, type TenantSettings } from './tenant-settings.js';
import { claimClocks, type WorkItemPlan } from './work-item.js';

/** At most this many example claims per movement, assignee change and deadline kind. */
export const previewSampleLimit = 20;

/** Where a claim's work is: a queue, or `none` (nothing due, or hidden by a pend until its date). */
export type PreviewPlace = FollowUpQueue | 'none';
export const previewPlaces: readonly PreviewPlace[] = [...followUpQueues, 'none'];

/** The figures alerts are read from, and which alerts the preview can read (the others are not about claims). */
export const previewAlertKinds = ['ar-over-90', 'timely-filing-risk'] as const satisfies readonly AlertKind[];

export interface MoveSample {
  readonly claimId: string;
  readonly from: string;
  readonly to: string;
  readonly dollarsCents: number;
}

export interface Move {
  readonly from: string;
  readonly to: string;
  readonly count: number;
  readonly dollarsCents: number;
  /** The largest first, at most 20. */
  readonly samples: readonly MoveSample[];
}

export interface DeadlineSample {
  readonly claimId: string;
  readonly kind: Clock['kind'];
  readonly level?: string;
  readonly from: CalendarDate;
  readonly to: CalendarDate;
}

export interface DeadlineShift {
  readonly kind: Clock['kind'];
  readonly earlier: number;
  readonly later: number;
  /** Open now (due today or later), passed with the change. */
  readonly becomePastDue: number;
  /** Passed now, open again with the change. */
  readonly reopen: number;
  /** The soonest deadline with the change first, at most 20. */
  readonly samples: readonly DeadlineSample[];
}

export interface QueueFigures {
  readonly items: number;
  readonly dollarsCents: number;
}

export interface PreviewAlert {
  readonly kind: AlertKind;
  readonly now: Pick<AlertReading, 'crossed' | 'value' | 'threshold'> | null;
  readonly withChange: Pick<AlertReading, 'crossed' | 'value' | 'threshold'> | null;
  /** What the next night's alert evaluation would do with the change, from where the figures stand now. */
  readonly change: 'crosses' | 'clears' | 'none';
}

export interface SettingsPreview {
  readonly asOf: CalendarDate;
  /** Open claims read (the open-claims index, every shard). */
  readonly claims: number;
  readonly queues: ReadonlyArray<{ readonly queue: FollowUpQueue; readonly now: QueueFigures; readonly withChange: QueueFigures }>;
  /** Work that would change queue (`none`: no work due), most claims first. */
  readonly movements: readonly Move[];
  readonly deadlines: { readonly earlier: number; readonly later: number; readonly becomePastDue: number; readonly reopen: number; readonly byKind: readonly DeadlineShift[] };
  readonly assignees: {
    /** Work items with work both now and with the change whose assignee would differ. */
    readonly changed: number;
    readonly changes: readonly Move[];
    readonly byAssignee: ReadonlyArray<{ readonly assignee: string; readonly now: QueueFigures; readonly withChange: QueueFigures }>;
  };
  readonly figures: {
    readonly now: { readonly percentArOver90: number; readonly timelyFilingRiskCents: number; readonly timelyFilingRiskClaims: number };
    readonly withChange: { readonly percentArOver90: number; readonly timelyFilingRiskCents: number; readonly timelyFilingRiskClaims: number };
  };
  readonly alerts: readonly PreviewAlert[];
}

/** Who the work is with after a night writes the plan: a manager's reassignment of an open item is kept (as the work item store keeps it). */
export const assigneeAfterNight = (plan: Pick<WorkItemPlan, 'assignee'>, before: Pick<WorkBefore, 'status' | 'assignee' | 'assignedManually'> | undefined): string =>
  before?.status === 'open' && before.assignedManually ? before.assignee : plan.assignee;

/** Keeps the best `limit` of what it is offered (by `better`), without holding the rest. */
class Best<T> {
  readonly items: T[] = [];
  constructor(
    private readonly better: (a: T, b: T) => number,
    private readonly limit = previewSampleLimit,
  ) {}

  offer(item: T): void {
    if (this.items.length === this.limit && this.better(item, this.items[this.limit - 1]!) >= 0) return;
    const at = this.items.findIndex((held) => this.better(item, held) < 0);
    this.items.splice(at === -1 ? this.items.length : at, 0, item);
    if (this.items.length > this.limit) this.items.pop();
  }
}

const byDollars = (a: MoveSample, b: MoveSample): number => b.dollarsCents - a.dollarsCents || (a.claimId < b.claimId ? -1 : a.claimId > b.claimId ? 1 : 0);
const bySoonest = (a: DeadlineSample, b: DeadlineSample): number => (a.to < b.to ? -1 : a.to > b.to ? 1 : a.claimId < b.claimId ? -1 : a.claimId > b.claimId ? 1 : 0);

class Moves {
  private readonly moves = new Map<string, { from: string; to: string; count: number; dollarsCents: number; samples: Best<MoveSample> }>();

  add(sample: MoveSample): void {
    const key = `${sample.from}\u0000${sample.to}`;
    let move = this.moves.get(key);
    if (!move) this.moves.set(key, (move = { from: sample.from, to: sample.to, count: 0, dollarsCents: 0, samples: new Best(byDollars) }));
    move.count++;
    move.dollarsCents += sample.dollarsCents;
    move.samples.offer(sample);
  }

  list(order: (place: string) => number): Move[] {
    return [...this.moves.values()]
      .map(({ samples, ...move }) => ({ ...move, samples: samples.items }))
      .sort((a, b) => b.count - a.count || order(a.from) - order(b.from) || order(a.to) - order(b.to) || a.from.localeCompare(b.from) || a.to.localeCompare(b.to));
  }

  get total(): number {
    let n = 0;
    for (const move of this.moves.values()) n += move.count;
    return n;
  }
}

const clockKey = (clock: Clock): string => `${clock.kind}#${clock.level ?? ''}`;

/** Whether the payer rules of the two settings are the same (then no clock can move, and none is compared). */
const sameRules = (a: TenantSettings, b: TenantSettings): boolean => JSON.stringify(a.payerRules) === JSON.stringify(b.payerRules);

const place = (plan: WorkItemPlan | undefined): PreviewPlace => plan?.queue ?? 'none';

/**
 * Folds claims into the preview one at a time (a shard's page at a time: memory stays bounded by the page and by the
 * samples). Each claim comes with its work item as read and its plan under each settings, planned by the caller with
 * the nightly run's planning (claim-plan.ts): the preview only compares.
 */
export class SettingsPreviewTally {
  private readonly now: Tally = {};
  private readonly withChange: Tally = {};
  private readonly moves = new Moves();
  private readonly reassigned = new Moves();
  private readonly shifts = new Map<Clock['kind'], { earlier: number; later: number; becomePastDue: number; reopen: number; samples: Best<DeadlineSample> }>();
  private readonly rulesDiffer: boolean;
  private claims = 0;

  constructor(
    readonly asOf: CalendarDate,
    private readonly current: TenantSettings,
    private readonly proposed: TenantSettings,
  ) {
    this.rulesDiffer = !sameRules(current, proposed);
  }

  add(claim: Claim, before: WorkBefore | undefined, nowPlan: WorkItemPlan | undefined, changePlan: WorkItemPlan | undefined): void {
    const { asOf } = this;
    this.claims++;
    // The night's own figures (AR, timely-filing risk, backlog per queue and assignee), under each settings.
    tallyClaim(this.now, claim, this.current, asOf, nowPlan, before);
    tallyClaim(this.withChange, claim, this.proposed, asOf, changePlan, before);
    const from = place(nowPlan);
    const to = place(changePlan);
    if (from !== to) this.moves.add({ claimId: claim.claimId, from, to, dollarsCents: (changePlan ?? nowPlan)!.dollarsCents });
    if (nowPlan && changePlan) {
      const was = assigneeAfterNight(nowPlan, before);
      const will = assigneeAfterNight(changePlan, before);
      if (was !== will) this.reassigned.add({ claimId: claim.claimId, from: was, to: will, dollarsCents: changePlan.dollarsCents });
    }
    if (this.rulesDiffer && claim.inFollowUp && claim.status !== 'closed' && claim.status !== 'written-off') this.compareClocks(claim);
  }

  private compareClocks(claim: Claim): void {
    const { asOf } = this;
    // The biller's pend is no rule: only the clocks the payer rules set are compared.
    const after = new Map(claimClocks(claim, this.proposed, asOf).map((clock) => [clockKey(clock), clock]));
    for (const clock of claimClocks(claim, this.current, asOf)) {
      const moved = after.get(clockKey(clock));
      if (!moved || moved.dueOn === clock.dueOn) continue;
      let shift = this.shifts.get(clock.kind);
      if (!shift) this.shifts.set(clock.kind, (shift = { earlier: 0, later: 0, becomePastDue: 0, reopen: 0, samples: new Best(bySoonest) }));
      if (moved.dueOn < clock.dueOn) shift.earlier++;
      else shift.later++;
      const openNow = daysLeft(clock, asOf) >= 0;
      const openAfter = daysLeft(moved, asOf) >= 0;
      if (openNow && !openAfter) shift.becomePastDue++;
      if (!openNow && openAfter) shift.reopen++;
      shift.samples.offer({ claimId: claim.claimId, kind: clock.kind, ...(clock.level ? { level: clock.level } : {}), from: clock.dueOn, to: moved.dueOn });
    }
  }

  result(): SettingsPreview {
    const { asOf } = this;
    const now = summarizeNight(this.now, this.current.agingBuckets);
    const withChange = summarizeNight(this.withChange, this.proposed.agingBuckets);
    const figures = (night: typeof now) => ({ percentArOver90: night.ar.percentOver90, timelyFilingRiskCents: night.timelyFilingRisk.cents, timelyFilingRiskClaims: night.timelyFilingRisk.claims });
    const byQueue = (night: typeof now) => new Map(night.backlogByQueue.map((row) => [row.queue, { items: row.count, dollarsCents: row.cents }]));
    const [queuesNow, queuesAfter] = [byQueue(now), byQueue(withChange)];
    const none: QueueFigures = { items: 0, dollarsCents: 0 };
    const byAssignee = (night: typeof now) => new Map(night.backlogByAssignee.map((row) => [row.assignee, { items: row.count, dollarsCents: row.cents }]));
    const [assigneesNow, assigneesAfter] = [byAssignee(now), byAssignee(withChange)];
    const assignees = [...new Set([...assigneesNow.keys(), ...assigneesAfter.keys()])].sort();
    const order = (p: string): number => ((i) => (i === -1 ? previewPlaces.length : i))(previewPlaces.indexOf(p as PreviewPlace));
    const byKind = [...this.shifts].map(([kind, { samples, ...shift }]) => ({ kind, ...shift, samples: samples.items })).sort((a, b) => a.kind.localeCompare(b.kind));
    const sum = (field: 'earlier' | 'later' | 'becomePastDue' | 'reopen') => byKind.reduce((n, shift) => n + shift[field], 0);
    return {
      asOf,
      claims: this.claims,
      queues: followUpQueues.map((queue) => ({ queue, now: queuesNow.get(queue) ?? none, withChange: queuesAfter.get(queue) ?? none })),
      movements: this.moves.list(order),
      deadlines: { earlier: sum('earlier'), later: sum('later'), becomePastDue: sum('becomePastDue'), reopen: sum('reopen'), byKind },
      assignees: {
        changed: this.reassigned.total,
        changes: this.reassigned.list(() => 0),
        byAssignee: assignees.map((assignee) => ({ assignee, now: assigneesNow.get(assignee) ?? none, withChange: assigneesAfter.get(assignee) ?? none })),
      },
      figures: { now: figures(now), withChange: figures(withChange) },
      alerts: previewAlerts(asOf, this.current, this.proposed, figures(now), figures(withChange)),
    };
  }
}

const shown = (reading: AlertReading | undefined): PreviewAlert['now'] => (reading ? { crossed: reading.crossed, value: reading.value, threshold: reading.threshold } : null);

/**
 * The alerts the change would cross or clear, read as notifications read them after a night (readAlerts on the
 * night's figures, alertChanges against where each alert stands): "now" is the current thresholds on today's figures.
 * An alert the proposal turns off is left as it stands, as a night would leave it.
 */
export const previewAlerts = (
  asOf: CalendarDate,
  current: TenantSettings,
  proposed: TenantSettings,
  now: { readonly percentArOver90: number; readonly timelyFilingRiskCents: number },
  withChange: { readonly percentArOver90: number; readonly timelyFilingRiskCents: number },
): PreviewAlert[] => {
  const observe = (figures: typeof now): AlertObservation => ({ asOf, percentArOver90: figures.percentArOver90, timelyFilingRiskCents: figures.timelyFilingRiskCents });
  const readingsNow = readAlerts(current.alerts, observe(now));
  const readingsAfter = readAlerts(proposed.alerts, observe(withChange));
  const standing: Partial<Record<AlertKind, AlertStanding>> = Object.fromEntries(readingsNow.map((r) => [r.kind, { state: r.crossed ? 'crossed' : 'clear', asOf }]));
  const changes = alertChanges(standing, readingsAfter);
  return previewAlertKinds.map((kind) => {
    const changed = changes.find((r) => r.kind === kind);
    return {
      kind,
      now: shown(readingsNow.find((r) => r.kind === kind)),
      withChange: shown(readingsAfter.find((r) => r.kind === kind)),
      change: changed ? (changed.crossed ? 'crosses' : 'clears') : 'none',
    };
  });
};

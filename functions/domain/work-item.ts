// Routing a claim into a follow-up queue, ranking it with reasons a biller understands, and assigning it.
// What is stored changes only when the work changes: reasons keep dates (rendered as "closes in 9 days" when
// read), and the priority counts deadlines and age in bands, so a quiet night rewrites almost nothing.
import { ageOf } from './aging.js';
import { daysBetween, type CalendarDate } from './calendar.js';
import type { Claim } from './claim.js';
import { clocksOf, daysLeft, type Clock } from './clocks.js';
import type { PayerOrder } from './codes.js';
import { denialLabel, denialWork, mainDenial, patientNotRecognizedWork, type DenialCategory } from './denials.js';
import { dollars, payerOrderName } from './money.js';
import { limitsFor } from './payer-rules.js';
import type { AssignmentRule, ContractRate, FollowUpQueue, TenantSettings } from './tenant-settings.js';

export type Reason =
  | { readonly code: 'credit-balance'; readonly cents: number; readonly payerOrder?: PayerOrder; readonly payerName?: string }
  | { readonly code: 'timely-filing-expired'; readonly dueOn: CalendarDate }
  | { readonly code: 'rejected'; readonly categoryCode: string; readonly statusCode: string; readonly on: CalendarDate }
  | {
      readonly code: 'denied';
      readonly group: string;
      readonly carc: string;
      readonly rarcs: readonly string[];
      readonly category: DenialCategory;
      readonly patientNotRecognized?: true;
    }
  | { readonly code: 'info-requested'; readonly categoryCode: string; readonly on: CalendarDate }
  | { readonly code: 'underpaid'; readonly expectedCents: number; readonly receivedCents: number }
  | { readonly code: 'secondary-due'; readonly otherPayer: string }
  | { readonly code: 'appeal-pending'; readonly level: string; readonly appealedOn: CalendarDate }
  | { readonly code: 'no-response'; readonly since: CalendarDate }
  | { readonly code: 'clock'; readonly kind: Clock['kind']; readonly dueOn: CalendarDate; readonly level?: string };

/** What the nightly run wants a claim's work item to be; undefined when nothing is due. */
export interface WorkItemPlan {
  readonly queue: FollowUpQueue;
  readonly category?: DenialCategory;
  /** Recoverable (or refundable) dollars this work is about. */
  readonly dollarsCents: number;
  /** The nearest deadline among the clocks that matter to this work. */
  readonly dueOn?: CalendarDate;
  readonly priority: number;
  readonly reasons: readonly Reason[];
  readonly assignee: string;
  readonly payerId: string;
}

const queueWeight: Record<FollowUpQueue, number> = {
  'credit-balance': 20,
  'timely-filing-expired': 10,
  rejections: 25,
  denials: 20,
  underpaid: 15,
  'secondary-billing': 15,
  'appeal-pending': 10,
  'no-response': 15,
};

/** Deadline points, in bands so that a deadline moves the priority only when it crosses a band. */
export const deadlinePoints = (left: number | undefined): number =>
  left === undefined ? 0 : left < 0 ? 40 : left <= 7 ? 35 : left <= 14 ? 30 : left <= 30 ? 20 : left <= 60 ? 10 : 0;

/** Dollar points: ten per order of magnitude, so $1,000 counts 30 and $10,000 counts 40. */
export const dollarPoints = (cents: number): number => Math.min(60, Math.floor(10 * Math.log10(1 + Math.max(0, cents) / 100)));

/**
 * Priority, highest first: queue weight + dollars + time left on the nearest deadline + age bucket. Every part
 * is a whole number a biller can read back from the reasons.
 */
export const priorityOf = (queue: FollowUpQueue, dollarsCents: number, left: number | undefined, bucketIndex: number): number =>
  queueWeight[queue] + dollarPoints(dollarsCents) + (queue === 'timely-filing-expired' ? 0 : deadlinePoints(left)) + bucketIndex * 3;

/** Expected allowed amount from contracted rates, when every line has one in force on the date of service. */
export const expectedAllowedCents = (claim: Claim, rates: readonly ContractRate[]): number | undefined => {
  let total = 0;
  for (const line of claim.lines) {
    const rate = rates
      .filter((r) => r.payerId === claim.payer.id && r.procedureCode === line.procedureCode && r.effectiveFrom <= claim.serviceThrough)
      .sort((a, b) => (a.effectiveFrom < b.effectiveFrom ? 1 : -1))[0];
    if (!rate) return undefined;
    total += Math.round(rate.allowedCentsPerUnit * line.units);
  }
  return total;
};

export const assigneeFor = (rules: readonly AssignmentRule[], queue: FollowUpQueue, payerId: string, dollarsCents: number): string =>
  rules.find(
    (rule) =>
      (rule.queue === undefined || rule.queue === queue) &&
      (rule.payerIds === undefined || rule.payerIds.includes(payerId)) &&
      (rule.minDollarsCents === undefined || dollarsCents >= rule.minDollarsCents) &&
      (rule.maxDollarsCents === undefined || dollarsCents <= rule.maxDollarsCents),
  )?.assignee ?? 'pool';

const clockReason = (clock: Clock): Reason => ({ code: 'clock', kind: clock.kind, dueOn: clock.dueOn, ...(clock.level ? { level: clock.level } : {}) });

/** The clocks running on a claim today, under the payer rules in force today (with the tenant's overrides). */
export const claimClocks = (claim: Claim, settings: Pick<TenantSettings, 'payerRules'>, today: CalendarDate, followUpOn?: CalendarDate): Clock[] =>
  clocksOf(
    claim,
    limitsFor({ payerType: claim.payer.type, state: claim.payer.state, payerId: claim.payer.id, participating: claim.participating }, today, settings.payerRules),
    followUpOn,
  );

/** Routes an open claim: which queue, why, for how much, by when, and to whom. Pure: today is a parameter. */
export const planWorkItem = (claim: Claim, settings: TenantSettings, today: CalendarDate, followUpOn?: CalendarDate): WorkItemPlan | undefined => {
  if (!claim.inFollowUp || claim.status === 'closed' || claim.status === 'written-off') return undefined;
  const clocks = claimClocks(claim, settings, today, followUpOn);
  const clock = (kind: Clock['kind']) => clocks.find((c) => c.kind === kind);
  const due = (c: Clock | undefined) => c !== undefined && daysLeft(c, today) <= 0;
  const denial = mainDenial(claim);
  const filing = clock('timely-filing');
  const inForce = claim.adjudications.filter((a) => !a.reversedOn);
  const expected = inForce.length ? expectedAllowedCents(claim, settings.contractRates) : undefined;
  const received = claim.money.paidCents + claim.money.patientResponsibilityCents;

  const route = ((): Omit<WorkItemPlan, 'priority' | 'assignee' | 'payerId'> | undefined => {
    if (claim.money.creditBalanceCents > 0) {
      const by = claim.money.overpaidBy;
      return {
        queue: 'credit-balance',
        dollarsCents: claim.money.creditBalanceCents,
        reasons: [{ code: 'credit-balance', cents: claim.money.creditBalanceCents, ...(by ? { payerOrder: by.payerOrder, ...(by.payerName ? { payerName: by.payerName } : {}) } : {}) }],
      };
    }
    if (filing && daysLeft(filing, today) < 0) {
      return { queue: 'timely-filing-expired', dollarsCents: claim.money.payerBalanceCents, dueOn: filing.dueOn, reasons: [{ code: 'timely-filing-expired', dueOn: filing.dueOn }] };
    }
    if (claim.status === 'rejected' && claim.rejection) {
      const { categoryCode, statusCode, on } = claim.rejection;
      return { queue: 'rejections', dollarsCents: claim.money.payerBalanceCents, dueOn: filing?.dueOn, reasons: [{ code: 'rejected', categoryCode, statusCode, on }, ...(filing ? [clockReason(filing)] : [])] };
    }
    if (claim.status === 'info-requested' && claim.lastStatus) {
      return {
        queue: 'denials',
        category: 'missing-information',
        dollarsCents: claim.money.payerBalanceCents,
        dueOn: filing?.dueOn,
        reasons: [{ code: 'info-requested', categoryCode: claim.lastStatus.categoryCode, on: claim.lastStatus.on }, ...(filing ? [clockReason(filing)] : [])],
      };
    }
    if (denial && claim.status !== 'appealed' && claim.money.deniedCents > 0) {
      const deadlines = [clock('appeal'), filing].filter((c): c is Clock => c !== undefined).sort((a, b) => (a.dueOn < b.dueOn ? -1 : 1));
      return {
        queue: 'denials',
        category: denial.category,
        dollarsCents: claim.money.deniedCents,
        dueOn: deadlines[0]?.dueOn,
        reasons: [
          { code: 'denied', group: denial.group, carc: denial.carc, rarcs: denial.rarcs, category: denial.category, ...(denial.patientNotRecognized ? { patientNotRecognized: true as const } : {}) },
          ...deadlines.map(clockReason),
        ],
      };
    }
    if (expected !== undefined && expected - received >= settings.underpaymentThresholdCents) {
      return { queue: 'underpaid', dollarsCents: expected - received, reasons: [{ code: 'underpaid', expectedCents: expected, receivedCents: received }] };
    }
    const secondary = clock('secondary-filing');
    if (secondary && claim.otherPayer) {
      return { queue: 'secondary-billing', dollarsCents: claim.money.patientResponsibilityCents, dueOn: secondary.dueOn, reasons: [{ code: 'secondary-due', otherPayer: claim.otherPayer.name }, clockReason(secondary)] };
    }
    const decision = clock('appeal-decision');
    if (claim.status === 'appealed' && (due(decision) || due(clock('follow-up')))) {
      const appeal = claim.appeals.at(-1)!;
      return { queue: 'appeal-pending', dollarsCents: claim.money.payerBalanceCents, dueOn: decision?.dueOn, reasons: [{ code: 'appeal-pending', level: appeal.level, appealedOn: appeal.appealedOn }] };
    }
    const silence = clock('no-response');
    if (silence && (due(silence) || due(clock('follow-up')))) {
      return { queue: 'no-response', dollarsCents: claim.money.payerBalanceCents, dueOn: filing?.dueOn, reasons: [{ code: 'no-response', since: silence.startsOn }, ...(filing ? [clockReason(filing)] : [])] };
    }
    return undefined;
  })();
  if (!route) return undefined;
  // A biller's pend hides the work until its date, unless a deadline comes first.
  if (followUpOn && followUpOn > today && !(route.dueOn && daysLeft({ dueOn: route.dueOn }, today) <= 7)) return undefined;
  const days = ageOf(claim, today, 'service', settings.agingBuckets).days;
  const bucketIndex = ((i) => (i === -1 ? settings.agingBuckets.length : i))(settings.agingBuckets.findIndex((high) => days <= high));
  const left = route.dueOn ? daysLeft({ dueOn: route.dueOn }, today) : undefined;
  return {
    ...route,
    priority: priorityOf(route.queue, route.dollarsCents, left, bucketIndex),
    assignee: assigneeFor(settings.assignmentRules, route.queue, claim.payer.id, route.dollarsCents),
    payerId: claim.payer.id,
  };
};

const clockNames: Record<Clock['kind'], string> = {
  'timely-filing': 'timely filing',
  appeal: 'appeal',
  'appeal-decision': 'appeal decision follow-up',
  'no-response': 'no-response follow-up',
  'secondary-filing': 'secondary filing',
  'follow-up': 'your follow-up date',
};
const inDays = (dueOn: CalendarDate, today: CalendarDate): string => {
  const left = daysBetween(today, dueOn);
  return left > 1 ? `closes in ${left} days` : left === 1 ? 'closes tomorrow' : left === 0 ? 'closes today' : `closed ${-left} day${left === -1 ? '' : 's'} ago`;
};

/** A reason in a biller's words, as of `today`: "timely filing closes in 9 days", "denied CO-197: …". */
export const describeReason = (reason: Reason, today: CalendarDate): string => {
  switch (reason.code) {
    case 'credit-balance':
      // Payer names only: reasons reach emails and logs, so never anything about the patient.
      return reason.payerOrder
        ? `credit balance of ${dollars(reason.cents)}: the ${payerOrderName(reason.payerOrder)} payer${reason.payerName ? ` (${reason.payerName})` : ''} overpaid by ${dollars(reason.cents)}: refund due`
        : `credit balance of ${dollars(reason.cents)}: refund due`;
    case 'timely-filing-expired':
      return `timely filing ran out ${-daysBetween(today, reason.dueOn)} days ago: write-off review unless you have proof of timely filing`;
    case 'rejected':
      return `rejected at the front door (${reason.categoryCode}/${reason.statusCode}) on ${reason.on}: fix and resubmit`;
    case 'denied':
      return `denied ${denialLabel(reason)}${reason.rarcs.length ? ` (remarks ${reason.rarcs.join(', ')})` : ''}: ${reason.patientNotRecognized ? patientNotRecognizedWork : denialWork[reason.category]}`;
    case 'info-requested':
      return `payer requested information (${reason.categoryCode}) on ${reason.on}: send it`;
    case 'underpaid':
      return `paid ${dollars(reason.receivedCents)} against ${dollars(reason.expectedCents)} contracted: underpaid by ${dollars(reason.expectedCents - reason.receivedCents)}`;
    case 'secondary-due':
      return `bill the secondary payer (${reason.otherPayer})`;
    case 'appeal-pending':
      return `${reason.level} appeal filed ${reason.appealedOn}, ${daysBetween(reason.appealedOn, today)} days without a decision`;
    case 'no-response':
      return `no response from the payer since ${reason.since} (${daysBetween(reason.since, today)} days): check status`;
    case 'clock':
      return `${reason.level ? `${reason.level} ` : ''}${clockNames[reason.kind]} ${inDays(reason.dueOn, today)}`;
  }
};

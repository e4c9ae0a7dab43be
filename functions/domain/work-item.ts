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
import { answerOverdueOn, everyDaysFor, inquiryStanding } from './status-inquiry.js';
import type { AssignmentRule, ContractRate, FollowUpQueue, TenantSettings } from './tenant-settings.js';

export const writeOffReasons = ['timely-filing', 'contractual', 'small-balance', 'non-covered', 'bad-debt', 'other'] as const;
export type WriteOffReason = (typeof writeOffReasons)[number];

/** A biller's request to write a claim's balance off, waiting for a manager's decision. */
export interface WriteOffRequest {
  readonly cents: number;
  readonly reason: WriteOffReason;
  readonly requestedBy: string;
  readonly requestedOn: CalendarDate;
}

/** What billers and managers set on a work item that the plan must respect. */
export interface WorkItemMarks {
  /** The biller's next follow-up date (pend): the work is hidden until then. */
  readonly followUpOn?: CalendarDate;
  /** A manager accepted a follow-up date after a deadline: the pend holds even then. */
  readonly followUpPastDeadline?: boolean;
  readonly writeOffRequest?: WriteOffRequest;
  /**
   * Asked by 276 on this date: no manual status call (no-response) until the answer is overdue. The plan judges the
   * mark against the claim (status-inquiry.ts `inquiryStanding`): an answered or stale one counts for nothing, so the
   * mark may survive a closed and reopened work item.
   */
  readonly statusAskedOn?: CalendarDate;
}

/** Who works the write-off approvals: the tenant's managers, never a biller's queue or the pool. */
export const managersAssignee = 'managers';

export type Reason =
  | { readonly code: 'credit-balance'; readonly cents: number; readonly payerOrder?: PayerOrder; readonly payerName?: string }
  /** Stored by earlier versions; today a passed filing limit is a `deadline-passed` reason. */
  | { readonly code: 'timely-filing-expired'; readonly dueOn: CalendarDate }
  /** The last deadline that could still recover the money has passed: review for write-off or proof of timely filing. */
  | { readonly code: 'deadline-passed'; readonly kind: Clock['kind']; readonly dueOn: CalendarDate; readonly level?: string }
  | { readonly code: 'write-off-requested'; readonly cents: number; readonly reason: WriteOffReason; readonly requestedBy: string; readonly requestedOn: CalendarDate }
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
  /** Asked by 276 and no 277 came: the answer is overdue, so a biller checks by hand. */
  | { readonly code: 'status-asked'; readonly on: CalendarDate }
  | { readonly code: 'clock'; readonly kind: Clock['kind']; readonly dueOn: CalendarDate; readonly level?: string }
  /**
   * A remittance line (835 CLP) for a claim the tenant does not hold: who paid, the payment's trace (EFT or check)
   * number, what the line paid (negative for a reversal), its remit date and CLP02; which remittance (its opaque id)
   * and line it is, so a line is kept once. No patient data.
   */
  | {
      readonly code: 'unmatched-remittance';
      readonly payerName: string | null;
      readonly payerId: string | null;
      readonly traceNumber: string | null;
      readonly paidCents: number;
      readonly remitDate: CalendarDate;
      readonly statusCode: string;
      readonly remitId: string;
      readonly position: number;
    };

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
  /** What a biller needs on the row to know whom to call, without opening the claim (no patient data). */
  readonly payerName: string;
  readonly serviceFrom: CalendarDate;
  readonly serviceThrough: CalendarDate;
  readonly claimStatus: Claim['status'];
  /** What the payer still owes on the claim. */
  readonly balanceCents: number;
}

const queueWeight: Record<FollowUpQueue, number> = {
  'credit-balance': 20,
  rejections: 25,
  denials: 20,
  underpaid: 15,
  'secondary-billing': 15,
  'appeal-pending': 10,
  'no-response': 15,
  'unmatched-remittance': 15,
  'write-off-approval': 0,
  'deadline-passed': 0,
};

/** Every claim that can still recover money ranks above every claim whose deadlines have all passed. */
export const recoverableFloor = 100;

/**
 * Deadline points, in bands so that a deadline moves the priority only when it crosses a band. A passed deadline
 * earns nothing: what it guarded is lost, and the claim is reviewed in `deadline-passed`, not worked first.
 */
export const deadlinePoints = (left: number | undefined): number =>
  left === undefined || left < 0 ? 0 : left <= 7 ? 35 : left <= 14 ? 30 : left <= 30 ? 20 : left <= 60 ? 10 : 0;

/** Dollar points: ten per order of magnitude, so $1,000 counts 30 and $10,000 counts 40. */
export const dollarPoints = (cents: number): number => Math.min(60, Math.floor(10 * Math.log10(1 + Math.max(0, cents) / 100)));

/**
 * Priority, highest first: queue weight + dollars + time left on the nearest deadline + age bucket. Every part
 * is a whole number a biller can read back from the reasons.
 */
export const priorityOf = (queue: FollowUpQueue, dollarsCents: number, left: number | undefined, bucketIndex: number): number =>
  queue === 'deadline-passed' || queue === 'write-off-approval'
    ? dollarPoints(dollarsCents)
    : recoverableFloor + queueWeight[queue] + dollarPoints(dollarsCents) + deadlinePoints(left) + bucketIndex * 3;

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

type RowFields = 'payerId' | 'payerName' | 'serviceFrom' | 'serviceThrough' | 'claimStatus' | 'balanceCents';

type Route = Omit<WorkItemPlan, RowFields | 'priority' | 'assignee' | 'dueOn'> & {
  /** The deadlines that still let this work recover the money (the nearest open one ranks it). */
  readonly deadlines: readonly Clock[];
};

/**
 * Routes an open claim: which queue, why, for how much, by when, and to whom. Pure: today is a parameter.
 * Work whose every deadline has passed goes to `deadline-passed` (write-off review or proof of timely filing), ranked
 * by dollars below all work that can still recover money; a write-off request waits in `write-off-approval`; a pend
 * hides the work until its date (the API accepts no pend past a deadline, unless a manager says so).
 */
export const planWorkItem = (claim: Claim, settings: TenantSettings, today: CalendarDate, marks: WorkItemMarks = {}): WorkItemPlan | undefined => {
  if (!claim.inFollowUp || claim.status === 'closed' || claim.status === 'written-off') return undefined;
  const { followUpOn } = marks;
  const clocks = claimClocks(claim, settings, today, followUpOn);
  const clock = (kind: Clock['kind']) => clocks.find((c) => c.kind === kind);
  const due = (c: Clock | undefined) => c !== undefined && daysLeft(c, today) <= 0;
  const denial = mainDenial(claim);
  const filing = clock('timely-filing');
  const filingDeadline = filing ? [filing] : [];
  const inForce = claim.adjudications.filter((a) => !a.reversedOn);
  const expected = inForce.length ? expectedAllowedCents(claim, settings.contractRates) : undefined;
  const received = claim.money.paidCents + claim.money.patientResponsibilityCents;

  const route = ((): Route | undefined => {
    if (claim.money.creditBalanceCents > 0) {
      const by = claim.money.overpaidBy;
      return {
        queue: 'credit-balance',
        dollarsCents: claim.money.creditBalanceCents,
        deadlines: [],
        reasons: [{ code: 'credit-balance', cents: claim.money.creditBalanceCents, ...(by ? { payerOrder: by.payerOrder, ...(by.payerName ? { payerName: by.payerName } : {}) } : {}) }],
      };
    }
    if (claim.status === 'rejected' && claim.rejection) {
      const { categoryCode, statusCode, on } = claim.rejection;
      return { queue: 'rejections', dollarsCents: claim.money.payerBalanceCents, deadlines: filingDeadline, reasons: [{ code: 'rejected', categoryCode, statusCode, on }] };
    }
    if (claim.status === 'info-requested' && claim.lastStatus) {
      return {
        queue: 'denials',
        category: 'missing-information',
        dollarsCents: claim.money.payerBalanceCents,
        deadlines: filingDeadline,
        reasons: [{ code: 'info-requested', categoryCode: claim.lastStatus.categoryCode, on: claim.lastStatus.on }],
      };
    }
    if (denial && claim.status !== 'appealed' && claim.money.deniedCents > 0) {
      // An appeal, or a corrected claim within the filing limit when the denial needs one: either still recovers it.
      const deadlines = [clock('appeal'), filing].filter((c): c is Clock => c !== undefined);
      return {
        queue: 'denials',
        category: denial.category,
        dollarsCents: claim.money.deniedCents,
        deadlines,
        reasons: [{ code: 'denied', group: denial.group, carc: denial.carc, rarcs: denial.rarcs, category: denial.category, ...(denial.patientNotRecognized ? { patientNotRecognized: true as const } : {}) }],
      };
    }
    // Under appeal the payer is deciding again: what it paid is not yet its last word.
    if (expected !== undefined && claim.status !== 'appealed' && expected - received >= settings.underpaymentThresholdCents) {
      return { queue: 'underpaid', dollarsCents: expected - received, deadlines: [], reasons: [{ code: 'underpaid', expectedCents: expected, receivedCents: received }] };
    }
    const secondary = clock('secondary-filing');
    if (secondary && claim.otherPayer) {
      return { queue: 'secondary-billing', dollarsCents: claim.money.patientResponsibilityCents, deadlines: [secondary], reasons: [{ code: 'secondary-due', otherPayer: claim.otherPayer.name }] };
    }
    const decision = clock('appeal-decision');
    if (claim.status === 'appealed' && (due(decision) || due(clock('follow-up')))) {
      const appeal = claim.appeals.at(-1)!;
      // No deadline: the decision's follow-up date is when this work came due, and nothing is lost when it passes (so
      // it counts neither as near a deadline nor toward overdue; its age does, as for any work).
      return { queue: 'appeal-pending', dollarsCents: claim.money.payerBalanceCents, deadlines: [], reasons: [{ code: 'appeal-pending', level: appeal.level, appealedOn: appeal.appealedOn }] };
    }
    const silence = clock('no-response');
    if (silence && (due(silence) || due(clock('follow-up')))) {
      return { queue: 'no-response', dollarsCents: claim.money.payerBalanceCents, deadlines: filingDeadline, reasons: [{ code: 'no-response', since: silence.startsOn }] };
    }
    // Nothing to follow up yet, but the payer does not have the claim and its filing limit passed (a claim sent too
    // late): that is for review. (A denial or an appeal has its own route: an appeal filed can still recover it.)
    if (filing && daysLeft(filing, today) < 0 && !denial && claim.status !== 'appealed') return { queue: 'no-response', dollarsCents: claim.money.payerBalanceCents, deadlines: filingDeadline, reasons: [] };
    return undefined;
  })();
  // A write-off request waits for a manager whatever the claim's route does meanwhile (a status restarting its
  // no-response clock must not close it where nobody sees it).
  if (!route && !marks.writeOffRequest) return undefined;
  const deadlines = route?.deadlines ?? [];
  const open = [...deadlines].filter((c) => daysLeft(c, today) >= 0).sort((a, b) => (a.dueOn < b.dueOn ? -1 : 1));
  const passed = deadlines.length > 0 && open.length === 0;
  const work = ((): Omit<WorkItemPlan, RowFields | 'priority' | 'assignee'> => {
    if (marks.writeOffRequest) {
      const { cents, reason, requestedBy, requestedOn } = marks.writeOffRequest;
      return { ...(route?.category ? { category: route.category } : {}), queue: 'write-off-approval', dollarsCents: cents, reasons: [{ code: 'write-off-requested', cents, reason, requestedBy, requestedOn }, ...(route?.reasons ?? [])] };
    }
    const { deadlines: _deadlines, ...rest } = route!;
    if (passed) {
      // The one that closed last is the one that lost the money.
      const last = [...deadlines].sort((a, b) => (a.dueOn < b.dueOn ? 1 : -1))[0]!;
      return { ...rest, queue: 'deadline-passed', dueOn: last.dueOn, reasons: [{ code: 'deadline-passed', kind: last.kind, dueOn: last.dueOn, ...(last.level ? { level: last.level } : {}) }, ...rest.reasons] };
    }
    return { ...rest, ...(open[0] ? { dueOn: open[0].dueOn } : {}), reasons: [...rest.reasons, ...open.map(clockReason)] };
  })();
  // Asked by 276 and not answered since: hidden until the answer is overdue (like a pend), unless a deadline comes up
  // before then; once overdue (and until the next inquiry is due), the reasons say the payer was asked. An answered or
  // stale inquiry changes nothing.
  const asked = work.queue === 'no-response' ? marks.statusAskedOn : undefined;
  const standing = inquiryStanding(claim, asked, today, everyDaysFor(settings, claim.payer.id));
  let planned = work;
  if (asked && (standing === 'awaiting' || standing === 'overdue')) {
    const overdueOn = answerOverdueOn(asked);
    if (standing === 'awaiting' && !(work.dueOn && work.dueOn >= today && work.dueOn < overdueOn)) return undefined;
    planned = { ...work, reasons: [{ code: 'status-asked', on: asked }, ...work.reasons] };
  }
  // A pend hides the work until its date; a deadline that came up since, before that date, brings it back. (A
  // write-off request is the manager's to decide: a pend does not hide it from them.)
  if (work.queue !== 'write-off-approval' && followUpOn && followUpOn > today && !(work.dueOn && work.dueOn >= today && work.dueOn < followUpOn && !marks.followUpPastDeadline)) return undefined;
  const days = ageOf(claim, today, 'service', settings.agingBuckets).days;
  const bucketIndex = ((i) => (i === -1 ? settings.agingBuckets.length : i))(settings.agingBuckets.findIndex((high) => days <= high));
  const left = work.dueOn ? daysLeft({ dueOn: work.dueOn }, today) : undefined;
  return {
    ...planned,
    priority: priorityOf(work.queue, work.dollarsCents, left, bucketIndex),
    assignee: work.queue === 'write-off-approval' ? managersAssignee : assigneeFor(settings.assignmentRules, work.queue, claim.payer.id, work.dollarsCents),
    payerId: claim.payer.id,
    payerName: claim.payer.name,
    serviceFrom: claim.serviceFrom,
    serviceThrough: claim.serviceThrough,
    claimStatus: claim.status,
    balanceCents: claim.money.payerBalanceCents,
  };
};

/**
 * The deadline a follow-up date must not pass: the nearest one still open on the work, with its name as a biller
 * says it ("appeal deadline"); undefined when the work has none.
 */
export const deadlineBefore = (plan: Pick<WorkItemPlan, 'dueOn' | 'reasons' | 'queue'> | undefined, today: CalendarDate): { readonly dueOn: CalendarDate; readonly name: string } | undefined => {
  if (!plan?.dueOn || plan.dueOn < today || plan.queue === 'deadline-passed') return undefined;
  const reason = plan.reasons.find((r): r is Extract<Reason, { code: 'clock' }> => r.code === 'clock' && r.dueOn === plan.dueOn && r.kind in deadlineNames);
  return reason ? { dueOn: plan.dueOn, name: `${reason.level ? `${reason.level} ` : ''}${deadlineNames[reason.kind as keyof typeof deadlineNames]}` } : undefined;
};

/** The clocks whose passing loses money, as a biller names them. */
const deadlineNames = {
  'timely-filing': 'timely filing deadline',
  appeal: 'appeal deadline',
  'secondary-filing': 'secondary filing deadline',
} as const;

/** The one thing to do next on the work, in a biller's words (the row of a listing shows it). */
export const nextStepOf = (plan: Pick<WorkItemPlan, 'queue' | 'category' | 'reasons'>): string => {
  const main = plan.reasons[0];
  switch (plan.queue) {
    case 'credit-balance':
      return 'refund the overpayment';
    case 'rejections':
      return 'fix the claim and resubmit it';
    case 'denials':
      if (main?.code === 'info-requested') return 'send the payer the information it asked for';
      return main?.code === 'denied' && main.patientNotRecognized ? patientNotRecognizedWork : denialWork[plan.category ?? 'other'];
    case 'underpaid':
      return 'dispute the underpayment with the payer';
    case 'secondary-billing':
      return 'bill the secondary payer';
    case 'appeal-pending':
      return 'call the payer for the appeal decision';
    case 'no-response':
      return 'check the claim status with the payer';
    case 'unmatched-remittance':
      return 'find the claim this payment is for: load it, or return the payment';
    case 'write-off-approval':
      return 'approve or decline the write-off';
    case 'deadline-passed':
      return 'review: proof of timely filing, or write it off';
  }
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
    case 'deadline-passed':
      return `${reason.level ? `${reason.level} ` : ''}${clockNames[reason.kind]} ${inDays(reason.dueOn, today)} (${reason.dueOn}): nothing left to recover unless you can prove timely filing; review for write-off`;
    case 'write-off-requested':
      return `write-off of ${dollars(reason.cents)} (${reason.reason}) requested by ${reason.requestedBy} on ${reason.requestedOn}: approve or decline`;
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
    case 'status-asked':
      return `status asked by 276 on ${reason.on}, no answer yet`;
    case 'no-response':
      return `no response from the payer since ${reason.since} (${daysBetween(reason.since, today)} days): check status`;
    case 'clock':
      return `${reason.level ? `${reason.level} ` : ''}${clockNames[reason.kind]} ${inDays(reason.dueOn, today)}`;
    case 'unmatched-remittance':
      return `${reason.payerName ?? 'a payer'} ${reason.paidCents < 0 ? `took back ${dollars(-reason.paidCents)}` : `remitted ${dollars(reason.paidCents)}`} on ${reason.remitDate} (trace ${reason.traceNumber ?? 'not given'}) for a claim this practice does not hold: find the claim and post it, or return the payment`;
  }
};

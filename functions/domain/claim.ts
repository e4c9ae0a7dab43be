// A claim as follow-up sees it, derived from all of its events. The claim is a pure function of the *set* of its
// events: they are put in the order of their own time (then life-cycle stage, then id), never arrival order, so any
// arrival order gives the same claim, and a late-arriving early event lands where it belongs.
import type { CalendarDate } from './calendar.js';
import type { Adjustment, ClaimEvent, ClaimEventType, EventOf, Patient, ServiceLine, Subscriber } from './claim-events.js';
import { forwardedClp02, isDenialAdjustment, type Clp02 } from './codes.js';
import { claimMoney, nextPayerDue, type ClaimMoney } from './money.js';

export { isDenialAdjustment };

export type ClaimStatus =
  | 'submitted'
  | 'acknowledged'
  | 'rejected'
  | 'pending'
  | 'info-requested'
  | 'paid'
  | 'partially-paid'
  | 'denied'
  | 'reversed'
  | 'appealed'
  | 'written-off'
  | 'closed';

export interface Adjudication {
  readonly eventId: string;
  readonly remitDate: CalendarDate;
  readonly claimStatusCode: Clp02;
  readonly payerClaimNumber: string;
  readonly allowedCents?: number;
  readonly paidCents: number;
  readonly patientResponsibilityCents: number;
  /** Claim- and line-level adjustments together; `line` is the 1-based line when it came from a line. */
  readonly adjustments: ReadonlyArray<Adjustment & { readonly line?: number }>;
  readonly remarkCodes: readonly string[];
  /** Remit date of the reversal that took this payment back. */
  readonly reversedOn?: CalendarDate;
}

/** A claim's money, per payer adjudication: see claimMoney in money.ts. */
export type Money = ClaimMoney;

export interface Claim {
  readonly tenantId: string;
  readonly claimId: string;
  readonly status: ClaimStatus;
  /** Open while a payer balance or credit is outstanding or an appeal is pending, unless closed. */
  readonly open: boolean;
  /**
   * Still to be looked at by the nightly run: open, or paid but with work that may remain (bill the secondary;
   * a fee-schedule reduction to check against the contract, since underpayments hide in CO-45).
   */
  readonly inFollowUp: boolean;
  readonly payer: EventOf<'claim.submitted'>['payload']['payer'];
  readonly patient: Patient;
  /** The insured, when not the patient (their member id is the patient's `memberId`). */
  readonly subscriber?: Subscriber;
  readonly billingNpi: string;
  readonly renderingNpi: string;
  readonly participating: boolean;
  readonly submissionMethod: 'electronic' | 'paper';
  readonly otherPayer?: { readonly id: string; readonly name: string };
  readonly frequencyCode: '1' | '7' | '8';
  readonly originalClaimNumber?: string;
  readonly payerClaimNumber?: string;
  readonly serviceFrom: CalendarDate;
  readonly serviceThrough: CalendarDate;
  /** First submission: the timely-filing proof date. */
  readonly submittedOn: CalendarDate;
  /** Latest submission or resubmission: the no-response clock runs from here. */
  readonly lastSubmittedOn: CalendarDate;
  readonly lines: readonly ServiceLine[];
  readonly diagnosisCodes: readonly string[];
  readonly acknowledgedOn?: CalendarDate;
  readonly rejection?: { readonly categoryCode: string; readonly statusCode: string; readonly reason: string; readonly on: CalendarDate };
  readonly lastStatus?: { readonly categoryCode: string; readonly statusCode: string; readonly on: CalendarDate };
  readonly adjudications: readonly Adjudication[];
  /** Forwarded by the payer to the next payer (CLP02 19-21): the secondary is billed for us. */
  readonly forwardedToSecondary: boolean;
  readonly appeals: ReadonlyArray<{ readonly level: string; readonly appealedOn: CalendarDate }>;
  readonly writeOffs: ReadonlyArray<{ readonly amountCents: number; readonly reason: string; readonly on: CalendarDate }>;
  readonly closed?: { readonly reason: string; readonly on: CalendarDate };
  readonly money: Money;
  readonly notes: number;
  /** Occurred-at of the latest event. */
  readonly lastEventAt: string;
  /** Date of the latest event that was work on the claim (not a note). */
  readonly lastActivityOn: CalendarDate;
  readonly eventCount: number;
  /**
   * Aging bucket (date-of-service basis) as of the last nightly run. Only the bucket is stored: the day count
   * changes every night and is computed when read, so a quiet night writes nothing for a claim.
   */
  readonly agingBucket?: string;
}

/** Events are known for a claim whose claim.submitted has not arrived yet. */
export interface AwaitingSubmission {
  readonly tenantId: string;
  readonly claimId: string;
  readonly status: 'awaiting-submission';
  readonly open: false;
  readonly eventCount: number;
  readonly lastEventAt: string;
}

export type ClaimState = Claim | AwaitingSubmission;

export const isClaim = (state: ClaimState | undefined): state is Claim =>
  state !== undefined && state.status !== 'awaiting-submission';

/**
 * Life-cycle stage: orders events that happened at the same instant. A reversal comes before an adjudication: in an
 * 835 the reversal (CLP02 22) of a payment and the corrected claim that replaces it come together, the reversal
 * first, so at one instant the reversal takes back the earlier payment and never the correction.
 */
const stage: Record<ClaimEventType, number> = {
  'claim.submitted': 0,
  'claim.resubmitted': 1,
  'claim.acknowledged': 2,
  'claim.rejected': 3,
  'claim.status': 4,
  'claim.reversed': 5,
  'claim.adjudicated': 6,
  'claim.appealed': 7,
  'claim.written_off': 8,
  'claim.closed': 9,
  'note.added': 10,
};

/** The order events take effect in: their own time, then life-cycle stage, then id (deterministic on ties). */
export const compareEvents = (a: ClaimEvent, b: ClaimEvent): number =>
  Date.parse(a.occurredAt) - Date.parse(b.occurredAt) || stage[a.type] - stage[b.type] || (a.eventId < b.eventId ? -1 : a.eventId > b.eventId ? 1 : 0);

const sumBy = <T>(items: readonly T[], value: (item: T) => number): number => items.reduce((sum, item) => sum + value(item), 0);

const dateOf = (event: ClaimEvent): CalendarDate => event.occurredAt.slice(0, 10);

/** Where an event stands in the order events take effect in (see compareEvents). */
export interface EventPosition {
  readonly occurredAt: string;
  readonly type: ClaimEventType;
  readonly eventId: string;
}

const positionOf = (event: ClaimEvent): EventPosition => ({ occurredAt: event.occurredAt, type: event.type, eventId: event.eventId });

/**
 * What the derivation of a claim carries from one event to the next, in the order events take effect. It is plain
 * data, stored beside the claim, so that an event that takes effect after every event applied so far (the usual
 * case: events arrive roughly in the order they happen) is one step, not a replay of the claim's whole history.
 * Its size does not grow with notes, status checks or acknowledgments, only with remits, appeals and write-offs.
 */
export interface ClaimFold {
  readonly submissionEventId: string;
  readonly submission: EventOf<'claim.submitted'>['payload'];
  readonly billedCents: number;
  readonly lines: readonly ServiceLine[];
  readonly frequencyCode: Claim['frequencyCode'];
  readonly originalClaimNumber?: string;
  readonly lastSubmittedOn: CalendarDate;
  readonly payerClaimNumber?: string;
  readonly acknowledgedOn?: CalendarDate;
  readonly rejection?: Claim['rejection'];
  readonly lastStatus?: Claim['lastStatus'];
  readonly adjudications: readonly Adjudication[];
  readonly appeals: Claim['appeals'];
  readonly writeOffs: Claim['writeOffs'];
  readonly closed?: Claim['closed'];
  readonly notes: number;
  readonly lastActivityOn: CalendarDate;
  readonly lastEventAt: string;
  readonly eventCount: number;
  /**
   * Sequence number of each stage of the current cycle (a later event has a higher number; -1: none yet). Only
   * their order matters, so an event stepped in later gets a number above all of them.
   */
  readonly sequence: number;
  readonly cycleStart: number;
  readonly cycle: { readonly acknowledged: number; readonly rejected: number; readonly status: number; readonly adjudicated: number; readonly appealed: number };
  /** The latest event that took effect, notes aside (notes change nothing that depends on order). */
  readonly latest: EventPosition;
}

const noCycle = { acknowledged: -1, rejected: -1, status: -1, adjudicated: -1, appealed: -1 } as const;

const laterAt = (a: string, b: string): string => (a === '' || Date.parse(b) > Date.parse(a) ? b : a);

/** The fold of a submission alone, whose cycle starts at sequence number `cycleStart`. */
const foldFrom = (submission: EventOf<'claim.submitted'>, cycleStart: number): ClaimFold => {
  const p = submission.payload;
  return {
    submissionEventId: submission.eventId,
    submission: p,
    billedCents: p.totalChargeCents,
    lines: p.lines,
    frequencyCode: p.frequencyCode,
    ...(p.originalClaimNumber ? { originalClaimNumber: p.originalClaimNumber, payerClaimNumber: p.originalClaimNumber } : {}),
    lastSubmittedOn: p.submittedOn,
    adjudications: [],
    appeals: [],
    writeOffs: [],
    notes: 0,
    lastActivityOn: p.submittedOn,
    lastEventAt: submission.occurredAt,
    eventCount: 1,
    sequence: cycleStart,
    cycleStart,
    cycle: noCycle,
    latest: positionOf(submission),
  };
};

/** One event taking effect, after every event already in the fold (notes: anywhere). */
const step = (fold: ClaimFold, event: ClaimEvent): ClaimFold => {
  const counted = { ...fold, eventCount: fold.eventCount + 1, lastEventAt: laterAt(fold.lastEventAt, event.occurredAt) };
  if (event.type === 'note.added') return { ...counted, notes: fold.notes + 1 };
  const at = fold.sequence + 1;
  const f: ClaimFold = {
    ...counted,
    sequence: at,
    latest: compareEvents(positionOf(event) as ClaimEvent, fold.latest as ClaimEvent) > 0 ? positionOf(event) : fold.latest,
    lastActivityOn: event.type === 'claim.submitted' ? fold.lastActivityOn : maxDate(fold.lastActivityOn, dateOf(event)),
  };
  switch (event.type) {
    case 'claim.submitted':
      return f; // the first one is the base; a second is refused at ingest
    case 'claim.resubmitted': {
      const r = event.payload;
      const { closed: _reopened, ...rest } = f;
      return {
        ...rest,
        lastSubmittedOn: r.resubmittedOn,
        frequencyCode: r.frequencyCode,
        ...(r.originalClaimNumber ?? f.originalClaimNumber ? { originalClaimNumber: r.originalClaimNumber ?? f.originalClaimNumber } : {}),
        ...(r.totalChargeCents !== undefined ? { billedCents: r.totalChargeCents } : {}),
        ...(r.lines ? { lines: r.lines } : {}),
        cycleStart: at,
        cycle: noCycle,
      };
    }
    case 'claim.acknowledged':
      return {
        ...f,
        acknowledgedOn: event.payload.acknowledgedOn,
        ...(event.payload.payerClaimNumber ?? f.payerClaimNumber ? { payerClaimNumber: event.payload.payerClaimNumber ?? f.payerClaimNumber } : {}),
        cycle: { ...f.cycle, acknowledged: at },
      };
    case 'claim.rejected':
      return {
        ...f,
        rejection: { categoryCode: event.payload.categoryCode, statusCode: event.payload.statusCode, reason: event.payload.reason, on: event.payload.rejectedOn },
        cycle: { ...f.cycle, rejected: at },
      };
    case 'claim.status':
      return {
        ...f,
        lastStatus: { categoryCode: event.payload.categoryCode, statusCode: event.payload.statusCode, on: event.payload.statusOn },
        ...(event.payload.payerClaimNumber ?? f.payerClaimNumber ? { payerClaimNumber: event.payload.payerClaimNumber ?? f.payerClaimNumber } : {}),
        cycle: { ...f.cycle, status: at },
      };
    case 'claim.adjudicated': {
      const a = event.payload;
      const adjudication: Adjudication = {
        eventId: event.eventId,
        remitDate: a.remitDate,
        claimStatusCode: a.claimStatusCode,
        payerClaimNumber: a.payerClaimNumber,
        ...(a.allowedCents !== undefined ? { allowedCents: a.allowedCents } : {}),
        paidCents: a.paidCents,
        patientResponsibilityCents: a.patientResponsibilityCents,
        adjustments: [...a.adjustments, ...a.lines.flatMap((line, i) => line.adjustments.map((adj) => ({ ...adj, line: i + 1 })))],
        remarkCodes: [...a.remarkCodes, ...a.lines.flatMap((line) => line.remarkCodes)],
      };
      // New money after a closure reopens the claim.
      const { closed: _reopened, ...rest } = f;
      return { ...rest, adjudications: [...f.adjudications, adjudication], payerClaimNumber: a.payerClaimNumber, cycle: { ...f.cycle, adjudicated: at } };
    }
    case 'claim.reversed': {
      // It takes back the payment in force it names (payer claim number and remit date), else the latest one under
      // that number; only one that took effect before it (the fold holds no other), never one dated after it.
      const r = event.payload;
      const target = [...f.adjudications]
        .reverse()
        .find(
          (a) =>
            !a.reversedOn && a.payerClaimNumber === r.payerClaimNumber && a.remitDate <= r.remitDate && (!r.reversesRemitDate || a.remitDate === r.reversesRemitDate),
        );
      const { closed: _reopened, ...rest } = f;
      return { ...rest, adjudications: f.adjudications.map((a) => (a === target ? { ...a, reversedOn: r.remitDate } : a)) };
    }
    case 'claim.appealed':
      return { ...f, appeals: [...f.appeals, { level: event.payload.level, appealedOn: event.payload.appealedOn }], cycle: { ...f.cycle, appealed: at } };
    case 'claim.written_off':
      return { ...f, writeOffs: [...f.writeOffs, { amountCents: event.payload.amountCents, reason: event.payload.reason, on: event.payload.writtenOffOn }] };
    case 'claim.closed':
      return { ...f, closed: { reason: event.payload.reason, on: event.payload.closedOn } };
  }
};

/** The claim a fold stands for. */
export const claimOfFold = (tenantId: string, claimId: string, fold: ClaimFold): Claim => {
  const p = fold.submission;
  const { adjudications, cycle, cycleStart, closed, writeOffs } = fold;
  const money = claimMoney(fold.billedCents, adjudications, sumBy(writeOffs, (w) => w.amountCents), { primary: p.payer.name, secondary: p.otherPayer?.name });
  const inForce = adjudications.filter((a) => !a.reversedOn);
  const after = (position: number, than: number): boolean => position > than && position > cycleStart;
  const status = ((): ClaimStatus => {
    if (closed) return 'closed';
    if (writeOffs.length > 0 && money.payerBalanceCents === 0 && money.creditBalanceCents === 0) return 'written-off';
    if (cycle.appealed > cycleStart && cycle.appealed > cycle.adjudicated) return 'appealed';
    if (inForce.length > 0) {
      if (money.payerBalanceCents === 0) return 'paid';
      return money.paidCents > 0 ? 'partially-paid' : 'denied';
    }
    if (adjudications.length > 0 && cycle.adjudicated > cycleStart) return 'reversed';
    if (after(cycle.status, Math.max(cycle.rejected, cycle.acknowledged))) return fold.lastStatus!.categoryCode.startsWith('R') ? 'info-requested' : 'pending';
    if (after(cycle.rejected, cycle.acknowledged)) return 'rejected';
    if (after(cycle.acknowledged, -1)) return 'acknowledged';
    return 'submitted';
  })();
  const open =
    status !== 'closed' && status !== 'written-off' && (money.payerBalanceCents > 0 || money.creditBalanceCents > 0 || status === 'appealed');

  const secondaryPending = nextPayerDue(p.otherPayer !== undefined, adjudications, money);
  const reduced = money.reducedCents > 0;
  const inFollowUp = open || (status === 'paid' && (secondaryPending || reduced));

  return {
    tenantId,
    claimId,
    status,
    open,
    inFollowUp,
    payer: p.payer,
    patient: p.patient,
    ...(p.subscriber ? { subscriber: p.subscriber } : {}),
    billingNpi: p.billingNpi,
    renderingNpi: p.renderingNpi,
    participating: p.participating,
    submissionMethod: p.submissionMethod,
    ...(p.otherPayer ? { otherPayer: p.otherPayer } : {}),
    frequencyCode: fold.frequencyCode,
    ...(fold.originalClaimNumber ? { originalClaimNumber: fold.originalClaimNumber } : {}),
    ...(fold.payerClaimNumber ? { payerClaimNumber: fold.payerClaimNumber } : {}),
    serviceFrom: p.serviceDate.from,
    serviceThrough: p.serviceDate.through,
    submittedOn: p.submittedOn,
    lastSubmittedOn: fold.lastSubmittedOn,
    lines: fold.lines,
    diagnosisCodes: p.diagnosisCodes,
    ...(fold.acknowledgedOn ? { acknowledgedOn: fold.acknowledgedOn } : {}),
    ...(fold.rejection ? { rejection: fold.rejection } : {}),
    ...(fold.lastStatus ? { lastStatus: fold.lastStatus } : {}),
    adjudications,
    forwardedToSecondary: inForce.some((a) => forwardedClp02.includes(a.claimStatusCode)),
    appeals: fold.appeals,
    writeOffs,
    ...(closed ? { closed } : {}),
    money,
    notes: fold.notes,
    lastEventAt: fold.lastEventAt,
    lastActivityOn: fold.lastActivityOn,
    eventCount: fold.eventCount,
  };
};

/** A claim's events folded in the order they take effect (any order in, same fold out); none without a submission. */
export const foldEvents = (events: readonly ClaimEvent[]): ClaimFold | undefined => {
  const ordered = [...events].sort(compareEvents);
  const at = ordered.findIndex((e) => e.type === 'claim.submitted');
  if (at < 0) return undefined;
  const submission = ordered[at] as EventOf<'claim.submitted'>;
  // The submission opens the first cycle at its own place in the order: events before it count but open none.
  const before = ordered.slice(0, at).filter((e) => e.type !== 'note.added').length;
  let fold: ClaimFold = { ...foldFrom(submission, before), eventCount: 0, lastEventAt: '', sequence: -1 };
  for (const event of ordered) fold = step(fold, event);
  return fold;
};

/**
 * The fold after one more event, when that can be worked out without the rest of the history: a note anywhere, or
 * any event that takes effect after the latest one applied. Undefined when the event lands between events already
 * applied (it arrived late): the caller folds the whole history again.
 */
export const foldOneMore = (fold: ClaimFold, event: ClaimEvent): ClaimFold | undefined =>
  event.type === 'note.added' || compareEvents(event, fold.latest as ClaimEvent) > 0 ? step(fold, event) : undefined;

/**
 * The claim from all its events (any order in, same claim out). Without a claim.submitted the claim is awaiting
 * its submission; the other events wait in its history and apply when it arrives.
 */
export const claimFromEvents = (tenantId: string, claimId: string, events: readonly ClaimEvent[]): ClaimState => {
  const fold = foldEvents(events);
  if (fold) return claimOfFold(tenantId, claimId, fold);
  const lastEventAt = events.reduce((latest, e) => laterAt(latest, e.occurredAt), '');
  return { tenantId, claimId, status: 'awaiting-submission', open: false, eventCount: events.length, lastEventAt };
};

const maxDate = (a: CalendarDate, b: CalendarDate): CalendarDate => (a >= b ? a : b);

/** Why an event can never apply to a claim, whatever else arrives: a permanent rejection. */
export const impossibleEvent = (existing: readonly ClaimEvent[], incoming: ClaimEvent): string | undefined =>
  impossibleAfter(foldEvents(existing), incoming);

/** The same rule, read from the claim's fold (what the claim item keeps) instead of its events. */
export const impossibleAfter = (fold: ClaimFold | undefined, incoming: ClaimEvent): string | undefined => {
  if (incoming.type === 'claim.submitted' && fold && fold.submissionEventId !== incoming.eventId) {
    return 'already-submitted: send a correction as claim.resubmitted';
  }
  return undefined;
};

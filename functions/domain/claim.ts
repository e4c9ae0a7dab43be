// A claim as follow-up sees it, derived from all of its events. The claim is a pure function of the *set* of its
// events: they are put in the order of their own time (then life-cycle stage, then id), never arrival order, so any
// arrival order gives the same claim, and a late-arriving early event lands where it belongs.
import type { CalendarDate } from './calendar.js';
import type { Adjustment, ClaimEvent, ClaimEventType, EventOf, Patient, ServiceLine } from './claim-events.js';
import { forwardedClp02, reductionCarcs, type AdjustmentGroup, type Clp02 } from './codes.js';

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

export interface Money {
  readonly billedCents: number;
  /** Allowed amount of the latest payment in force, when the payer reported one. */
  readonly allowedCents?: number;
  readonly paidCents: number;
  readonly patientResponsibilityCents: number;
  /** Adjustments in force, by CAS group. */
  readonly adjustmentsByGroup: Readonly<Record<AdjustmentGroup, number>>;
  /** Adjustments that are denials (not fee-schedule or other reductions, not patient share): recoverable work. */
  readonly deniedCents: number;
  readonly writtenOffCents: number;
  /** What the payer may still owe: billed − paid − patient share − reductions − write-offs (denials stay in it). */
  readonly payerBalanceCents: number;
  /** Paid above what was owed: a refund is due. */
  readonly creditBalanceCents: number;
}

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

/** Life-cycle stage: orders events that happened at the same instant. */
const stage: Record<ClaimEventType, number> = {
  'claim.submitted': 0,
  'claim.resubmitted': 1,
  'claim.acknowledged': 2,
  'claim.rejected': 3,
  'claim.status': 4,
  'claim.adjudicated': 5,
  'claim.reversed': 6,
  'claim.appealed': 7,
  'claim.written_off': 8,
  'claim.closed': 9,
  'note.added': 10,
};

/** The order events take effect in: their own time, then life-cycle stage, then id (deterministic on ties). */
export const compareEvents = (a: ClaimEvent, b: ClaimEvent): number =>
  Date.parse(a.occurredAt) - Date.parse(b.occurredAt) || stage[a.type] - stage[b.type] || (a.eventId < b.eventId ? -1 : a.eventId > b.eventId ? 1 : 0);

const sumBy = <T>(items: readonly T[], value: (item: T) => number): number => items.reduce((sum, item) => sum + value(item), 0);

const noAdjustments = (): Record<AdjustmentGroup, number> => ({ CO: 0, PR: 0, OA: 0, PI: 0 });

/** A denial is an adjustment the payer made that is neither patient share nor a reduction (fee schedule, etc.). */
export const isDenialAdjustment = (a: Adjustment): boolean => a.group !== 'PR' && !reductionCarcs.has(a.carc);

const computeMoney = (billedCents: number, adjudications: readonly Adjudication[], writtenOffCents: number): Money => {
  const inForce = adjudications.filter((a) => !a.reversedOn);
  const adjustments = inForce.flatMap((a) => a.adjustments);
  const byGroup = noAdjustments();
  for (const a of adjustments) byGroup[a.group] += a.amountCents;
  const paidCents = sumBy(inForce, (a) => a.paidCents);
  const patientResponsibilityCents = sumBy(inForce, (a) => a.patientResponsibilityCents);
  const deniedCents = sumBy(adjustments.filter(isDenialAdjustment), (a) => a.amountCents);
  const reductions = sumBy(adjustments.filter((a) => a.group !== 'PR' && !isDenialAdjustment(a)), (a) => a.amountCents);
  const balance = billedCents - paidCents - patientResponsibilityCents - reductions - writtenOffCents;
  const latest = inForce.at(-1);
  return {
    billedCents,
    ...(latest?.allowedCents !== undefined ? { allowedCents: latest.allowedCents } : {}),
    paidCents,
    patientResponsibilityCents,
    adjustmentsByGroup: byGroup,
    deniedCents,
    writtenOffCents,
    payerBalanceCents: Math.max(0, balance),
    creditBalanceCents: Math.max(0, -balance),
  };
};

const dateOf = (event: ClaimEvent): CalendarDate => event.occurredAt.slice(0, 10);

/**
 * The claim from all its events (any order in, same claim out). Without a claim.submitted the claim is awaiting
 * its submission; the other events wait in its history and apply when it arrives.
 */
export const claimFromEvents = (tenantId: string, claimId: string, events: readonly ClaimEvent[]): ClaimState => {
  const ordered = [...events].sort(compareEvents);
  const submission = ordered.find((e): e is EventOf<'claim.submitted'> => e.type === 'claim.submitted');
  const lastEventAt = ordered.reduce((latest, e) => (Date.parse(e.occurredAt) > Date.parse(latest) ? e.occurredAt : latest), ordered[0]?.occurredAt ?? '');
  if (!submission) return { tenantId, claimId, status: 'awaiting-submission', open: false, eventCount: events.length, lastEventAt };

  const p = submission.payload;
  let billedCents = p.totalChargeCents;
  let lines: readonly ServiceLine[] = p.lines;
  let frequencyCode = p.frequencyCode;
  let originalClaimNumber = p.originalClaimNumber;
  let lastSubmittedOn = p.submittedOn;
  let payerClaimNumber: string | undefined = p.originalClaimNumber;
  let acknowledgedOn: CalendarDate | undefined;
  let rejection: Claim['rejection'];
  let lastStatus: Claim['lastStatus'];
  const adjudications: Adjudication[] = [];
  const appeals: Array<{ level: string; appealedOn: CalendarDate }> = [];
  const writeOffs: Array<{ amountCents: number; reason: string; on: CalendarDate }> = [];
  let closed: Claim['closed'];
  let notes = 0;
  let lastActivityOn = p.submittedOn;
  /** Position in `ordered` of the latest (re)submission: acknowledgments and rejections before it are stale. */
  let cycleStart = ordered.indexOf(submission);
  let cycle = { acknowledged: -1, rejected: -1, status: -1, adjudicated: -1, appealed: -1 };

  ordered.forEach((event, index) => {
    if (event.type !== 'note.added' && event !== submission) lastActivityOn = maxDate(lastActivityOn, dateOf(event));
    switch (event.type) {
      case 'claim.submitted':
        return; // the first one is the base; a second is refused at ingest
      case 'claim.resubmitted':
        lastSubmittedOn = event.payload.resubmittedOn;
        frequencyCode = event.payload.frequencyCode;
        originalClaimNumber = event.payload.originalClaimNumber ?? originalClaimNumber;
        if (event.payload.totalChargeCents !== undefined) billedCents = event.payload.totalChargeCents;
        if (event.payload.lines) lines = event.payload.lines;
        cycleStart = index;
        cycle = { acknowledged: -1, rejected: -1, status: -1, adjudicated: -1, appealed: -1 };
        if (closed) closed = undefined;
        return;
      case 'claim.acknowledged':
        acknowledgedOn = event.payload.acknowledgedOn;
        payerClaimNumber = event.payload.payerClaimNumber ?? payerClaimNumber;
        cycle.acknowledged = index;
        return;
      case 'claim.rejected':
        rejection = { categoryCode: event.payload.categoryCode, statusCode: event.payload.statusCode, reason: event.payload.reason, on: event.payload.rejectedOn };
        cycle.rejected = index;
        return;
      case 'claim.status':
        lastStatus = { categoryCode: event.payload.categoryCode, statusCode: event.payload.statusCode, on: event.payload.statusOn };
        payerClaimNumber = event.payload.payerClaimNumber ?? payerClaimNumber;
        cycle.status = index;
        return;
      case 'claim.adjudicated': {
        const a = event.payload;
        adjudications.push({
          eventId: event.eventId,
          remitDate: a.remitDate,
          claimStatusCode: a.claimStatusCode,
          payerClaimNumber: a.payerClaimNumber,
          ...(a.allowedCents !== undefined ? { allowedCents: a.allowedCents } : {}),
          paidCents: a.paidCents,
          patientResponsibilityCents: a.patientResponsibilityCents,
          adjustments: [...a.adjustments, ...a.lines.flatMap((line, i) => line.adjustments.map((adj) => ({ ...adj, line: i + 1 })))],
          remarkCodes: [...a.remarkCodes, ...a.lines.flatMap((line) => line.remarkCodes)],
        });
        payerClaimNumber = a.payerClaimNumber;
        cycle.adjudicated = index;
        // New money after a closure reopens the claim.
        closed = undefined;
        return;
      }
      case 'claim.reversed': {
        const r = event.payload;
        const target = [...adjudications]
          .reverse()
          .find((a) => !a.reversedOn && a.payerClaimNumber === r.payerClaimNumber && (!r.reversesRemitDate || a.remitDate === r.reversesRemitDate));
        if (target) adjudications[adjudications.indexOf(target)] = { ...target, reversedOn: r.remitDate };
        closed = undefined;
        return;
      }
      case 'claim.appealed':
        appeals.push({ level: event.payload.level, appealedOn: event.payload.appealedOn });
        cycle.appealed = index;
        return;
      case 'claim.written_off':
        writeOffs.push({ amountCents: event.payload.amountCents, reason: event.payload.reason, on: event.payload.writtenOffOn });
        return;
      case 'claim.closed':
        closed = { reason: event.payload.reason, on: event.payload.closedOn };
        return;
      case 'note.added':
        notes++;
        return;
    }
  });

  const money = computeMoney(billedCents, adjudications, sumBy(writeOffs, (w) => w.amountCents));
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
    if (after(cycle.status, Math.max(cycle.rejected, cycle.acknowledged))) {
      const { categoryCode } = (ordered[cycle.status] as EventOf<'claim.status'>).payload;
      return categoryCode.startsWith('R') ? 'info-requested' : 'pending';
    }
    if (after(cycle.rejected, cycle.acknowledged)) return 'rejected';
    if (after(cycle.acknowledged, -1)) return 'acknowledged';
    return 'submitted';
  })();
  const open =
    status !== 'closed' && status !== 'written-off' && (money.payerBalanceCents > 0 || money.creditBalanceCents > 0 || status === 'appealed');

  const secondaryPending = p.otherPayer !== undefined && inForce.length > 0 && !inForce.some((a) => forwardedClp02.includes(a.claimStatusCode)) && money.patientResponsibilityCents > 0;
  const reduced = inForce.some((a) => a.adjustments.some((adj) => adj.group !== 'PR' && !isDenialAdjustment(adj) && adj.amountCents > 0));
  const inFollowUp = open || (status === 'paid' && (secondaryPending || reduced));

  return {
    tenantId,
    claimId,
    status,
    open,
    inFollowUp,
    payer: p.payer,
    patient: p.patient,
    billingNpi: p.billingNpi,
    renderingNpi: p.renderingNpi,
    participating: p.participating,
    submissionMethod: p.submissionMethod,
    ...(p.otherPayer ? { otherPayer: p.otherPayer } : {}),
    frequencyCode,
    ...(originalClaimNumber ? { originalClaimNumber } : {}),
    ...(payerClaimNumber ? { payerClaimNumber } : {}),
    serviceFrom: p.serviceDate.from,
    serviceThrough: p.serviceDate.through,
    submittedOn: p.submittedOn,
    lastSubmittedOn,
    lines,
    diagnosisCodes: p.diagnosisCodes,
    ...(acknowledgedOn ? { acknowledgedOn } : {}),
    ...(rejection ? { rejection } : {}),
    ...(lastStatus ? { lastStatus } : {}),
    adjudications,
    forwardedToSecondary: inForce.some((a) => forwardedClp02.includes(a.claimStatusCode)),
    appeals,
    writeOffs,
    ...(closed ? { closed } : {}),
    money,
    notes,
    lastEventAt,
    lastActivityOn,
    eventCount: events.length,
  };
};

const maxDate = (a: CalendarDate, b: CalendarDate): CalendarDate => (a >= b ? a : b);

/** Why an event can never apply to a claim, whatever else arrives: a permanent rejection. */
export const impossibleEvent = (existing: readonly ClaimEvent[], incoming: ClaimEvent): string | undefined => {
  if (incoming.type === 'claim.submitted' && existing.some((e) => e.type === 'claim.submitted' && e.eventId !== incoming.eventId)) {
    return 'already-submitted: send a correction as claim.resubmitted';
  }
  return undefined;
};

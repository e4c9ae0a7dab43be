// Automatic status checks (276 out, 277 in), the pure part: which open claims are asked after a night, the traces
// that map a payer's answer back to the claim and its inquiry, and when an unanswered inquiry is overdue.
import { addDays, daysBetween, type CalendarDate } from './calendar.js';
import type { Claim } from './claim.js';
import { rejectedCategories } from './codes.js';
import type { FollowUpQueue, StatusInquirySetting, TenantSettings } from './tenant-settings.js';

/** Where 276 files wait in the X12 bucket for the clearinghouse connector (the stacks grant this prefix). */
export const outboxPrefix = 'outbox/';

/** Business days a payer gets to answer a 276 before a biller calls instead. */
export const answerBusinessDays = 3;

/** The date `days` business days (Monday to Friday) after `from`; holidays are not counted out. */
export const addBusinessDays = (from: CalendarDate, days: number): CalendarDate => {
  let date = from;
  let left = days;
  while (left > 0) {
    date = addDays(date, 1);
    const weekday = new Date(`${date}T00:00:00Z`).getUTCDay();
    if (weekday !== 0 && weekday !== 6) left -= 1;
  }
  return date;
};

/** The day an inquiry sent on `askedOn` is overdue: a biller checks the status by hand from then on. */
export const answerOverdueOn = (askedOn: CalendarDate): CalendarDate => addBusinessDays(askedOn, answerBusinessDays);

/**
 * Where an inquiry sent on `askedOn` stands today, for the plan:
 * - `answered`: the payer has spoken since it was asked (a status, a rejection, a remittance or its reversal dated on
 *   or after `askedOn`), whatever the channel: the inquiry no longer holds anything back, and says nothing;
 * - `stale`: asked `everyDays` or more ago with no answer: the next inquiry is due, this one is history (its mark may
 *   have survived a closed and reopened work item);
 * - `awaiting`: unanswered and not yet overdue (`answerOverdueOn`): the claim is kept from a manual status call;
 * - `overdue`: unanswered, overdue, not stale: a biller calls, and the reasons say the payer was asked.
 * Undefined when the claim was never asked.
 */
export type InquiryStanding = 'awaiting' | 'overdue' | 'answered' | 'stale';

export const inquiryStanding = (
  claim: Pick<Claim, 'lastStatus' | 'rejection' | 'adjudications'>,
  askedOn: CalendarDate | undefined,
  today: CalendarDate,
  everyDays: number,
): InquiryStanding | undefined => {
  if (!askedOn) return undefined;
  const heardOn = [claim.lastStatus?.on, claim.rejection?.on, ...claim.adjudications.flatMap((a) => [a.remitDate, a.reversedOn])].filter((d): d is CalendarDate => d !== undefined);
  if (heardOn.some((on) => on >= askedOn)) return 'answered';
  if (daysBetween(askedOn, today) >= everyDays) return 'stale';
  return today < answerOverdueOn(askedOn) ? 'awaiting' : 'overdue';
};

/** How often a payer's claims are asked: its setting's `everyDays`, else the default (14). */
export const everyDaysFor = (settings: Pick<TenantSettings, 'statusInquiries'>, payerId: string): number =>
  settings.statusInquiries.find((s) => s.payerId === payerId)?.everyDays ?? defaultEveryDays;

export const defaultEveryDays = 14;

/** Whether a claim asked by 276 on `askedOn` still waits for its answer today (kept from a manual status call). */
export const awaitingAnswer = (claim: Pick<Claim, 'lastStatus' | 'rejection' | 'adjudications'>, askedOn: CalendarDate | undefined, today: CalendarDate, everyDays = defaultEveryDays): boolean =>
  inquiryStanding(claim, askedOn, today, everyDays) === 'awaiting';

/** What one open claim looks like to the selection: the claim, its open work item's queue, when it was last asked. */
export interface InquiryCandidate {
  readonly claim: Claim;
  /** The queue of its open work item, if it has one. */
  readonly queue?: FollowUpQueue;
  readonly lastAskedOn?: CalendarDate;
}

/** The setting in force for a payer: enabled ones only. */
export const inquirySettingFor = (settings: Pick<TenantSettings, 'statusInquiries'>, payerId: string): StatusInquirySetting | undefined =>
  settings.statusInquiries.find((s) => s.payerId === payerId && s.enabled);

/**
 * Whether a fresh status could change what we do with the claim: in no-response, or pended at the payer (a P-category
 * status) or finalized (F-category) with nothing paid and no remittance in force.
 */
export const wantsStatus = (candidate: Pick<InquiryCandidate, 'claim' | 'queue'>): boolean => {
  const { claim, queue } = candidate;
  if (!claim.open || !claim.inFollowUp) return false;
  if (queue === 'no-response') return true;
  const category = claim.lastStatus?.categoryCode ?? '';
  const unpaid = claim.money.paidCents === 0 && claim.adjudications.every((a) => a.reversedOn !== undefined);
  return claim.status === 'pending' && (category.startsWith('P') || category.startsWith('F')) && unpaid;
};

/**
 * The payers to ask in one interchange each: enabled payers grouped by their receiver (clearinghouse), receivers and
 * payers in the order of the settings. Payers sharing a receiver share its file and control numbers.
 */
export const receiversOf = (payers: readonly StatusInquirySetting[]): Map<string, StatusInquirySetting[]> => {
  const byReceiver = new Map<string, StatusInquirySetting[]>();
  for (const payer of payers) if (payer.enabled) byReceiver.set(payer.receiverId, [...(byReceiver.get(payer.receiverId) ?? []), payer]);
  return byReceiver;
};

/**
 * The claims to ask about tonight, by payer (in the order given): a claim whose payer answers 276, that wants a status,
 * and that was not asked within the payer's `everyDays`.
 */
export const selectForInquiry = (candidates: readonly InquiryCandidate[], settings: Pick<TenantSettings, 'statusInquiries'>, today: CalendarDate): Map<string, InquiryCandidate[]> => {
  const byPayer = new Map<string, InquiryCandidate[]>();
  for (const candidate of candidates) {
    const setting = inquirySettingFor(settings, candidate.claim.payer.id);
    if (!setting || !wantsStatus(candidate)) continue;
    if (candidate.lastAskedOn && daysBetween(candidate.lastAskedOn, today) < setting.everyDays) continue;
    const list = byPayer.get(setting.payerId) ?? [];
    list.push(candidate);
    byPayer.set(setting.payerId, list);
  }
  return byPayer;
};

/**
 * How many nights back the digest looks for the batches whose answers arrived since the previous digest: an answer to
 * a 276 written more than this many nights before is not counted in the digest (it still moves its claim).
 */
export const answerLookbackNights = 60;

/** At most this many claims in one 276 (one interchange); more wait for the next night. */
export const maxClaimsPerInquiry = 5_000;

/**
 * TRN02 of the claim at `position` (1-based) of an inquiry: receiver, control number and position, so it is unique in
 * the tenant (control numbers never repeat per receiver) and at most 15 + 1 + 9 + 1 + 5 = 31 characters (TRN02: 50).
 */
export const traceOf = (receiverId: string, controlNumber: number, position: number): string => `${receiverId}-${String(controlNumber).padStart(9, '0')}-${position}`;

/** A batch's id: its night, receiver and control number (letters, digits, dashes: safe in a path). */
export const inquiryBatchIdOf = (date: CalendarDate, receiverId: string, controlNumber: number): string => `${date}-${receiverId}-${String(controlNumber).padStart(9, '0')}`;

/** The night a batch id names; undefined for anything that is not a batch id. */
export const inquiryBatchDateOf = (batchId: string): CalendarDate | undefined => (/^\d{4}-\d{2}-\d{2}-[A-Za-z0-9]{2,15}-\d{9}$/.test(batchId) ? batchId.slice(0, 10) : undefined);

/** A 277 category that says the payer does not have the claim (not found, returned, rejected): resubmit it. */
export const notFoundCategories: ReadonlySet<string> = new Set(rejectedCategories);

/** The rejection reason of a claim a 277 answering our 276 says the payer cannot find. */
export const notFoundReason = (category: string, status: string | null): string =>
  `the payer answered our status inquiry (277 ${category}${status ? `:${status}` : ''}): it cannot find or has returned the claim; resubmit it if timely filing still allows`;

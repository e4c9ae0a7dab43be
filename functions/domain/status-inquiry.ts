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
 * Whether a claim asked by 276 on `askedOn` still waits for its answer today: not overdue, and no status, rejection or
 * acknowledgment has come since it was asked (a 277 answered it).
 */
export const awaitingAnswer = (claim: Pick<Claim, 'lastStatus' | 'rejection' | 'acknowledgedOn'>, askedOn: CalendarDate | undefined, today: CalendarDate): boolean => {
  if (!askedOn || today >= answerOverdueOn(askedOn)) return false;
  const heardOn = [claim.lastStatus?.on, claim.rejection?.on].filter((d): d is CalendarDate => d !== undefined);
  return !heardOn.some((on) => on >= askedOn);
};

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

// The work item of remittance lines (835 CLPs) whose claim the tenant does not hold: the unmatched-remittance queue.
// Pure: the x12 ingest service reads the lines and the stored item, this decides what the item says.
import type { CalendarDate } from './calendar.js';
import type { Claim } from './claim.js';
import type { TenantSettings } from './tenant-settings.js';
import { assigneeFor, priorityOf, type Reason, type WorkItemPlan } from './work-item.js';

export type UnmatchedRemittanceReason = Extract<Reason, { code: 'unmatched-remittance' }>;

/** One remittance line whose claim the tenant does not hold, as the remittance states it (no patient data). */
export interface UnmatchedRemittanceLine {
  /** The remittance (its opaque id) and the line's position in it: what makes a line the same line again. */
  readonly remitId: string;
  readonly position: number;
  readonly payerId: string | null;
  readonly payerName: string | null;
  /** TRN02: the EFT or check number of the payment. */
  readonly traceNumber: string | null;
  /** CLP04; negative on a reversal (CLP02 22). */
  readonly paidCents: number;
  readonly remitDate: CalendarDate;
  /** CLP02. */
  readonly statusCode: string;
}

/** Lines kept on one item (one unknown claim id): enough for any real claim, and the item stays small. */
export const maxUnmatchedLines = 50;

const lineKey = (r: Pick<UnmatchedRemittanceReason, 'remitId' | 'position'>): string => `${r.remitId}#${String(r.position).padStart(6, '0')}`;

const reasonOf = (line: UnmatchedRemittanceLine): UnmatchedRemittanceReason => ({
  code: 'unmatched-remittance',
  payerName: line.payerName,
  payerId: line.payerId,
  traceNumber: line.traceNumber,
  paidCents: line.paidCents,
  remitDate: line.remitDate,
  statusCode: line.statusCode,
  remitId: line.remitId,
  position: line.position,
});

/** What the remittance says the claim is: taken back, denied (paid nothing) or paid. */
const statusOf = (line: UnmatchedRemittanceReason): Claim['status'] => (line.statusCode === '22' || line.paidCents < 0 ? 'reversed' : line.paidCents === 0 ? 'denied' : 'paid');

/**
 * The plan of a claim id's unmatched-remittance item: the lines already on it (`previous`, the item's reasons) and the
 * new ones, each line once (by remittance and position, so the same file read again changes nothing), in remit-date
 * order. The work's dollars are what the lines moved (a reversal counts by its size): money received or taken back
 * that nobody can post until the claim is found. No deadline; the pool (or the tenant's rule for this queue) works it.
 * The remit dates stand in for the service dates on the row: a remittance line found no claim to take them from.
 */
export const unmatchedRemittancePlan = (
  lines: readonly UnmatchedRemittanceLine[],
  previous: readonly Reason[],
  settings: Pick<TenantSettings, 'assignmentRules'>,
): WorkItemPlan => {
  const byKey = new Map<string, UnmatchedRemittanceReason>();
  for (const r of previous) if (r.code === 'unmatched-remittance') byKey.set(lineKey(r), r);
  for (const line of lines) byKey.set(lineKey(line), reasonOf(line));
  const kept = [...byKey.entries()]
    .sort(([ka, a], [kb, b]) => (a.remitDate < b.remitDate ? -1 : a.remitDate > b.remitDate ? 1 : ka < kb ? -1 : ka > kb ? 1 : 0))
    .slice(-maxUnmatchedLines)
    .map(([, r]) => r);
  if (kept.length === 0) throw new Error('an unmatched-remittance plan needs at least one line');
  const latest = kept.at(-1)!;
  const dollarsCents = kept.reduce((sum, r) => sum + Math.abs(r.paidCents), 0);
  const payerId = latest.payerId ?? '';
  return {
    queue: 'unmatched-remittance',
    dollarsCents,
    priority: priorityOf('unmatched-remittance', dollarsCents, undefined, 0),
    reasons: kept,
    assignee: assigneeFor(settings.assignmentRules, 'unmatched-remittance', payerId, dollarsCents),
    payerId,
    payerName: latest.payerName ?? 'Unknown payer',
    serviceFrom: kept[0]!.remitDate,
    serviceThrough: latest.remitDate,
    claimStatus: statusOf(latest),
    balanceCents: 0,
  };
};

/**
 * Whether an unmatched-remittance item is done because its claim arrived: the claim is held now (its remittance,
 * waiting in the claim's history, was applied when it came) and it is not in follow-up, so no night will visit it
 * and replace the item with the claim's own plan. A claim in follow-up is left to the night, which does exactly that.
 */
export const unmatchedItemSettled = (claim: Claim | undefined): boolean => claim !== undefined && !claim.inFollowUp;

// The revenue-cycle KPIs managers read beside aging (Days in AR, denial rate, net collection rate): what each claim
// contributes to each day's tally, so the tallies can be kept exact by applying the difference each change of a
// claim makes, and read for any window of days.
import { addDays, type CalendarDate } from './calendar.js';
import { isClaim, isDenialAdjustment, type Adjudication, type ClaimState } from './claim.js';

/** What a day's tally holds, in cents or counts. */
export const kpiFields = ['chargesByService', 'chargesBySubmission', 'adjudicated', 'deniedFirst', 'paymentsCents', 'contractualCents'] as const;
export type KpiField = (typeof kpiFields)[number];
export type KpiDay = Readonly<Record<KpiField, number>>;

/** Windows, in days ending on the report's date (inclusive). */
export const daysInArWindow = 90;
export const denialRateWindow = 30;
export const netCollectionWindow = 90;

const emptyDay = (): Record<KpiField, number> => ({ chargesByService: 0, chargesBySubmission: 0, adjudicated: 0, deniedFirst: 0, paymentsCents: 0, contractualCents: 0 });

/** A first adjudication is a denial when the payer did not recognize the patient (CLP02 4), or paid nothing and denied something. */
const isDenial = (a: Adjudication): boolean =>
  a.claimStatusCode === '4' || (a.paidCents === 0 && a.adjustments.some((adj) => isDenialAdjustment(adj) && adj.amountCents > 0));

/**
 * What a claim adds to each day's tally: its charges on its date of service (through-date) and on its first
 * submission date; its first adjudication (and whether it was a denial) on that remit's date; the payments of each
 * remit in force on its remit date; the claim's reductions (contractual and other, not denials) on its latest remit's date.
 */
export const kpiContributions = (state: ClaimState | undefined): Map<CalendarDate, Record<KpiField, number>> => {
  const days = new Map<CalendarDate, Record<KpiField, number>>();
  if (!isClaim(state)) return days;
  const day = (date: CalendarDate): Record<KpiField, number> => {
    const found = days.get(date) ?? emptyDay();
    days.set(date, found);
    return found;
  };
  day(state.serviceThrough).chargesByService += state.money.billedCents;
  day(state.submittedOn).chargesBySubmission += state.money.billedCents;
  const first = state.adjudications[0];
  if (first) {
    day(first.remitDate).adjudicated += 1;
    if (isDenial(first)) day(first.remitDate).deniedFirst += 1;
  }
  const inForce = state.adjudications.filter((x) => !x.reversedOn);
  for (const a of inForce) day(a.remitDate).paymentsCents += a.paidCents;
  // Reductions are the claim's (a secondary's remit restates the primary's), on the date of the latest remit in force.
  const latest = inForce.map((a) => a.remitDate).sort().at(-1);
  if (latest && state.money.reducedCents > 0) day(latest).contractualCents += state.money.reducedCents;
  return days;
};

/** The change a claim's new state makes to the tallies: per day, the fields that moved and by how much. */
export const kpiDelta = (before: ClaimState | undefined, after: ClaimState | undefined): Map<CalendarDate, Partial<Record<KpiField, number>>> => {
  const was = kpiContributions(before);
  const now = kpiContributions(after);
  const delta = new Map<CalendarDate, Partial<Record<KpiField, number>>>();
  for (const date of new Set([...was.keys(), ...now.keys()])) {
    const moved = Object.fromEntries(
      kpiFields.map((field) => [field, (now.get(date)?.[field] ?? 0) - (was.get(date)?.[field] ?? 0)] as const).filter(([, amount]) => amount !== 0),
    );
    if (Object.keys(moved).length > 0) delta.set(date, moved);
  }
  return delta;
};

export interface Kpis {
  /** Open AR ÷ average daily charges (gross, by date of service) over the last 90 days; null when none fell in them. */
  readonly daysInAr: number | null;
  /** Claims whose first adjudication was a denial ÷ claims first adjudicated, last 30 days by remit date, percent. */
  readonly denialRatePercent: number | null;
  /** Payments ÷ (charges − reductions), last 90 days (payments and reductions by remit date, charges by submission date), percent. */
  readonly netCollectionRatePercent: number | null;
  readonly basis: {
    readonly asOf: CalendarDate;
    readonly openArCents: number;
    readonly chargesLast90DaysByServiceCents: number;
    readonly claimsFirstAdjudicatedLast30Days: number;
    readonly claimsDeniedFirstLast30Days: number;
    readonly paymentsLast90DaysCents: number;
    readonly chargesLast90DaysBySubmissionCents: number;
    readonly contractualLast90DaysCents: number;
  };
}

const oneDecimal = (n: number): number => Math.round(n * 10) / 10;

/** The KPIs on `asOf` from the days' tallies (any days; those outside each window are left out) and the open AR. */
export const kpisOn = (asOf: CalendarDate, openArCents: number, days: ReadonlyMap<CalendarDate, KpiDay>): Kpis => {
  const sum = (field: KpiField, window: number): number => {
    const from = addDays(asOf, -(window - 1));
    let total = 0;
    for (const [date, day] of days) if (date >= from && date <= asOf) total += day[field];
    return total;
  };
  const charges90 = sum('chargesByService', daysInArWindow);
  const adjudicated30 = sum('adjudicated', denialRateWindow);
  const denied30 = sum('deniedFirst', denialRateWindow);
  const payments90 = sum('paymentsCents', netCollectionWindow);
  const submitted90 = sum('chargesBySubmission', netCollectionWindow);
  const contractual90 = sum('contractualCents', netCollectionWindow);
  const collectible = submitted90 - contractual90;
  return {
    daysInAr: charges90 > 0 ? oneDecimal(openArCents / (charges90 / daysInArWindow)) : null,
    denialRatePercent: adjudicated30 > 0 ? oneDecimal((denied30 / adjudicated30) * 100) : null,
    netCollectionRatePercent: collectible > 0 ? oneDecimal((payments90 / collectible) * 100) : null,
    basis: {
      asOf,
      openArCents,
      chargesLast90DaysByServiceCents: charges90,
      claimsFirstAdjudicatedLast30Days: adjudicated30,
      claimsDeniedFirstLast30Days: denied30,
      paymentsLast90DaysCents: payments90,
      chargesLast90DaysBySubmissionCents: submitted90,
      contractualLast90DaysCents: contractual90,
    },
  };
};

// Days in AR, denial rate and net collection rate: each claim's contribution to the day tallies, the difference a
// change makes, and the KPIs over their windows, with the figures worked out by hand.
import { describe, expect, it } from 'vitest';
import { claimFromEvents, type ClaimState } from '../../functions/domain/claim.js';
import type { ClaimEvent } from '../../functions/domain/claim-events.js';
import { kpiContributions, kpiDelta, kpisOn, type KpiDay } from '../../functions/domain/kpis.js';
import { adjudicated, reversed, submitted } from './claim-fixtures.js';

const claim = (...events: ClaimEvent[]): ClaimState => claimFromEvents('clinic-a', 'C1', events);
const day = (fields: Partial<KpiDay>): KpiDay => ({ chargesByService: 0, chargesBySubmission: 0, adjudicated: 0, deniedFirst: 0, paymentsCents: 0, contractualCents: 0, ...fields });

describe('what a claim contributes to the day tallies', () => {
  it('puts its charge on its date of service and its submission date, and its remit on the remit date', () => {
    // Fixture: $100.00 billed, service 2026-09-28, submitted 2026-09-30; remit 2026-10-20 pays $60.00, PR-2 $20.00,
    // so CO-45 = 10,000 − 6,000 − 2,000 = 2,000 cents (contractual).
    const days = kpiContributions(claim(submitted(), adjudicated('2026-10-20T12:00:00Z', 6_000, 2_000)));
    expect(days.get('2026-09-28')).toMatchObject({ chargesByService: 10_000, chargesBySubmission: 0 });
    expect(days.get('2026-09-30')).toMatchObject({ chargesBySubmission: 10_000 });
    expect(days.get('2026-10-20')).toEqual(day({ adjudicated: 1, deniedFirst: 0, paymentsCents: 6_000, contractualCents: 2_000 }));
  });

  it('counts a first adjudication that pays nothing and denies as a denial, but not one paid nothing for the deductible', () => {
    // $0 paid, CO-197 (authorization absent) $100.00: a denial. $0 paid, PR-1 deductible $100.00: not a denial.
    const denied = kpiContributions(claim(submitted(), adjudicated('2026-10-20T12:00:00Z', 0, 0)));
    expect(denied.get('2026-10-20')).toMatchObject({ adjudicated: 1, deniedFirst: 1, paymentsCents: 0, contractualCents: 0 });
    const deductible = kpiContributions(claim(submitted(), adjudicated('2026-10-20T12:00:00Z', 0, 10_000)));
    expect(deductible.get('2026-10-20')).toMatchObject({ adjudicated: 1, deniedFirst: 0 });
  });

  it('takes a reversed payment back from its remit date; the difference of a change is what moved', () => {
    const paid = claim(submitted(), adjudicated('2026-10-20T12:00:00Z', 6_000, 2_000));
    const taken = claim(submitted(), adjudicated('2026-10-20T12:00:00Z', 6_000, 2_000), reversed('2026-10-25T12:00:00Z', '2026-10-20'));
    // The reversal removes $60.00 paid and $20.00 CO-45 from Oct 20; the first adjudication still counts.
    expect(kpiDelta(paid, taken)).toEqual(new Map([['2026-10-20', { paymentsCents: -6_000, contractualCents: -2_000 }]]));
    // A new claim adds all of its contribution; nothing before is nothing.
    expect(kpiDelta(undefined, claim(submitted()))).toEqual(new Map([['2026-09-28', { chargesByService: 10_000 }], ['2026-09-30', { chargesBySubmission: 10_000 }]]));
    expect(kpiDelta(paid, paid).size).toBe(0);
  });
});

describe('the KPIs over their windows', () => {
  it('computes Days in AR, denial rate and net collection rate as of a date', () => {
    // As of 2026-11-30. The 90-day window ends on it and starts 89 days before: Nov 30 − 29 = Nov 1, − 30 = Oct 2,
    // − 30 = Sep 2 (29 + 30 + 30 = 89), so 2026-09-02..2026-11-30. The 30-day window: Nov 30 − 29 = 2026-11-01..11-30.
    const days = new Map<string, KpiDay>([
      ['2026-09-01', day({ chargesByService: 1_000_000, chargesBySubmission: 1_000_000, paymentsCents: 500_000 })], // outside every window
      ['2026-09-02', day({ chargesByService: 900_000, chargesBySubmission: 900_000 })],
      ['2026-10-31', day({ adjudicated: 10, deniedFirst: 1 })], // 30-day window is 2026-11-01..2026-11-30: outside
      ['2026-11-01', day({ adjudicated: 8, deniedFirst: 2, paymentsCents: 300_000, contractualCents: 100_000 })],
      ['2026-11-30', day({ chargesByService: 900_000, chargesBySubmission: 900_000, adjudicated: 12, deniedFirst: 1, paymentsCents: 600_000, contractualCents: 200_000 })],
      ['2026-12-01', day({ chargesByService: 5_000_000 })], // after the date: left out
    ]);
    const kpis = kpisOn('2026-11-30', 1_200_000, days);
    // Charges by service in the window: 900,000 + 900,000 = 1,800,000 cents; per day 1,800,000 / 90 = 20,000;
    // Days in AR = 1,200,000 / 20,000 = 60.0.
    expect(kpis.daysInAr).toBe(60);
    // First adjudications Nov 1..30: 8 + 12 = 20, of them denials 2 + 1 = 3: 3 / 20 = 15.0 %.
    expect(kpis.denialRatePercent).toBe(15);
    // Payments 300,000 + 600,000 = 900,000; charges by submission 1,800,000 − contractual (100,000 + 200,000)
    // = 1,500,000; 900,000 / 1,500,000 = 60.0 %.
    expect(kpis.netCollectionRatePercent).toBe(60);
    expect(kpis.basis).toMatchObject({ chargesLast90DaysByServiceCents: 1_800_000, claimsFirstAdjudicatedLast30Days: 20, claimsDeniedFirstLast30Days: 3, paymentsLast90DaysCents: 900_000 });
  });

  it('says null, not zero, when nothing fell in a window', () => {
    const kpis = kpisOn('2026-11-30', 50_000, new Map([['2026-01-05', day({ chargesByService: 10_000, adjudicated: 1 })]]));
    expect(kpis).toMatchObject({ daysInAr: null, denialRatePercent: null, netCollectionRatePercent: null });
  });
});

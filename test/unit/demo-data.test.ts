// The demo data reads like a real practice's: AR over 90 days, denials a week and the expired tail measured on the
// demo set `npm start` seeds, with the domain's own claim, aging and clock code.
import { describe, expect, it } from 'vitest';
import { standardBuckets } from '../../functions/domain/aging.js';
import { ArAccumulator, arCentsOf } from '../../functions/domain/ar-report.js';
import { addDays } from '../../functions/domain/calendar.js';
import { claimEvent } from '../../functions/domain/claim-events.js';
import { claimFromEvents, isClaim, isDenialAdjustment, type Claim } from '../../functions/domain/claim.js';
import { daysLeft } from '../../functions/domain/clocks.js';
import { tenantSettings } from '../../functions/domain/tenant-settings.js';
import { claimClocks } from '../../functions/domain/work-item.js';
import { demoClaimEvents } from '../../local/demo-data.js';
import { demoSettings } from '../../local/seed.js';

const today = '2026-11-20';
const settings = tenantSettings.parse(demoSettings);

interface Measured {
  readonly percentOver90: number;
  readonly openClaims: number;
  readonly arCents: number;
  /** Remits of the week before today that denied all or part of a claim. */
  readonly denialsLastWeek: number;
  /** Open claims whose timely-filing or appeal deadline has passed, and their AR. */
  readonly expiredClaims: number;
  readonly expiredCents: number;
}

const measure = (tenantId: string, claims: number, seed: number): Measured => {
  const ar = new ArAccumulator(today, 'service', 'bucket', standardBuckets);
  const weekAgo = addDays(today, -7);
  let openClaims = 0;
  let denialsLastWeek = 0;
  let expiredClaims = 0;
  let expiredCents = 0;
  for (const events of demoClaimEvents({ tenantId, claims, today, seed })) {
    for (const event of events) {
      claimEvent.parse(event);
      expect(event.occurredAt.slice(0, 10) < today).toBe(true);
    }
    const claim = claimFromEvents(tenantId, events[0]!.payload.claimId, events);
    expect(isClaim(claim)).toBe(true);
    const c = claim as Claim;
    ar.add(c);
    denialsLastWeek += c.adjudications.filter((a) => a.remitDate >= weekAgo && a.adjustments.some((adj) => isDenialAdjustment(adj) && adj.amountCents > 0)).length;
    const cents = arCentsOf(c);
    if (cents === 0) continue;
    openClaims++;
    const passed = claimClocks(c, settings, today).some((clock) => (clock.kind === 'timely-filing' || clock.kind === 'appeal') && daysLeft(clock, today) < 0);
    if (passed) {
      expiredClaims++;
      expiredCents += cents;
    }
  }
  const report = ar.report();
  return { percentOver90: report.percentOver90, openClaims, arCents: report.totalArCents, denialsLastWeek, expiredClaims, expiredCents };
};

// The two demo practices as local/seed.ts seeds them: claim counts and seeds.
describe.each([
  { tenantId: 'demo-lakeside', claims: 2400, seed: 1000, denials: [24, 60] },
  { tenantId: 'demo-summit', claims: 1600, seed: 1001, denials: [12, 40] },
])('the demo practice $tenantId ($claims claims)', ({ tenantId, claims, seed, denials }) => {
  const m = measure(tenantId, claims, seed);

  it('has 15-25% of its open AR dollars over 90 days (date of service)', () => {
    expect(m.percentOver90).toBeGreaterThanOrEqual(15);
    expect(m.percentOver90).toBeLessThanOrEqual(25);
  });

  it('gets a few dozen denials a week (whole or part of a claim)', () => {
    expect(m.denialsLastWeek).toBeGreaterThanOrEqual(denials[0]!);
    expect(m.denialsLastWeek).toBeLessThanOrEqual(denials[1]!);
  });

  it('has a small expired tail: a few open claims past their timely-filing or appeal deadline', () => {
    expect(m.expiredClaims).toBeGreaterThan(0);
    expect(m.expiredClaims).toBeLessThanOrEqual(m.openClaims * 0.02);
    expect(m.expiredCents).toBeLessThanOrEqual(m.arCents * 0.05);
  });
});

describe('the demo data', () => {
  it('is the same for the same seed, and another for another seed', () => {
    const events = (seed: number) => JSON.stringify([...demoClaimEvents({ tenantId: 'demo-x', claims: 200, today, seed })]);
    expect(events(7)).toBe(events(7));
    expect(events(7)).not.toBe(events(8));
  });
});

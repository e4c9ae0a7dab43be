// The claim life cycle and its bookkeeping in cents, derived from the set of its events in any order.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { claimFromEvents, claimOfFold, foldEvents, foldOneMore, impossibleEvent, isClaim, type Claim, type ClaimFold } from '../../functions/domain/claim.js';
import { claimEvent, type ClaimEvent } from '../../functions/domain/claim-events.js';
import { shardOf } from '../../functions/domain/shards.js';
import { demoClaimEvents } from '../../local/demo-data.js';
import { acknowledged, adjudicated, appealed, note, rejected, resubmitted, reversed, status, submitted, writtenOff } from './claim-fixtures.js';

const claimOf = (...events: ClaimEvent[]): Claim => {
  const state = claimFromEvents('clinic-a', 'C1', events);
  if (!isClaim(state)) throw new Error(`no claim: ${state.status}`);
  return state;
};

describe('life cycle', () => {
  it('opens a submitted claim with its charge as the outstanding payer balance', () => {
    const claim = claimOf(submitted());
    expect(claim).toMatchObject({ status: 'submitted', open: true, submittedOn: '2026-09-30', lastSubmittedOn: '2026-09-30' });
    expect(claim.money).toMatchObject({ billedCents: 10_000, paidCents: 0, payerBalanceCents: 10_000, creditBalanceCents: 0 });
  });

  it('moves through acknowledged and pending, and marks a payer request for information', () => {
    expect(claimOf(submitted(), acknowledged('2026-10-01T09:00:00Z')).status).toBe('acknowledged');
    expect(claimOf(submitted(), acknowledged('2026-10-01T09:00:00Z'), status('2026-10-20T09:00:00Z')).status).toBe('pending');
    expect(claimOf(submitted(), status('2026-10-20T09:00:00Z', 'R4')).status).toBe('info-requested');
  });

  it('is rejected at the front door, and a resubmission starts a new cycle', () => {
    const rejectedClaim = claimOf(submitted(), rejected('2026-10-01T09:00:00Z'));
    expect(rejectedClaim).toMatchObject({ status: 'rejected', open: true, rejection: { categoryCode: 'A7' } });
    const again = claimOf(submitted(), rejected('2026-10-01T09:00:00Z'), resubmitted('2026-10-03T10:00:00Z'));
    expect(again).toMatchObject({ status: 'submitted', lastSubmittedOn: '2026-10-03', submittedOn: '2026-09-30' });
  });

  it('closes a claim paid in full: paid + patient share + fee-schedule reduction = billed', () => {
    const claim = claimOf(submitted(), adjudicated('2026-10-20T12:00:00Z', 6_000, 1_500));
    expect(claim).toMatchObject({ status: 'paid', open: false });
    expect(claim.money).toMatchObject({
      paidCents: 6_000,
      patientResponsibilityCents: 1_500,
      allowedCents: 7_500,
      adjustmentsByGroup: { CO: 2_500, PR: 1_500, OA: 0, PI: 0 },
      deniedCents: 0,
      payerBalanceCents: 0,
    });
  });

  it('keeps a denial open with the denied dollars outstanding', () => {
    const claim = claimOf(submitted(), adjudicated('2026-10-20T12:00:00Z', 0, 0));
    expect(claim).toMatchObject({ status: 'denied', open: true });
    expect(claim.money).toMatchObject({ deniedCents: 10_000, payerBalanceCents: 10_000 });
  });

  it('keeps a partial payment open with the denied part as its balance', () => {
    const claim = claimOf(submitted(), adjudicated('2026-10-20T12:00:00Z', 4_000, 1_000, { feeSchedule: 2_000 }));
    expect(claim).toMatchObject({ status: 'partially-paid', open: true });
    expect(claim.money).toMatchObject({ paidCents: 4_000, deniedCents: 3_000, payerBalanceCents: 3_000 });
  });

  it('undoes the payment a reversal reverses, and counts the corrected payment instead', () => {
    const paid = adjudicated('2026-10-20T12:00:00Z', 6_000, 1_500);
    const reversal = reversed('2026-11-01T12:00:00Z', '2026-10-20');
    expect(claimOf(submitted(), paid, reversal)).toMatchObject({ status: 'reversed', open: true, money: { paidCents: 0, payerBalanceCents: 10_000 } });
    const corrected = adjudicated('2026-11-01T13:00:00Z', 7_000, 1_500, { id: 'evt-corrected' });
    expect(claimOf(submitted(), paid, reversal, corrected)).toMatchObject({ status: 'paid', money: { paidCents: 7_000, payerBalanceCents: 0 } });
  });

  it('shows a second payment of the same claim as a credit balance (refund due), and keeps it open', () => {
    const claim = claimOf(submitted(), adjudicated('2026-10-20T12:00:00Z', 6_000, 1_500), adjudicated('2026-10-27T12:00:00Z', 6_000, 1_500, { id: 'evt-dup-pay' }));
    // Was creditBalanceCents 10,000: the duplicate's CO-45 and PR were counted a second time (issue 12 item 2). The
    // credit is what was paid beyond what is owed: owed by the payer = billed 10,000 − PR 1,500 − CO-45 2,500 = 6,000;
    // paid 6,000 + 6,000 = 12,000; credit = 12,000 − 6,000 = 6,000, due back to the primary (Aetna).
    expect(claim.money).toMatchObject({ paidCents: 12_000, payerBalanceCents: 0, creditBalanceCents: 6_000, overpaidBy: { payerOrder: 1, payerName: 'Aetna', cents: 6_000 } });
    expect(claim).toMatchObject({ status: 'paid', open: true });
  });

  it('is appealed until the next remit, and written off to zero it closes', () => {
    const denial = adjudicated('2026-10-20T12:00:00Z', 0, 0);
    expect(claimOf(submitted(), denial, appealed('2026-10-25T12:00:00Z'))).toMatchObject({ status: 'appealed', open: true });
    expect(claimOf(submitted(), denial, writtenOff('2026-10-25T12:00:00Z', 10_000))).toMatchObject({ status: 'written-off', open: false, money: { writtenOffCents: 10_000, payerBalanceCents: 0 } });
  });

  it('marks a claim the payer forwarded to the secondary (CLP02 19)', () => {
    const forwarded = claimEvent.parse({ ...adjudicated('2026-10-20T12:00:00Z', 6_000, 1_500), payload: { ...adjudicated('2026-10-20T12:00:00Z', 6_000, 1_500).payload, claimStatusCode: '19' } });
    expect(claimOf(submitted(), forwarded).forwardedToSecondary).toBe(true);
    expect(claimOf(submitted(), adjudicated('2026-10-20T12:00:00Z', 6_000, 1_500)).forwardedToSecondary).toBe(false);
  });

  it('counts notes without treating them as activity', () => {
    const claim = claimOf(submitted(), note('2026-11-10T12:00:00Z'));
    expect(claim).toMatchObject({ notes: 1, lastActivityOn: '2026-09-30', lastEventAt: '2026-11-10T12:00:00Z' });
  });
});

describe('order independence', () => {
  it('does not reopen a paid claim when its acknowledgment arrives late, whatever its time', () => {
    const paid = adjudicated('2026-10-20T12:00:00Z', 6_000, 1_500);
    expect(claimOf(submitted(), paid, acknowledged('2026-10-01T09:00:00Z')).status).toBe('paid');
    expect(claimOf(submitted(), paid, acknowledged('2026-10-25T09:00:00Z')).status).toBe('paid');
  });

  it('waits for the submission: events before it are kept and apply when it arrives', () => {
    const early = claimFromEvents('clinic-a', 'C1', [adjudicated('2026-10-20T12:00:00Z', 0, 0)]);
    expect(early).toMatchObject({ status: 'awaiting-submission', open: false, eventCount: 1 });
    expect(claimOf(adjudicated('2026-10-20T12:00:00Z', 0, 0), submitted()).status).toBe('denied');
  });

  it('resolves events at the same instant by life-cycle stage, then id', () => {
    const same = '2026-10-20T12:00:00Z';
    expect(claimOf(submitted(), appealed(same), adjudicated(same, 0, 0)).status).toBe('appealed');
    expect(claimOf(submitted(), rejected(same), acknowledged(same)).status).toBe('rejected');
  });

  it('compares instants, not strings, across offsets', () => {
    // 08:00-05:00 is 13:00Z: after the 12:00Z remit, so the appeal is the latest word.
    expect(claimOf(submitted(), adjudicated('2026-10-20T12:00:00Z', 0, 0), appealed('2026-10-20T08:00:00-05:00')).status).toBe('appealed');
    expect(claimOf(submitted(), adjudicated('2026-10-20T12:00:00Z', 0, 0), appealed('2026-10-20T06:00:00-05:00')).status).toBe('denied');
  });

  it('gives the same claim for every arrival order of its events (property)', () => {
    const scenarios = [...demoClaimEvents({ tenantId: 'clinic-a', claims: 300, today: '2026-11-20', seed: 11 })].filter((e) => e.length > 1);
    fc.assert(
      fc.property(
        fc.constantFrom(...scenarios),
        fc.integer({ min: 0, max: 2 ** 31 }),
        fc.boolean(),
        (events, seed, collapseTimes) => {
          // Optionally put every event at the same instant: ties must still resolve the same way.
          const set = collapseTimes ? events.map((e) => ({ ...e, occurredAt: '2026-10-20T12:00:00Z' }) as ClaimEvent) : events;
          const shuffled = fc.sample(fc.shuffledSubarray(set, { minLength: set.length, maxLength: set.length }), { seed, numRuns: 1 })[0]!;
          const claimId = set[0]!.payload.claimId;
          expect(claimFromEvents('clinic-a', claimId, shuffled)).toEqual(claimFromEvents('clinic-a', claimId, set));
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('the fold the claim item keeps', () => {
  it('gives the claim of the whole set whichever way the events come: one step when an event comes after the latest, a refold when it lands between (property)', () => {
    const scenarios = [...demoClaimEvents({ tenantId: 'clinic-a', claims: 300, today: '2026-11-20', seed: 13 })].filter((e) => e.length > 1);
    fc.assert(
      fc.property(fc.constantFrom(...scenarios), fc.integer({ min: 0, max: 2 ** 31 }), (events, seed) => {
        const arrival = fc.sample(fc.shuffledSubarray(events, { minLength: events.length, maxLength: events.length }), { seed, numRuns: 1 })[0]!;
        const claimId = events[0]!.payload.claimId;
        // What the ingest does: keep only the fold (as stored: through JSON), step it when it can, else fold all so far.
        let fold: ClaimFold | undefined;
        const seen: typeof events = [];
        let steps = 0;
        for (const event of arrival) {
          seen.push(event);
          const stepped = fold ? foldOneMore(fold, event) : undefined;
          if (stepped) steps++;
          fold = JSON.parse(JSON.stringify(stepped ?? foldEvents(seen) ?? null)) ?? undefined;
        }
        expect(claimOfFold('clinic-a', claimId, fold!)).toEqual(claimFromEvents('clinic-a', claimId, events));
        // In the order they happened every event after the submission is one step.
        if (arrival.every((e, i) => i === 0 || Date.parse(e.occurredAt) > Date.parse(arrival[i - 1]!.occurredAt)) && arrival[0]!.type === 'claim.submitted') expect(steps).toBe(events.length - 1);
      }),
      { numRuns: 300 },
    );
  });

  it('steps a note anywhere, and refuses to step an event that takes effect before the latest one', () => {
    const fold = foldEvents([submitted(), adjudicated('2026-10-20T12:00:00Z', 0, 0)])!;
    expect(foldOneMore(fold, note('2026-10-02T09:00:00Z'))).toBeDefined();
    expect(foldOneMore(fold, acknowledged('2026-10-01T09:00:00Z'))).toBeUndefined();
    expect(foldOneMore(fold, appealed('2026-10-25T09:00:00Z'))).toBeDefined();
  });
});

describe('impossible events', () => {
  it('refuses a second original submission of the same claim with another event id', () => {
    expect(impossibleEvent([submitted()], { ...submitted(), eventId: 'evt-other' } as ClaimEvent)).toMatch(/^already-submitted/);
    expect(impossibleEvent([submitted()], resubmitted('2026-10-05T10:00:00Z'))).toBeUndefined();
  });
});

describe('shards', () => {
  it('puts a claim always in the same shard, and spreads claims over all shards', () => {
    expect(shardOf('CLM-1', 8)).toBe(shardOf('CLM-1', 8));
    const counts = new Array(8).fill(0);
    for (let i = 0; i < 8000; i++) counts[shardOf(`CLM-${i}`, 8)]++;
    for (const count of counts) expect(count).toBeGreaterThan(800);
  });
});

describe('demo data', () => {
  it('never dates an event after the day it is generated for', () => {
    for (const events of demoClaimEvents({ tenantId: 'clinic-a', claims: 2000, today: '2026-11-20', seed: 9 })) {
      for (const event of events) expect(event.occurredAt.slice(0, 10) < '2026-11-20', event.eventId).toBe(true);
    }
  });
});

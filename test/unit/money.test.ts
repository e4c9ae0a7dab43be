// A claim's money per payer adjudication (coordination of benefits, duplicates, reversals), with every figure worked
// out by hand in the comments, and the money invariants as properties over generated remittance sequences.
// The fixture claim: billed $100.00 (10,000 cents), Aetna primary; with other coverage, Blue Cross secondary.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { claimFromEvents, claimOfFold, foldEvents, foldOneMore, isClaim, type Claim, type ClaimFold } from '../../functions/domain/claim.js';
import type { ClaimEvent } from '../../functions/domain/claim-events.js';
import { clocksOf } from '../../functions/domain/clocks.js';
import { mainDenial } from '../../functions/domain/denials.js';
import { limitsFor } from '../../functions/domain/payer-rules.js';
import { defaultTenantSettings } from '../../functions/domain/tenant-settings.js';
import { describeReason, planWorkItem } from '../../functions/domain/work-item.js';
import { cas, closed, parse, raw, remit, reversed, submitted, writtenOff } from './claim-fixtures.js';

const claimOf = (...events: ClaimEvent[]): Claim => {
  const state = claimFromEvents('clinic-a', 'C1', events);
  if (!isClaim(state)) throw new Error(`no claim: ${state.status}`);
  return state;
};
const withSecondary = submitted(undefined, { otherPayer: { id: 'bcbs', name: 'Blue Cross' } });
const payerOf = (claim: Claim) => ({ payerType: claim.payer.type, state: claim.payer.state, payerId: claim.payer.id, participating: claim.participating });
const clockKinds = (claim: Claim, on: string) => clocksOf(claim, limitsFor(payerOf(claim), on)).map((c) => c.kind);

// Primary (Aetna, CLP02 1): allowed 75.00 = paid 60.00 + coinsurance PR-2 15.00; CO-45 25.00. 10,000 − 6,000 = 2,500 + 1,500.
const primaryPaid = remit('2026-10-20T12:00:00Z', 6_000, [cas('CO-45', 2_500), cas('PR-2', 1_500)], { id: 'evt-primary' });

describe('coordination of benefits (issue 12 item 1)', () => {
  it('a secondary paying the primary coinsurance, with OA-23 and its own CO-45, pays the claim in full', () => {
    // Secondary (Blue Cross, CLP02 2): pays the 15.00 coinsurance; OA-23 60.00 restates the primary's payment; its own
    // CO-45 25.00. Balances: 10,000 − 1,500 = 8,500 = 6,000 + 2,500.
    const secondary = remit('2026-11-10T12:00:00Z', 1_500, [cas('OA-23', 6_000), cas('CO-45', 2_500)], { id: 'evt-secondary', clp02: '2', payerClaimNumber: 'BC9' });
    const claim = claimOf(withSecondary, primaryPaid, secondary);
    // Payments 6,000 + 1,500 = 7,500; patient share = the secondary's PR = 0 (not the primary's 1,500); OA-23 6,000
    // equals the primary's payment, so it restates it and reduces nothing: reductions = the secondary's CO-45 2,500.
    // Billed 10,000 = 7,500 + 2,500 + 0 + 0 write-offs: paid in full, no balance, no credit.
    expect(claim.money).toMatchObject({ paidCents: 7_500, patientResponsibilityCents: 0, reducedCents: 2_500, deniedCents: 0, payerBalanceCents: 0, creditBalanceCents: 0 });
    expect(claim.money.overpaidBy).toBeUndefined();
    expect(claim).toMatchObject({ status: 'paid', open: false });
    // The secondary's remit stops the secondary-filing clock; nothing to do (no refund, no secondary billing).
    expect(clockKinds(claim, '2026-11-11')).not.toContain('secondary-filing');
    expect(planWorkItem(claim, defaultTenantSettings(), '2026-11-11')).toBeUndefined();
  });

  it('runs the secondary-filing clock until the secondary remits, and not at all when the primary forwarded (CLP02 19)', () => {
    // Before the secondary: the primary left 1,500 to the patient; the clock runs from 2026-10-20, 90 days: Oct 31 11,
    // Nov 30 41, Dec 31 72, Jan 18 90 → 2027-01-18.
    const before = claimOf(withSecondary, primaryPaid);
    expect(clocksOf(before, limitsFor(payerOf(before), '2026-10-21')).find((c) => c.kind === 'secondary-filing')).toMatchObject({ startsOn: '2026-10-20', dueOn: '2027-01-18' });
    expect(planWorkItem(before, defaultTenantSettings(), '2026-10-21')).toMatchObject({ queue: 'secondary-billing', dollarsCents: 1_500 });
    const crossover = remit('2026-10-20T12:00:00Z', 6_000, [cas('CO-45', 2_500), cas('PR-2', 1_500)], { id: 'evt-primary', clp02: '19' });
    expect(clockKinds(claimOf(withSecondary, crossover), '2026-10-21')).not.toContain('secondary-filing');
  });

  it('after the secondary, the patient owes what the secondary left, not the primary coinsurance', () => {
    // Secondary pays 10.00 of the 15.00 and leaves PR-2 5.00: 10,000 − 1,000 = 9,000 = OA-23 6,000 + CO-45 2,500 + PR 500.
    const secondary = remit('2026-11-10T12:00:00Z', 1_000, [cas('OA-23', 6_000), cas('CO-45', 2_500), cas('PR-2', 500)], { id: 'evt-secondary', clp02: '2' });
    const claim = claimOf(withSecondary, primaryPaid, secondary);
    // Payments 7,000; patient 500; reductions 2,500: 7,000 + 500 + 2,500 = 10,000: paid in full.
    expect(claim.money).toMatchObject({ paidCents: 7_000, patientResponsibilityCents: 500, reducedCents: 2_500, payerBalanceCents: 0, creditBalanceCents: 0 });
  });

  it('reads an OA-23 that restates the prior payment and the prior CO-45 together', () => {
    // Secondary: paid 1,500, OA-23 8,500 (= primary paid 6,000 + its CO-45 2,500), no CO-45 of its own.
    const secondary = remit('2026-11-10T12:00:00Z', 1_500, [cas('OA-23', 8_500)], { id: 'evt-secondary', clp02: '2' });
    const claim = claimOf(withSecondary, primaryPaid, secondary);
    // OA-23 beyond the prior payments: 8,500 − 6,000 = 2,500, at most the primary's reductions (2,500): a reduction.
    // 10,000 = paid 7,500 + reductions 2,500 + patient 0.
    expect(claim.money).toMatchObject({ paidCents: 7_500, reducedCents: 2_500, deniedCents: 0, payerBalanceCents: 0, creditBalanceCents: 0 });
  });

  it('keeps a primary denial the secondary restated as recoverable work', () => {
    // Primary: paid 40.00, CO-45 20.00, PR-1 10.00, CO-97/M15 30.00 (10,000 − 4,000 = 2,000 + 1,000 + 3,000).
    const partial = remit('2026-10-20T12:00:00Z', 4_000, [cas('CO-45', 2_000), cas('PR-1', 1_000), cas('CO-97', 3_000, ['M15'])], { id: 'evt-primary' });
    // Secondary pays the 10.00 deductible; OA-23 90.00 restates all the primary did but the patient share.
    const secondary = remit('2026-11-10T12:00:00Z', 1_000, [cas('OA-23', 9_000)], { id: 'evt-secondary', clp02: '2' });
    const claim = claimOf(withSecondary, partial, secondary);
    // OA-23 beyond prior payments: 9,000 − 4,000 = 5,000 → the primary's reductions (2,000) then its denial (3,000).
    // Balance = 10,000 − paid 5,000 − patient 0 − reductions 2,000 = 3,000 = the denied CO-97.
    expect(claim.money).toMatchObject({ paidCents: 5_000, reducedCents: 2_000, deniedCents: 3_000, payerBalanceCents: 3_000, patientResponsibilityCents: 0 });
    expect(mainDenial(claim)).toMatchObject({ group: 'CO', carc: '97', category: 'coding', remitDate: '2026-10-20' });
  });

  it('takes a prior payment the secondary booked as its own reduction out of the reductions: no false refund', () => {
    // Secondary without OA-23: paid 1,500, CO-45 8,500 (10,000 − 1,500 = 8,500). Its CO-45 holds the primary's 6,000.
    const secondary = remit('2026-11-10T12:00:00Z', 1_500, [cas('CO-45', 8_500)], { id: 'evt-secondary', clp02: '2' });
    const claim = claimOf(withSecondary, primaryPaid, secondary);
    // Shortfall of OA-23 against prior payments: 6,000 − 0 = 6,000, out of its reductions: 8,500 − 6,000 = 2,500.
    // 10,000 = paid 7,500 + reductions 2,500: no credit (read naively: 10,000 − 7,500 − 8,500 = −6,000, a false refund).
    expect(claim.money).toMatchObject({ paidCents: 7_500, reducedCents: 2_500, creditBalanceCents: 0, payerBalanceCents: 0 });
  });
});

describe('duplicate payments (issue 12 item 2)', () => {
  it('refunds only what was paid beyond what is owed, and names the payer', () => {
    // The same payer pays again 20.00 (CLP02 1; 10,000 − 2,000 = CO-45 8,000). Owed by Aetna per its first paying
    // remit: 10,000 − PR 1,500 − CO-45 2,500 = 6,000. Paid 6,000 + 2,000 = 8,000: credit 8,000 − 6,000 = 2,000.
    // (Counting the second remit's CO-45 too gave 10,000 − 8,000 − 1,500 − 10,500 = −10,000: a $100 credit.)
    const again = remit('2026-10-27T12:00:00Z', 2_000, [cas('CO-45', 8_000)], { id: 'evt-again' });
    const claim = claimOf(submitted(), primaryPaid, again);
    expect(claim.money).toMatchObject({ paidCents: 8_000, patientResponsibilityCents: 1_500, reducedCents: 2_500, payerBalanceCents: 0, creditBalanceCents: 2_000 });
    expect(claim.money.overpaidBy).toEqual({ payerOrder: 1, payerName: 'Aetna', cents: 2_000 });
    const plan = planWorkItem(claim, defaultTenantSettings(), '2026-10-28');
    expect(plan).toMatchObject({ queue: 'credit-balance', dollarsCents: 2_000 });
    expect(describeReason(plan!.reasons[0]!, '2026-10-28')).toBe('credit balance of $20.00: the primary payer (Aetna) overpaid by $20.00: refund due');
  });

  it('names the secondary when it paid twice', () => {
    const secondary = (id: string, at: string) => remit(at, 1_500, [cas('OA-23', 6_000), cas('CO-45', 2_500)], { id, clp02: '2' });
    const claim = claimOf(withSecondary, primaryPaid, secondary('evt-sec-1', '2026-11-10T12:00:00Z'), secondary('evt-sec-2', '2026-11-17T12:00:00Z'));
    // Owed: 10,000 − 0 − 2,500 = 7,500; paid 6,000 + 1,500 + 1,500 = 9,000: credit 1,500, Blue Cross's second payment.
    expect(claim.money).toMatchObject({ creditBalanceCents: 1_500, overpaidBy: { payerOrder: 2, payerName: 'Blue Cross', cents: 1_500 } });
    expect(describeReason(planWorkItem(claim, defaultTenantSettings(), '2026-11-18')!.reasons[0]!, '2026-11-18')).toBe(
      'credit balance of $15.00: the secondary payer (Blue Cross) overpaid by $15.00: refund due',
    );
  });

  it('reads a paying remit after a denial as the payer deciding again, not as a duplicate', () => {
    // Denied CO-50 100.00, then paid after appeal: 6,000 with CO-45 2,500 and PR-2 1,500. The paying remit decides:
    // 10,000 = 6,000 + 2,500 + 1,500; nothing denied any more, nothing to appeal.
    const denied = remit('2026-10-20T12:00:00Z', 0, [cas('CO-50', 10_000)], { id: 'evt-denied' });
    const paidLater = remit('2026-12-01T12:00:00Z', 6_000, [cas('CO-45', 2_500), cas('PR-2', 1_500)], { id: 'evt-paid' });
    const claim = claimOf(submitted(), denied, paidLater);
    expect(claim.money).toMatchObject({ paidCents: 6_000, deniedCents: 0, payerBalanceCents: 0, creditBalanceCents: 0 });
    expect(claim.status).toBe('paid');
    expect(mainDenial(claim)).toBeUndefined();
  });

  it('never makes a write-off into a credit', () => {
    // Paid in full (6,000 + 2,500 + 1,500 = 10,000), then 5.00 written off: owed 6,000, paid 6,000: no credit; balance
    // max(0, 0 − 500) = 0. (Before: 10,000 − 6,000 − 1,500 − 2,500 − 500 = −500, a $5 "refund due".)
    const claim = claimOf(submitted(), primaryPaid, writtenOff('2026-10-25T12:00:00Z', 500));
    expect(claim.money).toMatchObject({ creditBalanceCents: 0, payerBalanceCents: 0, writtenOffCents: 500 });
  });
});

describe('reversals (issue 12 item 4)', () => {
  // The 835 of 2026-11-01 reverses the 2026-10-20 payment (CLP02 22) and carries the corrected claim: paid 70.00,
  // CO-45 15.00, PR-2 15.00 (10,000 − 7,000 = 1,500 + 1,500). Both events at the same instant.
  const sameRemit = '2026-11-01T12:00:00Z';
  const corrected = remit(sameRemit, 7_000, [cas('CO-45', 1_500), cas('PR-2', 1_500)], { id: 'evt-corrected' });

  it.each([
    ['naming the payment it reverses', '2026-10-20'],
    ['naming none: the latest earlier one', undefined],
  ])('takes back the earlier payment, never the correction in the same remit (%s), in any arrival order', (_, reversesRemitDate) => {
    const events = [submitted(), primaryPaid, reversed(sameRemit, reversesRemitDate), corrected];
    // The original 6,000 is out; the correction 7,000 is in: 10,000 − 7,000 − 1,500 − 1,500 = 0, no credit.
    for (const order of [events, [...events].reverse(), [events[3]!, events[2]!, events[0]!, events[1]!]]) {
      const claim = claimOf(...order);
      expect(claim.money).toMatchObject({ paidCents: 7_000, patientResponsibilityCents: 1_500, reducedCents: 1_500, payerBalanceCents: 0, creditBalanceCents: 0 });
      expect(claim.adjudications.map((a) => [a.eventId, a.reversedOn ?? null])).toEqual([
        ['evt-primary', '2026-11-01'],
        ['evt-corrected', null],
      ]);
    }
  });

  it('takes back exactly the payment it names, when the payer paid twice', () => {
    const again = remit('2026-10-27T12:00:00Z', 6_000, [cas('CO-45', 2_500), cas('PR-2', 1_500)], { id: 'evt-again' });
    // Reversing the duplicate of 2026-10-27 leaves the first payment: paid 6,000 = owed 6,000, no credit.
    const undone = claimOf(submitted(), primaryPaid, again, reversed('2026-11-03T12:00:00Z', '2026-10-27'));
    expect(undone.money).toMatchObject({ paidCents: 6_000, creditBalanceCents: 0, payerBalanceCents: 0 });
    expect(undone.adjudications.find((a) => a.reversedOn)?.eventId).toBe('evt-again');
  });

  it('never reverses a payment dated after it', () => {
    // A reversal dated 2026-10-25 that names no payment, stepped before a remit dated 2026-10-27: it reverses the
    // 2026-10-20 payment; the 2026-10-27 one (it took effect later) stays in force.
    const later = remit('2026-10-27T12:00:00Z', 6_000, [cas('CO-45', 2_500), cas('PR-2', 1_500)], { id: 'evt-later' });
    const claim = claimOf(submitted(), primaryPaid, reversed('2026-10-25T12:00:00Z'), later);
    expect(claim.adjudications.map((a) => a.reversedOn ?? null)).toEqual(['2026-10-25', null]);
    expect(claim.money).toMatchObject({ paidCents: 6_000, payerBalanceCents: 0, creditBalanceCents: 0 });
  });
});

// ---- Properties over generated remittance sequences (issue 12 item 5) ----

const instants = ['2026-10-20T12:00:00Z', '2026-10-27T12:00:00Z', '2026-11-03T12:00:00Z', '2026-11-03T12:00:00Z', '2026-11-10T09:00:00-05:00'];

/** Four non-negative amounts that add up to `total`. */
const split = (total: number) =>
  fc.tuple(fc.nat({ max: total }), fc.nat({ max: total }), fc.nat({ max: total })).map(([a, b, c]) => {
    const [x, y, z] = [a, b, c].sort((p, q) => p - q) as [number, number, number];
    return [x, y - x, z - y, total - z] as const;
  });

/** A remit of the $100 claim that balances, as the contract demands: CLP02, paid, and PR / CO-45 / OA-23 / denial. */
const remitArb = fc
  .record({
    clp02: fc.constantFrom('1', '1', '2', '3', '4', '19', '20'),
    paid: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 10_000 })),
    at: fc.constantFrom(...instants),
    pcn: fc.constantFrom('PCN1', 'PCN2'),
  })
  .chain((r) => split(10_000 - r.paid).map((parts) => ({ ...r, parts })));

const eventsArb = fc
  .record({
    otherPayer: fc.boolean(),
    remits: fc.array(remitArb, { maxLength: 4 }),
    reversals: fc.array(fc.record({ at: fc.constantFrom(...instants), pcn: fc.constantFrom('PCN1', 'PCN2'), names: fc.option(fc.constantFrom(...instants), { nil: undefined }) }), { maxLength: 2 }),
    writeOffs: fc.array(fc.record({ at: fc.constantFrom(...instants), cents: fc.integer({ min: 1, max: 10_000 }) }), { maxLength: 2 }),
    close: fc.option(fc.constantFrom(...instants), { nil: undefined }),
  })
  .map(({ otherPayer, remits, reversals, writeOffs, close }): ClaimEvent[] => [
    submitted(undefined, otherPayer ? { otherPayer: { id: 'bcbs', name: 'Blue Cross' } } : {}),
    ...remits.map((r, i) => {
      const [patient, fee, prior, denial] = r.parts;
      const adjustments = [cas('PR-2', patient), cas('CO-45', fee), cas('OA-23', prior), cas('CO-197', denial)].filter((a) => a.amountCents > 0);
      return remit(r.at, r.paid, adjustments, { id: `evt-remit-${i}`, clp02: r.clp02, payerClaimNumber: r.pcn });
    }),
    ...reversals.map((r, i) =>
      parse(raw(`evt-reversal-${i}`, 'claim.reversed', r.at, { remitDate: r.at.slice(0, 10), payerClaimNumber: r.pcn, ...(r.names ? { reversesRemitDate: r.names.slice(0, 10) } : {}) })),
    ),
    ...writeOffs.map((w, i) => writtenOff(w.at, w.cents, `evt-writeoff-${i}`)),
    ...(close ? [closed(close)] : []),
  ]);

const arrivalOf = (events: readonly ClaimEvent[], seed: number): ClaimEvent[] =>
  fc.sample(fc.shuffledSubarray([...events], { minLength: events.length, maxLength: events.length }), { seed, numRuns: 1 })[0]!;

describe('money invariants (property)', () => {
  it('never shows a negative balance; a credit only for payments beyond what is owed; the parts add up to billed', () => {
    fc.assert(
      fc.property(eventsArb, (events) => {
        const claim = claimOf(...events);
        const m = claim.money;
        for (const value of [m.paidCents, m.patientResponsibilityCents, m.reducedCents, m.deniedCents, m.payerBalanceCents, m.creditBalanceCents]) {
          expect(value).toBeGreaterThanOrEqual(0);
        }
        const owed = m.billedCents - m.patientResponsibilityCents - m.reducedCents;
        // A credit is exactly what was paid beyond what is owed, and names the payer; no credit while payments are within it.
        expect(m.creditBalanceCents).toBe(Math.max(0, m.paidCents - owed));
        expect(m.overpaidBy?.cents ?? 0).toBe(m.creditBalanceCents);
        expect(m.payerBalanceCents > 0 && m.creditBalanceCents > 0).toBe(false);
        // Payer balance + patient share + payments + reductions + write-offs = billed, while the write-offs stay within
        // what was left (beyond it they change nothing: the balance is 0, and never a credit).
        const left = Math.max(0, owed - m.paidCents);
        if (m.writtenOffCents <= left) {
          expect(m.payerBalanceCents + m.patientResponsibilityCents + m.paidCents + m.reducedCents + m.writtenOffCents - m.creditBalanceCents).toBe(m.billedCents);
        } else expect(m.payerBalanceCents).toBe(0);
        // The payers owe nothing beyond what they denied.
        if (claim.adjudications.some((a) => !a.reversedOn)) expect(m.payerBalanceCents).toBeLessThanOrEqual(m.deniedCents);
      }),
      { numRuns: 2_000 },
    );
  });

  it('gives the same claim for the same set of events in any order, folded whole or stepped as they arrive', () => {
    fc.assert(
      fc.property(eventsArb, fc.integer({ min: 0, max: 2 ** 31 }), (events, seed) => {
        const whole = claimFromEvents('clinic-a', 'C1', events);
        const arrival = arrivalOf(events, seed);
        expect(claimFromEvents('clinic-a', 'C1', arrival)).toEqual(whole);
        let fold: ClaimFold | undefined;
        const seen: ClaimEvent[] = [];
        for (const event of arrival) {
          seen.push(event);
          const stepped = fold ? foldOneMore(fold, event) : undefined;
          fold = JSON.parse(JSON.stringify(stepped ?? foldEvents(seen) ?? null)) ?? undefined;
        }
        expect(claimOfFold('clinic-a', 'C1', fold!)).toEqual(whole);
      }),
      { numRuns: 1_000 },
    );
  });
});

// Clocks, routing, ranking and assignment, with expectations computed by hand from the fixture claim:
// Aetna (commercial, participating), date of service 2026-09-28, submitted electronically 2026-09-30, $100.00.
import { describe, expect, it } from 'vitest';
import { claimFromEvents, isClaim, type Claim } from '../../functions/domain/claim.js';
import type { ClaimEvent } from '../../functions/domain/claim-events.js';
import { clocksOf, daysLeft } from '../../functions/domain/clocks.js';
import { limitsFor } from '../../functions/domain/payer-rules.js';
import { defaultTenantSettings, isOnRoster, tenantSettings, type TenantSettings } from '../../functions/domain/tenant-settings.js';
import { isOverdue } from '../../functions/domain/overdue.js';
import { deadlineBefore, describeReason, nextStepOf, planWorkItem, priorityOf } from '../../functions/domain/work-item.js';
import { acknowledged, adjudicated, appealed, parse, raw, rejected, status, submitted } from './claim-fixtures.js';

const claimOf = (...events: ClaimEvent[]): Claim => {
  const state = claimFromEvents('clinic-a', 'C1', events);
  if (!isClaim(state)) throw new Error('no claim');
  return state;
};
const settings = (changes: Partial<TenantSettings> = {}): TenantSettings => ({ ...defaultTenantSettings(), ...changes });
const payerOf = (claim: Claim) => ({ payerType: claim.payer.type, state: claim.payer.state, payerId: claim.payer.id, participating: claim.participating });
const medicare = { payer: { id: 'mcr', name: 'Medicare', type: 'medicare' } };
const texasMedicaid = { payer: { id: 'tx-mcd', name: 'Texas Medicaid', type: 'medicaid', state: 'TX' } };
const ack = acknowledged('2026-10-01T09:00:00Z');
const denial = (carc: string, group = 'CO', rarcs: string[] = []) => adjudicated('2026-10-20T12:00:00Z', 0, 0, { denial: { group, carc, rarcs } });

describe('clocks', () => {
  it.each([
    ['commercial participating: 90 days', {}, '2026-12-27'],
    ['commercial non-participating: 180 days', { participating: false }, '2027-03-27'],
    ['Medicare: one calendar year', medicare, '2027-09-28'],
    ['Texas Medicaid: 95 days', texasMedicaid, '2027-01-01'],
  ])('timely filing, %s from the date of service', (_, changes, dueOn) => {
    const claim = claimOf(submitted(undefined, changes));
    const clock = clocksOf(claim, limitsFor(payerOf(claim), '2026-10-01')).find((c) => c.kind === 'timely-filing');
    expect(clock).toEqual({ kind: 'timely-filing', startsOn: '2026-09-28', dueOn });
  });

  it('stops the timely-filing clock once the payer has the claim, and restarts it for a corrected claim', () => {
    const accepted = claimOf(submitted(), ack);
    expect(clocksOf(accepted, limitsFor(payerOf(accepted), '2026-10-02')).map((c) => c.kind)).toEqual(['no-response']);
    const codingDenial = claimOf(submitted(), ack, denial('4'));
    expect(clocksOf(codingDenial, limitsFor(payerOf(codingDenial), '2026-10-21')).map((c) => c.kind)).toEqual(['timely-filing', 'appeal']);
  });

  it('runs the appeal clock from the denial remit: commercial first level 180 days, Medicare redetermination 120', () => {
    const commercial = claimOf(submitted(), ack, denial('197'));
    expect(clocksOf(commercial, limitsFor(payerOf(commercial), '2026-10-21')).find((c) => c.kind === 'appeal')).toEqual({ kind: 'appeal', level: 'first', startsOn: '2026-10-20', dueOn: '2027-04-18' });
    const mcr = claimOf(submitted(undefined, medicare), ack, denial('197'));
    // Was dueOn 2027-02-17 (remit + 120). 42 CFR 405.942(a): 120 days from receipt, presumed 5 days after the notice
    // (issue 12 item 7): received 2026-10-20 + 5 = 2026-10-25; + 120: to Oct 31 6, Nov 30 36, Dec 31 67, Jan 31 98,
    // Feb 22 120 → 2027-02-22.
    expect(clocksOf(mcr, limitsFor(payerOf(mcr), '2026-10-21')).find((c) => c.kind === 'appeal')).toEqual({
      kind: 'appeal',
      level: 'redetermination',
      startsOn: '2026-10-20',
      receivedOn: '2026-10-25',
      dueOn: '2027-02-22',
    });
  });

  it('runs the no-response clock from the latest submission or status: 21 days electronic, 30 paper', () => {
    const electronic = claimOf(submitted());
    expect(clocksOf(electronic, limitsFor(payerOf(electronic), '2026-10-01')).find((c) => c.kind === 'no-response')?.dueOn).toBe('2026-10-21');
    const paper = claimOf(submitted(undefined, { submissionMethod: 'paper' }));
    expect(clocksOf(paper, limitsFor(payerOf(paper), '2026-10-01')).find((c) => c.kind === 'no-response')?.dueOn).toBe('2026-10-30');
    const pending = claimOf(submitted(), status('2026-10-15T09:00:00Z'));
    expect(clocksOf(pending, limitsFor(payerOf(pending), '2026-10-16')).find((c) => c.kind === 'no-response')?.dueOn).toBe('2026-11-05');
  });

  it('runs the secondary filing clock from the primary remit when there is other coverage, not when the payer forwarded it', () => {
    const other = { otherPayer: { id: 'bcbs', name: 'Blue Cross' } };
    const paid = claimOf(submitted(undefined, other), ack, adjudicated('2026-10-20T12:00:00Z', 6_000, 1_500));
    expect(clocksOf(paid, limitsFor(payerOf(paid), '2026-10-21')).find((c) => c.kind === 'secondary-filing')).toEqual({ kind: 'secondary-filing', startsOn: '2026-10-20', dueOn: '2027-01-18' });
    const remit = adjudicated('2026-10-20T12:00:00Z', 6_000, 1_500);
    const forwarded = claimOf(submitted(undefined, other), ack, parse({ ...remit, payload: { ...remit.payload, claimStatusCode: '19' } }));
    expect(clocksOf(forwarded, limitsFor(payerOf(forwarded), '2026-10-21')).some((c) => c.kind === 'secondary-filing')).toBe(false);
  });

  it('applies a rule change from its effective date only, and a payer override over a tenant-wide one', () => {
    const claim = claimOf(submitted());
    const overrides = tenantSettings.parse({
      payerRules: [
        { payerType: 'commercial', effectiveFrom: '2026-11-01', limits: { timelyFilingDays: 120 } },
        { payerId: 'aetna', effectiveFrom: '2026-12-01', limits: { timelyFilingDays: 150 } },
      ],
    }).payerRules;
    // Rules now carry their unit (issue 12 item 6): the same figures, read as { amount, unit: 'days' }; the overrides
    // keep the older plain timelyFilingDays form, which still means days.
    const days = (amount: number) => ({ amount, unit: 'days' });
    expect(limitsFor(payerOf(claim), '2026-10-31', overrides).timelyFiling).toEqual(days(90));
    expect(limitsFor(payerOf(claim), '2026-11-01', overrides).timelyFiling).toEqual(days(120));
    expect(limitsFor(payerOf(claim), '2026-12-01', overrides).timelyFiling).toEqual(days(150));
    expect(limitsFor({ ...payerOf(claim), payerId: 'cigna' }, '2026-12-01', overrides).timelyFiling).toEqual(days(120));
  });

  it('counts days left, negative once run out', () => {
    expect(daysLeft({ dueOn: '2026-12-27' }, '2026-12-18')).toBe(9);
    expect(daysLeft({ dueOn: '2026-12-27' }, '2026-12-30')).toBe(-3);
  });
});

describe('routing', () => {
  it('puts a claim with nothing due in no queue, and a closed claim never', () => {
    expect(planWorkItem(claimOf(submitted(), ack), settings(), '2026-10-05')).toBeUndefined();
    expect(planWorkItem(claimOf(submitted(), ack, adjudicated('2026-10-20T12:00:00Z', 6_000, 1_500)), settings(), '2027-06-01')).toBeUndefined();
  });

  it('routes silence to no response once its clock is due', () => {
    const claim = claimOf(submitted(), ack);
    expect(planWorkItem(claim, settings(), '2026-10-20')).toBeUndefined();
    expect(planWorkItem(claim, settings(), '2026-10-22')).toMatchObject({ queue: 'no-response', dollarsCents: 10_000, reasons: [{ code: 'no-response', since: '2026-09-30' }] });
  });

  it('routes a front-door rejection with its timely-filing deadline', () => {
    const plan = planWorkItem(claimOf(submitted(), rejected('2026-10-01T09:00:00Z')), settings(), '2026-12-18');
    expect(plan).toMatchObject({ queue: 'rejections', dueOn: '2026-12-27' });
    expect(plan!.reasons.map((r) => describeReason(r, '2026-12-18'))).toEqual([
      'rejected at the front door (A7/164) on 2026-10-01: fix and resubmit',
      'timely filing closes in 9 days',
    ]);
  });

  it.each([
    ['4', 'CO', [], 'coding'],
    ['197', 'CO', [], 'authorization'],
    ['27', 'CO', [], 'eligibility-cob'],
    ['22', 'CO', [], 'eligibility-cob'],
    ['50', 'CO', [], 'medical-necessity'],
    ['16', 'CO', ['M51'], 'missing-information'],
    ['18', 'OA', [], 'duplicate'],
    ['29', 'CO', [], 'timely-filing'],
    ['96', 'CO', [], 'non-covered'],
    ['185', 'CO', [], 'credentialing'],
    ['97', 'CO', ['M15'], 'coding'],
    ['119', 'CO', [], 'non-covered'],
  ])('routes a denial %s (group %s) to denials / %s', (carc, group, rarcs, category) => {
    const plan = planWorkItem(claimOf(submitted(), ack, denial(carc, group, rarcs)), settings(), '2026-10-21');
    expect(plan).toMatchObject({ queue: 'denials', category, dollarsCents: 10_000 });
  });

  it('explains a denial in a biller\'s words', () => {
    const plan = planWorkItem(claimOf(submitted(), ack, denial('197')), settings(), '2026-10-21');
    expect(describeReason(plan!.reasons[0]!, '2026-10-21')).toBe('denied CO-197: Precertification/authorization/notification/pre-treatment absent: get a retro-authorization or appeal');
    expect(describeReason(plan!.reasons[1]!, '2026-10-21')).toBe('first appeal closes in 179 days');
  });

  it('finds an underpayment hidden in CO-45 when the contract rate is known', () => {
    const paid = claimOf(submitted(), ack, adjudicated('2026-10-20T12:00:00Z', 6_000, 1_500));
    const rates = tenantSettings.parse({
      contractRates: [
        { payerId: 'aetna', procedureCode: '99213', allowedCentsPerUnit: 7_000, effectiveFrom: '2026-01-01' },
        { payerId: 'aetna', procedureCode: 'J1100', allowedCentsPerUnit: 900, effectiveFrom: '2026-01-01' },
      ],
    }).contractRates;
    // Expected 70.00 + 2 x 9.00 = 88.00; received 60.00 paid + 15.00 patient = 75.00: underpaid by 13.00.
    const plan = planWorkItem(paid, settings({ contractRates: rates }), '2026-10-21');
    expect(plan).toMatchObject({ queue: 'underpaid', dollarsCents: 1_300 });
    expect(describeReason(plan!.reasons[0]!, '2026-10-21')).toBe('paid $75.00 against $88.00 contracted: underpaid by $13.00');
    expect(planWorkItem(paid, settings(), '2026-10-21')).toBeUndefined(); // no contract: nothing to say
    // Under appeal, the payer decides again: no underpayment work until it has (it was routed to underpaid, $88 vs $0,
    // for a fully denied claim under appeal). The decision follow-up is due 45 days after the appeal: 2026-12-06.
    const deniedThenAppealed = claimOf(submitted(), ack, denial('197'), appealed('2026-10-22T12:00:00Z'));
    expect(planWorkItem(deniedThenAppealed, settings({ contractRates: rates }), '2026-10-23')).toBeUndefined();
    expect(planWorkItem(deniedThenAppealed, settings({ contractRates: rates }), '2026-12-06')).toMatchObject({ queue: 'appeal-pending' });
  });

  it('routes an appeal without a decision after its follow-up interval to appeal pending', () => {
    const claim = claimOf(submitted(), ack, denial('50'), appealed('2026-10-25T12:00:00Z'));
    expect(planWorkItem(claim, settings(), '2026-11-20')).toBeUndefined();
    expect(planWorkItem(claim, settings(), '2026-12-09')).toMatchObject({ queue: 'appeal-pending', reasons: [{ code: 'appeal-pending', level: 'first' }] });
    // The decision's follow-up date is when the work came due, not a deadline: no dueOn, so neither "near a deadline"
    // nor overdue on the day it opens (it was both, for every appeal pending).
    const pending = planWorkItem(claim, settings(), '2026-12-09')!;
    expect(pending.dueOn).toBeUndefined();
    expect(isOverdue({ openedOn: '2026-12-09', ...(pending.dueOn ? { dueOn: pending.dueOn } : {}) }, '2026-12-10')).toBe(false);
  });

  it('routes secondary billing, a credit balance, and an expired filing limit', () => {
    const other = { otherPayer: { id: 'bcbs', name: 'Blue Cross' } };
    expect(planWorkItem(claimOf(submitted(undefined, other), ack, adjudicated('2026-10-20T12:00:00Z', 6_000, 1_500)), settings(), '2026-10-21')).toMatchObject({
      queue: 'secondary-billing',
      dollarsCents: 1_500,
    });
    const twice = claimOf(submitted(), adjudicated('2026-10-20T12:00:00Z', 6_000, 1_500), adjudicated('2026-10-27T12:00:00Z', 6_000, 1_500, { id: 'evt-dup-pay' }));
    // Was dollarsCents 10,000 (the duplicate's CO-45 and PR counted twice, issue 12 item 2): paid 6,000 × 2 = 12,000
    // against 10,000 − 1,500 PR − 2,500 CO-45 = 6,000 owed: 6,000 to refund, to the primary payer.
    expect(planWorkItem(twice, settings(), '2026-10-28')).toMatchObject({ queue: 'credit-balance', dollarsCents: 6_000, reasons: [{ code: 'credit-balance', cents: 6_000, payerOrder: 1, payerName: 'Aetna' }] });
    // Was queue timely-filing-expired: a passed filing limit is reviewed in deadline-passed (issue 13 item 1).
    expect(planWorkItem(claimOf(submitted()), settings(), '2026-12-28')).toMatchObject({ queue: 'deadline-passed', dueOn: '2026-12-27' });
  });

  it('routes a payer request for information as missing-information work', () => {
    expect(planWorkItem(claimOf(submitted(), status('2026-10-15T09:00:00Z', 'R4')), settings(), '2026-10-16')).toMatchObject({ queue: 'denials', category: 'missing-information' });
  });
});

describe('ranking and assignment', () => {
  it('ranks by recoverable dollars, time left on the nearest clock, age and queue', () => {
    expect(priorityOf('denials', 100_000, 5, 0)).toBeGreaterThan(priorityOf('denials', 100_000, 50, 0));
    expect(priorityOf('denials', 100_000, 50, 0)).toBeGreaterThan(priorityOf('denials', 10_000, 50, 0));
    expect(priorityOf('no-response', 10_000, undefined, 4)).toBeGreaterThan(priorityOf('no-response', 10_000, undefined, 0));
    // A large denial closing in 5 days: 100 (recoverable floor, issue 13 item 1) + 20 (queue) + 30 ($1,000) + 35 (<= 7 days) = 185.
    expect(priorityOf('denials', 100_000, 5, 0)).toBe(185);
  });

  it('keeps the priority steady from one night to the next unless a deadline band or bucket changes', () => {
    const claim = claimOf(submitted(), ack, denial('197'));
    const a = planWorkItem(claim, settings(), '2026-10-21')!;
    const b = planWorkItem(claim, settings(), '2026-10-22')!;
    expect(b).toEqual(a);
  });

  it('assigns by the first matching rule and leaves the rest in the pool', () => {
    const rules = tenantSettings.parse({
      assignmentRules: [
        { queue: 'denials', minDollarsCents: 50_000, assignee: 'biller:senior-1' },
        { queue: 'denials', assignee: 'team:denials' },
        { payerIds: ['aetna'], assignee: 'team:aetna' },
      ],
    }).assignmentRules;
    const claim = claimOf(submitted(), ack, denial('197'));
    expect(planWorkItem(claim, settings({ assignmentRules: rules }), '2026-10-21')?.assignee).toBe('team:denials');
    expect(planWorkItem(claimOf(submitted(), ack), settings({ assignmentRules: rules }), '2026-10-22')?.assignee).toBe('team:aetna');
    expect(planWorkItem(claimOf(submitted(), ack), settings(), '2026-10-22')?.assignee).toBe('pool');
  });
});

void raw;

describe('denial labels', () => {
  it('keep the CARC meaning and drop the code list\'s usage notes', async () => {
    const { denialLabel } = await import('../../functions/domain/denials.js');
    expect(denialLabel({ group: 'OA', carc: '18' })).toBe('OA-18: Exact duplicate claim/service');
    expect(denialLabel({ group: 'CO', carc: '45' })).toBe('CO-45: Charge exceeds fee schedule/maximum allowable or contracted/legislated fee arrangement');
  });
});

describe('deadlines passed, pends and write-off requests (issue 13)', () => {
  // The commercial fixture claim denied CO-197 on a remit of 2026-10-20: its first-level appeal window is 180 days,
  // 2026-10-20 + 180 = 2027-04-18 (Oct 11, Nov 41, Dec 72, Jan 103, Feb 131, Mar 162, Apr 18 → 180).
  const denied = claimOf(submitted(), ack, denial('197'));

  it('moves a denial whose appeal window closed to deadline-passed, ranked below every recoverable claim', () => {
    const dead = planWorkItem(denied, settings(), '2027-04-19')!;
    expect(dead).toMatchObject({ queue: 'deadline-passed', dueOn: '2027-04-18', dollarsCents: 10_000, reasons: [{ code: 'deadline-passed', kind: 'appeal', dueOn: '2027-04-18', level: 'first' }, { code: 'denied', carc: '197' }] });
    // $100: floor(10 × log10(1 + 100)) = 20 points, nothing else.
    expect(dead.priority).toBe(20);
    expect(describeReason(dead.reasons[0]!, '2027-04-19')).toBe('first appeal closed 1 day ago (2027-04-18): nothing left to recover unless you can prove timely filing; review for write-off');
    // Two days before: 100 (floor) + 20 (denials) + 20 ($100) + 35 (<= 7 days) + 12 (age 200 days: the fifth bucket, 4 × 3) = 187.
    const soon = planWorkItem(denied, settings(), '2027-04-16')!;
    expect(soon).toMatchObject({ queue: 'denials', dueOn: '2027-04-18', priority: 187 });
    // The largest dead claim ($10,000,000: 60 points) still ranks below the smallest recoverable one (110 at least).
    expect(priorityOf('deadline-passed', 1_000_000_000, -1, 4)).toBe(60);
    expect(priorityOf('appeal-pending', 0, undefined, 0)).toBe(110);
  });

  it('keeps a coding denial in denials while its appeal window is open, though the filing limit passed', () => {
    // CARC 4 (coding): a corrected claim within timely filing (2026-09-28 + 90 days = 2026-12-27) or an appeal (2027-04-18).
    const coding = claimOf(submitted(), ack, denial('4'));
    expect(planWorkItem(coding, settings(), '2027-01-05')).toMatchObject({ queue: 'denials', dueOn: '2027-04-18' });
    expect(planWorkItem(coding, settings(), '2027-04-19')).toMatchObject({ queue: 'deadline-passed', dueOn: '2027-04-18' });
  });

  it('keeps a pend even within 7 days of the deadline, and brings the work back for a deadline before the pend date', () => {
    // 2027-04-13: 5 days left. A pend to 2027-04-15 was dropped before (the deadline came within 7 days).
    expect(planWorkItem(denied, settings(), '2027-04-13', { followUpOn: '2027-04-15' })).toBeUndefined();
    expect(planWorkItem(denied, settings(), '2027-04-15', { followUpOn: '2027-04-15' })).toMatchObject({ queue: 'denials' });
    // A pend past the deadline (never accepted by the API without a manager) does not hide the deadline...
    expect(planWorkItem(denied, settings(), '2027-04-13', { followUpOn: '2027-05-01' })).toMatchObject({ queue: 'denials' });
    // ...unless a manager accepted it.
    expect(planWorkItem(denied, settings(), '2027-04-13', { followUpOn: '2027-05-01', followUpPastDeadline: true })).toBeUndefined();
    expect(deadlineBefore(planWorkItem(denied, settings(), '2027-04-13'), '2027-04-13')).toEqual({ dueOn: '2027-04-18', name: 'first appeal deadline' });
    expect(deadlineBefore(planWorkItem(denied, settings(), '2027-04-19'), '2027-04-19')).toBeUndefined();
  });

  it('puts a write-off request in the managers\u2019 write-off-approval queue with its amount and reason', () => {
    const request = { cents: 4_000, reason: 'small-balance' as const, requestedBy: 'ana', requestedOn: '2026-10-22' };
    const plan = planWorkItem(denied, settings(), '2026-10-22', { writeOffRequest: request })!;
    expect(plan).toMatchObject({ queue: 'write-off-approval', assignee: 'managers', dollarsCents: 4_000, reasons: [{ code: 'write-off-requested', ...request }, { code: 'denied' }] });
    expect(nextStepOf(plan)).toBe('approve or decline the write-off');
    expect(describeReason(plan.reasons[0]!, '2026-10-22')).toBe('write-off of $40.00 (small-balance) requested by ana on 2026-10-22: approve or decline');
  });

  it('keeps a write-off request in front of the managers whatever the claim does meanwhile, pend or no route', () => {
    const request = { cents: 4_000, reason: 'small-balance' as const, requestedBy: 'ana', requestedOn: '2026-10-05' };
    // Acknowledged on 10-01, no response due before 10-22: no route of its own on 10-05, yet the request waits.
    const quiet = claimOf(submitted(), ack);
    expect(planWorkItem(quiet, settings(), '2026-10-05')).toBeUndefined();
    expect(planWorkItem(quiet, settings(), '2026-10-05', { writeOffRequest: request })).toMatchObject({ queue: 'write-off-approval', assignee: 'managers', dollarsCents: 4_000 });
    // A pend does not hide it from the managers.
    expect(planWorkItem(denied, settings(), '2026-10-22', { writeOffRequest: request, followUpOn: '2026-11-05' })).toMatchObject({ queue: 'write-off-approval' });
  });

  it('counts no lead time on work without a deadline to work toward, nor an old pend of work that closed', () => {
    // deadline-passed opened 2027-05-01 for an appeal that closed 2027-04-18: overdue only once its first touch
    // (7 days: 05-08) passed, not from the day it opened.
    const dead = { queue: 'deadline-passed', openedOn: '2027-05-01', dueOn: '2027-04-18' };
    expect(isOverdue(dead, '2027-05-02')).toBe(false);
    expect(isOverdue(dead, '2027-05-09')).toBe(true);
    // A pend of 2026-11-05 from before the work reopened on 2027-05-01 is not this work's follow-up date.
    expect(isOverdue({ queue: 'no-response', openedOn: '2027-05-01', followUpOn: '2026-11-05' }, '2027-05-02')).toBe(false);
  });

  it('carries what a biller needs on the row: payer name, service dates, claim status, balance', () => {
    expect(planWorkItem(denied, settings(), '2026-10-21')).toMatchObject({ payerName: 'Aetna', serviceFrom: '2026-09-28', serviceThrough: '2026-09-28', claimStatus: 'denied', balanceCents: 10_000 });
  });

  it('assigns only to the roster: the pool, a biller in the settings, or one of their teams', () => {
    const roster = tenantSettings.parse({ billers: [{ userId: 'ana', email: 'ana@x.example', teams: ['denials'] }] });
    expect(['pool', 'biller:ana', 'team:denials'].map((a) => isOnRoster(roster, a))).toEqual([true, true, true]);
    expect(['biller:nobody-here', 'team:aetna', 'managers'].map((a) => isOnRoster(roster, a))).toEqual([false, false, false]);
  });
});

// Deadlines in the unit their source states (days, months, calendar years), Medicare appeal windows from presumed
// receipt, and CLP02 4 as an eligibility denial. Every date is worked out by hand in the comments.
import { describe, expect, it } from 'vitest';
import { addPeriod } from '../../functions/domain/calendar.js';
import { claimFromEvents, isClaim, type Claim } from '../../functions/domain/claim.js';
import type { ClaimEvent } from '../../functions/domain/claim-events.js';
import { clocksOf } from '../../functions/domain/clocks.js';
import { limitsFor, type PayerRuleOverride } from '../../functions/domain/payer-rules.js';
import { defaultTenantSettings, tenantSettings } from '../../functions/domain/tenant-settings.js';
import { describeReason, planWorkItem } from '../../functions/domain/work-item.js';
import { demoSettings } from '../../local/seed.js';
import { acknowledged, appealed, cas, remit, submitted } from './claim-fixtures.js';

const claimOf = (...events: ClaimEvent[]): Claim => {
  const state = claimFromEvents('clinic-a', 'C1', events);
  if (!isClaim(state)) throw new Error('no claim');
  return state;
};
const payerOf = (claim: Claim) => ({ payerType: claim.payer.type, state: claim.payer.state, payerId: claim.payer.id, participating: claim.participating });
const clock = (claim: Claim, kind: string, on: string, overrides: readonly PayerRuleOverride[] = []) =>
  clocksOf(claim, limitsFor(payerOf(claim), on, overrides)).find((c) => c.kind === kind);
const medicare = { id: 'mcr', name: 'Medicare', type: 'medicare' };
/** A claim for one date of service, submitted the next day. */
const servedOn = (dos: string, payer: object = medicare) => {
  const next = addPeriod(dos, { amount: 1, unit: 'days' });
  return claimOf(submitted(`${next}T15:00:00Z`, { payer, serviceDate: { from: dos, through: dos }, submittedOn: next }));
};

describe('timely filing in the unit of its source (issue 12 item 6)', () => {
  it.each([
    // 42 CFR 424.44(a)(1): one calendar year after the date of service. Across 2028-02-29, 365 days is a day short:
    // 2027-03-01 + 365 days = 2028-02-29 (Mar 2027 - Feb 2028 has 366 days), one calendar year = 2028-03-01.
    ['2027-03-01', '2028-03-01'],
    // 2027-06-15 + 1 calendar year = 2028-06-15 (+365 days would be 2028-06-14: 2028-02-29 lies between).
    ['2027-06-15', '2028-06-15'],
    // February 29 has no anniversary: "claims having a date of service on February 29 must be filed by February 28
    // of the following year" (CMS IOM 100-04, Medicare Claims Processing Manual, ch. 1, §70.1): 2029-02-28.
    ['2028-02-29', '2029-02-28'],
    // No leap day between: the same as 365 days (2026-09-28 → 2027-09-28).
    ['2026-09-28', '2027-09-28'],
  ])('Medicare: date of service %s, filing closes %s', (dos, dueOn) => {
    expect(clock(servedOn(dos), 'timely-filing', dos)).toEqual({ kind: 'timely-filing', startsOn: dos, dueOn });
  });

  it('Medicaid: 12 months from the date of service (42 CFR 447.45(d)(1)); Texas 95 days', () => {
    // New York Medicaid, default 12 months: 2027-03-01 → 2028-03-01 (365 days would be 2028-02-29).
    expect(clock(servedOn('2027-03-01', { id: 'ny-mcd', name: 'NY Medicaid', type: 'medicaid', state: 'NY' }), 'timely-filing', '2027-03-02')?.dueOn).toBe('2028-03-01');
    // Texas 95 days: 2027-03-01 + 95: Mar 31 30, Apr 30 60, May 31 91, Jun 4 95 → 2027-06-04.
    expect(clock(servedOn('2027-03-01', { id: 'tx-mcd', name: 'TX Medicaid', type: 'medicaid', state: 'TX' }), 'timely-filing', '2027-03-02')?.dueOn).toBe('2027-06-04');
  });

  it('accepts a tenant override in the older timelyFilingDays form (days) and in the new form with its unit', () => {
    const settings = tenantSettings.parse({
      payerRules: [
        { payerType: 'medicare', effectiveFrom: '2026-01-01', limits: { timelyFilingDays: 365 } },
        { payerType: 'medicaid', effectiveFrom: '2026-01-01', limits: { timelyFiling: { amount: 6, unit: 'months' } } },
      ],
    });
    // The older form means days: 2027-03-01 + 365 days = 2028-02-29.
    expect(clock(servedOn('2027-03-01'), 'timely-filing', '2027-03-02', settings.payerRules)?.dueOn).toBe('2028-02-29');
    // 6 months from 2027-08-31 is February 2028, which has no 31st: its last day, 2028-02-29.
    expect(clock(servedOn('2027-08-31', { id: 'ny-mcd', name: 'NY Medicaid', type: 'medicaid', state: 'NY' }), 'timely-filing', '2027-09-01', settings.payerRules)?.dueOn).toBe('2028-02-29');
    // The demo tenants' settings still parse.
    expect(() => tenantSettings.parse(demoSettings)).not.toThrow();
  });

  it('refuses an override that gives both forms, or a period beyond the calendar', () => {
    const both = { payerType: 'medicare', effectiveFrom: '2026-01-01', limits: { timelyFilingDays: 365, timelyFiling: { amount: 1, unit: 'calendar-years' } } };
    expect(tenantSettings.safeParse({ payerRules: [both] }).success).toBe(false);
    const century = { payerType: 'medicare', effectiveFrom: '2026-01-01', limits: { timelyFiling: { amount: 101, unit: 'calendar-years' } } };
    expect(tenantSettings.safeParse({ payerRules: [century] }).success).toBe(false);
  });

  it('adds months and calendar years to the same day of the month, else the month\'s last day', () => {
    expect(addPeriod('2027-01-31', { amount: 1, unit: 'months' })).toBe('2027-02-28');
    expect(addPeriod('2028-01-31', { amount: 1, unit: 'months' })).toBe('2028-02-29');
    expect(addPeriod('2027-05-15', { amount: 12, unit: 'months' })).toBe('2028-05-15');
    expect(addPeriod('2028-02-29', { amount: 4, unit: 'calendar-years' })).toBe('2032-02-29');
    expect(addPeriod('2026-12-27', { amount: 10, unit: 'days' })).toBe('2027-01-06');
  });
});

describe('appeal windows from receipt (issue 12 item 7)', () => {
  const ack = acknowledged('2026-10-01T09:00:00Z');
  const denial = (at: string, id: string) => remit(at, 0, [cas('CO-50', 10_000)], { id });
  const mcr = (...events: ClaimEvent[]) => claimOf(submitted(undefined, { payer: medicare }), ack, ...events);

  it('Medicare redetermination: 120 days from receipt, presumed 5 days after the remit (42 CFR 405.942(a))', () => {
    const claim = mcr(denial('2026-10-20T12:00:00Z', 'evt-denied'));
    // Received 2026-10-20 + 5 = 2026-10-25; + 120: Oct 31 6, Nov 30 36, Dec 31 67, Jan 31 98, Feb 22 120 → 2027-02-22.
    expect(clock(claim, 'appeal', '2026-10-21')).toEqual({ kind: 'appeal', level: 'redetermination', startsOn: '2026-10-20', receivedOn: '2026-10-25', dueOn: '2027-02-22' });
    // From 2026-10-21 to 2027-02-22: 124 days.
    const plan = planWorkItem(claim, defaultTenantSettings(), '2026-10-21')!;
    expect(plan.reasons.map((r) => describeReason(r, '2026-10-21'))).toContain('redetermination appeal closes in 124 days');
  });

  it('Medicare reconsideration 180 days and ALJ 60 days, each from receipt of the prior decision (405.962, 405.1014)', () => {
    const upheld = denial('2026-12-15T12:00:00Z', 'evt-upheld');
    const afterRedetermination = mcr(denial('2026-10-20T12:00:00Z', 'evt-denied'), appealed('2026-10-25T12:00:00Z', 'evt-appeal-1', 'redetermination'), upheld);
    // Received 2026-12-15 + 5 = 2026-12-20; + 180: Dec 31 11, Jan 31 42, Feb 28 70, Mar 31 101, Apr 30 131, May 31 162,
    // Jun 18 180 → 2027-06-18.
    expect(clock(afterRedetermination, 'appeal', '2026-12-16')).toMatchObject({ level: 'reconsideration', startsOn: '2026-12-15', receivedOn: '2026-12-20', dueOn: '2027-06-18' });
    const afterReconsideration = mcr(
      denial('2026-10-20T12:00:00Z', 'evt-denied'),
      appealed('2026-10-25T12:00:00Z', 'evt-appeal-1', 'redetermination'),
      upheld,
      appealed('2026-12-28T12:00:00Z', 'evt-appeal-2', 'reconsideration'),
      denial('2027-05-03T12:00:00Z', 'evt-upheld-again'),
    );
    // Received 2027-05-03 + 5 = 2027-05-08; + 60: May 31 23, Jun 30 53, Jul 7 60 → 2027-07-07.
    expect(clock(afterReconsideration, 'appeal', '2027-05-04')).toMatchObject({ level: 'alj', receivedOn: '2027-05-08', dueOn: '2027-07-07' });
  });

  it('other payers: contract days from the remit date, unless the tenant\'s rule presumes a receipt', () => {
    const claim = claimOf(submitted(), ack, denial('2026-10-20T12:00:00Z', 'evt-denied'));
    // Commercial first level 180 days from 2026-10-20: Oct 31 11, Nov 30 41, Dec 31 72, Jan 31 103, Feb 28 131,
    // Mar 31 162, Apr 18 180 → 2027-04-18, with no presumed receipt.
    expect(clock(claim, 'appeal', '2026-10-21')).toEqual({ kind: 'appeal', level: 'first', startsOn: '2026-10-20', dueOn: '2027-04-18' });
    // The tenant says Aetna's window runs from receipt, 3 days after: 2026-10-23 + 180 = 2027-04-21.
    const overrides = tenantSettings.parse({ payerRules: [{ payerId: 'aetna', effectiveFrom: '2026-01-01', limits: { presumedReceiptDays: 3 } }] }).payerRules;
    expect(clock(claim, 'appeal', '2026-10-21', overrides)).toMatchObject({ receivedOn: '2026-10-23', dueOn: '2027-04-21' });
  });
});

describe('CLP02 4: patient not recognized (issue 12 item 3)', () => {
  const ack = acknowledged('2026-10-01T09:00:00Z');
  it.each([
    ['CO-31', cas('CO-31', 10_000)],
    ['CO-A1 with N382', cas('CO-A1', 10_000, ['N382'])],
  ])('routes %s under CLP02 4 to eligibility, with advice to verify coverage, and keeps the filing limit running', (_, adjustment) => {
    const claim = claimOf(submitted(), ack, remit('2026-10-20T12:00:00Z', 0, [adjustment], { id: 'evt-denied', clp02: '4' }));
    const plan = planWorkItem(claim, defaultTenantSettings(), '2026-10-21')!;
    // Timely filing (commercial participating, 90 days from 2026-09-28: Sep 30 2, Oct 31 33, Nov 30 63, Dec 27 90)
    // 2026-12-27 comes before the first-level appeal (2027-04-18): it is the deadline.
    expect(plan).toMatchObject({ queue: 'denials', category: 'eligibility-cob', dollarsCents: 10_000, dueOn: '2026-12-27' });
    const [denied, filing, appeal] = plan.reasons.map((r) => describeReason(r, '2026-10-21'));
    expect(denied).toMatch(new RegExp(`^denied ${adjustment.group}-${adjustment.carc}: .*: the payer did not recognize the patient \\(CLP02 4\\): verify coverage`));
    // 2026-10-21 → 2026-12-27: Oct 31 10, Nov 30 40, Dec 27 67.
    expect(filing).toBe('timely filing closes in 67 days');
    expect(appeal).toBe('first appeal closes in 179 days');
  });

  it('leaves CO-A1 under CLP02 1 to its CARC', () => {
    const claim = claimOf(submitted(), ack, remit('2026-10-20T12:00:00Z', 0, [cas('CO-A1', 10_000, ['N382'])], { id: 'evt-denied' }));
    expect(planWorkItem(claim, defaultTenantSettings(), '2026-10-21')).toMatchObject({ queue: 'denials', category: 'other' });
  });
});

// Tonight's figures, tallied claim by claim as the shard workers do, with expectations worked out by hand from the
// fixture claim: Aetna (commercial, participating: 90 days to file), date of service 2026-09-28, $100.00 billed.
import { describe, expect, it } from 'vitest';
import { claimFromEvents, isClaim, type Claim } from '../../functions/domain/claim.js';
import type { ClaimEvent } from '../../functions/domain/claim-events.js';
import { addTally, summarizeNight, tallyClaim, type Tally } from '../../functions/domain/night-summary.js';
import { defaultTenantSettings, followUpQueues, tenantSettings } from '../../functions/domain/tenant-settings.js';
import { planWorkItem } from '../../functions/domain/work-item.js';
import { acknowledged, adjudicated, submitted } from './claim-fixtures.js';

const claimOf = (...events: ClaimEvent[]): Claim => {
  const state = claimFromEvents('clinic-a', 'C1', events);
  if (!isClaim(state)) throw new Error('no claim');
  return state;
};
const settings = defaultTenantSettings();
const tallyOf = (claim: Claim, runDate: string, before?: Parameters<typeof tallyClaim>[5], s = settings): Tally => {
  const tally: Tally = {};
  tallyClaim(tally, claim, s, runDate, planWorkItem(claim, s, runDate), before);
  return tally;
};
const denied = claimOf(submitted(), acknowledged('2026-10-01T09:00:00Z'), adjudicated('2026-10-20T12:00:00Z', 0, 0, { denial: { group: 'CO', carc: '197' } }));

describe('the night tally', () => {
  it('puts an unacknowledged claim in AR by bucket and payer, and at timely-filing risk inside 14 days of its deadline', () => {
    const claim = claimOf(submitted());
    // Filing deadline 2026-12-27: 12 days left on 2026-12-15, 26 on 2026-12-01.
    const near = tallyOf(claim, '2026-12-15');
    expect(near).toMatchObject({ 'ar:total': 10_000, 'ar:claims': 1, 'ar:bucket:61-90': 10_000, 'ar:payer:Aetna': 10_000, 'risk:timely-filing': 10_000, 'risk:timely-filing-claims': 1 });
    expect(near['ar:over90']).toBeUndefined();
    const far = tallyOf(claim, '2026-12-01');
    expect(far['risk:timely-filing']).toBeUndefined();
    // Past the deadline it is not "at risk" any more: it is in the deadline-passed review queue (issue 13 item 1).
    expect(tallyOf(claim, '2026-12-28')['risk:timely-filing']).toBeUndefined();
    expect(tallyOf(claim, '2027-01-05')).toMatchObject({ 'ar:over90': 10_000, 'ar:bucket:91-120': 10_000, 'backlog:queue:deadline-passed': 1 });
  });

  it('counts the overdue backlog as the reminder does: a follow-up date passed with nobody acting since', () => {
    // Opened 2026-10-10: due for a first touch by 10-17, passed on 10-21; the appeal deadline (2027-04-18) is far.
    const open = { status: 'open' as const, queue: 'denials' as const, assignee: 'pool', openedOn: '2026-10-10' };
    expect(tallyOf(denied, '2026-10-21', open)['backlog:overdue:denials']).toBe(1);
    // Someone acted on 10-18, after 10-17: not overdue. Opened tonight: not overdue either.
    expect(tallyOf(denied, '2026-10-21', { ...open, lastActionOn: '2026-10-18' })['backlog:overdue:denials']).toBeUndefined();
    expect(tallyOf(denied, '2026-10-21')['backlog:overdue:denials']).toBeUndefined();
  });

  it('counts a denial as new only when it was not already in the denials queue', () => {
    expect(tallyOf(denied, '2026-10-21')).toMatchObject({ 'denials:new:authorization': 1, 'denials:new-cents:authorization': 10_000, 'backlog:queue:denials': 1 });
    const fromNoResponse = tallyOf(denied, '2026-10-21', { status: 'open', queue: 'no-response', assignee: 'pool' });
    expect(fromNoResponse['denials:new:authorization']).toBe(1);
    const already = tallyOf(denied, '2026-10-21', { status: 'open', queue: 'denials', assignee: 'pool' });
    expect(already['denials:new:authorization']).toBeUndefined();
    const reopened = tallyOf(denied, '2026-10-21', { status: 'closed', queue: 'denials', assignee: 'pool' });
    expect(reopened['denials:new:authorization']).toBe(1);
  });

  it('counts the backlog under the assignee the work item keeps: a manager’s reassignment survives the night', () => {
    const ruled = tenantSettings.parse({ assignmentRules: [{ queue: 'denials', assignee: 'biller:ana' }] });
    expect(tallyOf(denied, '2026-10-21', undefined, ruled)).toMatchObject({ 'backlog:assignee:biller:ana': 1, 'backlog:assignee-cents:biller:ana': 10_000 });
    const manual = tallyOf(denied, '2026-10-21', { status: 'open', queue: 'denials', assignee: 'biller:ben', assignedManually: true }, ruled);
    expect(manual).toMatchObject({ 'backlog:assignee:biller:ben': 1 });
    expect(manual['backlog:assignee:biller:ana']).toBeUndefined();
  });

  it('leaves closed and paid claims out of AR', () => {
    const paid = claimOf(submitted(), acknowledged('2026-10-01T09:00:00Z'), adjudicated('2026-10-20T12:00:00Z', 8_000, 2_000));
    expect(tallyOf(paid, '2026-10-21')['ar:total']).toBeUndefined();
  });
});

describe('the night summary', () => {
  const tally: Tally = {
    claimsAged: 40,
    'opened:denials': 3,
    'opened:no-response': 2,
    'closed:rejections': 4,
    'ar:total': 200_000,
    'ar:claims': 40,
    'ar:over90': 50_000,
    'ar:over120': 20_000,
    'ar:bucket:0-30': 100_000,
    'ar:bucket:91-120': 30_000,
    'ar:bucket:120+': 20_000,
    'ar:bucket:31-60': 50_000,
    'ar:payer:Aetna': 60_000,
    'ar:payer:Cigna': 140_000,
    'risk:timely-filing': 12_345,
    'risk:timely-filing-claims': 2,
    'denials:new:coding': 2,
    'denials:new-cents:coding': 5_000,
    'denials:new:authorization': 1,
    'denials:new-cents:authorization': 9_000,
    'backlog:queue:denials': 3,
    'backlog:queue-cents:denials': 14_000,
    'backlog:assignee:pool': 2,
    'backlog:assignee-cents:pool': 5_000,
    'backlog:assignee:biller:ana': 3,
    'backlog:assignee-cents:biller:ana': 9_000,
    'backlog:overdue:denials': 2,
  };

  it('reads the summed tally back as figures: every bucket in order, payers and denials by dollars', () => {
    const night = summarizeNight(tally, [30, 60, 90, 120]);
    expect(night.ar).toEqual({
      totalCents: 200_000,
      claims: 40,
      over90Cents: 50_000,
      percentOver90: 25,
      percentOver120: 10,
      byBucket: [
        { bucket: '0-30', cents: 100_000 },
        { bucket: '31-60', cents: 50_000 },
        { bucket: '61-90', cents: 0 },
        { bucket: '91-120', cents: 30_000 },
        { bucket: '120+', cents: 20_000 },
      ],
      byPayer: [
        { payer: 'Cigna', cents: 140_000 },
        { payer: 'Aetna', cents: 60_000 },
      ],
    });
    expect(night.newDenials).toEqual([
      { category: 'authorization', count: 1, cents: 9_000 },
      { category: 'coding', count: 2, cents: 5_000 },
    ]);
    expect(night.backlogByQueue).toHaveLength(followUpQueues.length);
    expect(night.backlogByQueue.find((q) => q.queue === 'denials')).toEqual({ queue: 'denials', count: 3, cents: 14_000, overdue: 2 });
    expect(night.backlogByAssignee).toEqual([
      { assignee: 'biller:ana', count: 3, cents: 9_000 },
      { assignee: 'pool', count: 2, cents: 5_000 },
    ]);
    expect(night).toMatchObject({ claimsAged: 40, workItemsOpened: 5, workItemsClosed: 4, timelyFilingRisk: { cents: 12_345, claims: 2 } });
  });
  it('sums segment tallies name by name, so a night of many pages reads as the night of one', () => {
    const claims = [claimOf(submitted()), denied, claimOf(submitted(), acknowledged('2026-10-01T09:00:00Z'))];
    const whole: Tally = {};
    for (const claim of claims) tallyClaim(whole, claim, settings, '2026-10-21', planWorkItem(claim, settings, '2026-10-21'), undefined);
    // The same claims over two segments, as two pages of a shard record them.
    const first = tallyOf(claims[0]!, '2026-10-21');
    const second = addTally(tallyOf(claims[1]!, '2026-10-21'), tallyOf(claims[2]!, '2026-10-21'));
    const sum = addTally(addTally({}, first), second);
    expect(sum).toEqual(whole);
    expect(summarizeNight(sum, settings.agingBuckets)).toEqual(summarizeNight(whole, settings.agingBuckets));
    // Adding leaves its source alone; an empty segment adds nothing.
    expect(first).toEqual(tallyOf(claims[0]!, '2026-10-21'));
    expect(addTally({ ...sum }, {})).toEqual(sum);
  });
});

// Queue totals: how each work-item write moves its queue's counters, how the counters sum to GET /queues' figures,
// and which counters the nightly pruning may drop, with the figures worked out by hand.
import { describe, expect, it } from 'vitest';
import { leaseCounter, leaseEnd, prunableCounters, sumQueueTotals, totalsDelta, type TotalsView } from '../../functions/domain/queue-totals.js';

const now = '2026-11-21T15:00:00.000Z';
/** 30 minutes after `now` (epoch 1795273200 s): 1795273200 + 1800 = 1795275000 s. */
const inHalfHour = '2026-11-21T15:30:00.000Z';
const inHour = '2026-11-21T16:00:00.000Z';
/** Ten minutes before `now`: expired. */
const expired = '2026-11-21T14:50:00.000Z';

const denial: TotalsView = { queue: 'denials', dollarsCents: 12_500, openedOn: '2026-11-02', dueOn: '2026-12-01' };
const of = (delta: Map<string, Record<string, number>>) => Object.fromEntries(delta);

describe('how a write moves the queue totals', () => {
  it('names lease counters by expiry in epoch seconds', () => {
    // 2026-11-21T15:30:00Z = 1795275000 s; a lease ending 0.2 s into a second counts to the end of it.
    expect(leaseCounter(inHalfHour)).toBe('l_1795275000');
    expect(leaseCounter('2026-11-21T15:30:00.200Z')).toBe('l_1795275001');
  });

  it('ends a lease on the next whole minute, so lease counters go by minute and stay exact', () => {
    // 15:00:00.000 + 30 min = 15:30:00.000, already whole: kept.
    expect(leaseEnd(new Date(now), 30)).toBe(inHalfHour);
    // 15:00:00.001 + 30 min = 15:30:00.001: rounded up to 15:31:00 (the lease lasts 30 min + 59.999 s).
    expect(leaseEnd(new Date('2026-11-21T15:00:00.001Z'), 30)).toBe('2026-11-21T15:31:00.000Z');
    // 14:59:59.999 + 30 min = 15:29:59.999: up to 15:30:00, whose counter is l_1795275000 like any lease taken since 14:59:00.001.
    const until = leaseEnd(new Date('2026-11-21T14:59:59.999Z'), 30);
    expect(until).toBe(inHalfHour);
    expect(leaseCounter(until)).toBe('l_1795275000');
    // 16 leases taken over one minute (every 3.75 s from 14:59:00.001) share one counter: 1795275000.
    const counters = new Set(Array.from({ length: 16 }, (_, i) => leaseCounter(leaseEnd(new Date(Date.parse('2026-11-21T14:59:00.001Z') + i * 3_750), 30))));
    expect([...counters]).toEqual(['l_1795275000']);
  });

  it('opening adds one to the count, the dollars, the opened date and the due date', () => {
    expect(of(totalsDelta(undefined, denial, now))).toEqual({ denials: { count: 1, dollarsCents: 12_500, 'o_2026-11-02': 1, 'd_2026-12-01': 1 } });
  });

  it('an item without a deadline has no due counter', () => {
    const { dueOn: _, ...noDue } = denial;
    expect(of(totalsDelta(undefined, noDue, now))).toEqual({ denials: { count: 1, dollarsCents: 12_500, 'o_2026-11-02': 1 } });
  });

  it('a move between queues takes everything out of one and puts it into the other, a live lease included', () => {
    const leased = { ...denial, leaseExpiresAt: inHalfHour };
    // $125.00 leaves denials and $90.00 arrives in appeal-pending: a re-plan changes the dollars and the deadline too.
    const moved: TotalsView = { ...leased, queue: 'appeal-pending', dollarsCents: 9_000, dueOn: '2027-01-15' };
    expect(of(totalsDelta(leased, moved, now))).toEqual({
      denials: { count: -1, dollarsCents: -12_500, 'o_2026-11-02': -1, 'd_2026-12-01': -1, l_1795275000: -1 },
      'appeal-pending': { count: 1, dollarsCents: 9_000, 'o_2026-11-02': 1, 'd_2027-01-15': 1, l_1795275000: 1 },
    });
  });

  it('a change of dollars in the same queue moves only the dollars: 12,500 → 14,000 is +1,500', () => {
    expect(of(totalsDelta(denial, { ...denial, dollarsCents: 14_000 }, now))).toEqual({ denials: { dollarsCents: 1_500 } });
  });

  it('a change of deadline moves one item from the old due date to the new', () => {
    expect(of(totalsDelta(denial, { ...denial, dueOn: '2026-11-25' }, now))).toEqual({ denials: { 'd_2026-12-01': -1, 'd_2026-11-25': 1 } });
  });

  it('the same plan again moves nothing (no transaction needed)', () => {
    expect(totalsDelta(denial, { ...denial }, now).size).toBe(0);
  });

  it('closing takes everything out, a live lease included', () => {
    expect(of(totalsDelta({ ...denial, leaseExpiresAt: inHalfHour }, undefined, now))).toEqual({
      denials: { count: -1, dollarsCents: -12_500, 'o_2026-11-02': -1, 'd_2026-12-01': -1, l_1795275000: -1 },
    });
  });

  it('a lease adds one at its expiry, a renewal moves it from the old expiry to the new, a release takes it out', () => {
    const leased = { ...denial, leaseExpiresAt: inHalfHour };
    expect(of(totalsDelta(denial, leased, now))).toEqual({ denials: { l_1795275000: 1 } });
    // 16:00Z = 1795275000 + 1800 = 1795276800.
    expect(of(totalsDelta(leased, { ...denial, leaseExpiresAt: inHour }, now))).toEqual({ denials: { l_1795275000: -1, l_1795276800: 1 } });
    expect(of(totalsDelta(leased, denial, now))).toEqual({ denials: { l_1795275000: -1 } });
  });

  it('a lease taken over an expired one adds at the new expiry only: the expired one no longer counts', () => {
    expect(of(totalsDelta({ ...denial, leaseExpiresAt: expired }, { ...denial, leaseExpiresAt: inHalfHour }, now))).toEqual({ denials: { l_1795275000: 1 } });
  });

  it('an item whose lease expired, then closed, takes out everything but the lease', () => {
    expect(of(totalsDelta({ ...denial, leaseExpiresAt: expired }, undefined, now))).toEqual({ denials: { count: -1, dollarsCents: -12_500, 'o_2026-11-02': -1, 'd_2026-12-01': -1 } });
  });

  it('an expired lease moved to another queue stays behind, uncounted', () => {
    const stale = { ...denial, leaseExpiresAt: expired };
    expect(of(totalsDelta(stale, { ...stale, queue: 'rejections' }, now))).toEqual({
      denials: { count: -1, dollarsCents: -12_500, 'o_2026-11-02': -1, 'd_2026-12-01': -1 },
      rejections: { count: 1, dollarsCents: 12_500, 'o_2026-11-02': 1, 'd_2026-12-01': 1 },
    });
  });
});

describe('summing the slices into GET /queues figures', () => {
  const at = new Date(now);
  it('adds up the slices of a queue; the oldest is the earliest opened date still counted', () => {
    const slices = [
      // Slice 0: three items of $10, $20, $30; one opened 2026-10-01 moved away since (its counter is 0).
      { queue: 'denials', count: 3, dollarsCents: 6_000, 'o_2026-10-01': 0, 'o_2026-10-05': 2, 'o_2026-11-01': 1, 'd_2026-11-20': 1, 'd_2026-12-05': 1, 'd_2026-12-06': 1, 'v_2026-11-21': 1, l_1795275000: 1, l_1795272000: 1 },
      // Slice 7: one item of $5, no deadline.
      { queue: 'denials', count: 1, dollarsCents: 500, 'o_2026-09-30': 1, 'v_2026-10-07': 1, rev: 12 },
      { queue: 'rejections', count: 0, dollarsCents: 0, 'o_2026-11-01': 0, 'v_2026-11-21': 0 },
    ];
    // Today 2026-11-21 (Chicago) + 14 = 2026-12-05: overdue 11-20 and 12-05 are near, 12-06 is not.
    // Leases: 1795275000 (15:30Z) is live at 15:00Z, 1795272000 (14:40Z) expired.
    expect(Object.fromEntries(sumQueueTotals(slices, '2026-11-21', at))).toEqual({
      // Overdue: the item whose follow-up date (2026-10-07) passed before today; one due for it today is not yet.
      denials: { count: 4, dollarsCents: 6_500, oldestOpenedOn: '2026-09-30', nearDeadline: 2, leased: 1, overdue: 1 },
      rejections: { count: 0, dollarsCents: 0, oldestOpenedOn: null, nearDeadline: 0, leased: 0, overdue: 0 },
    });
  });
});

describe('pruning', () => {
  it('drops opened and due counters at zero and lease counters past by more than the grace, nothing else', () => {
    const slice = { pk: 'T#t#QUEUETOTALS', sk: 'denials#03', queue: 'denials', rev: 9, count: 0, dollarsCents: 0, 'o_2026-10-01': 0, 'o_2026-10-02': 1, 'd_2026-11-01': 0, l_1795275000: 1, l_1795263600: 1, l_1795272000: 0 };
    // 15:00Z − 1 h = 14:00Z = 1795269600: 1795263600 (12:20Z) is past it, 1795272000 (14:40Z) is within the hour.
    expect(prunableCounters(slice, new Date(now))).toEqual({ zero: ['o_2026-10-01', 'd_2026-11-01'], expired: ['l_1795263600'] });
  });
});

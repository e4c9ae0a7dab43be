import { describe, expect, it } from 'vitest';
import { ageOf, bucketLabels, bucketOf, standardBuckets } from '../../functions/domain/aging.js';
import { daysBetween, isCalendarDate, localDateAt } from '../../functions/domain/calendar.js';

describe('calendar', () => {
  it('counts calendar days across month ends, leap day and year end', () => {
    expect(daysBetween('2024-02-28', '2024-03-01')).toBe(2);
    expect(daysBetween('2025-02-28', '2025-03-01')).toBe(1);
    expect(daysBetween('2026-12-31', '2027-01-01')).toBe(1);
    expect(daysBetween('2026-03-10', '2026-03-01')).toBe(-9);
  });

  it('takes the local date in the tenant time zone, not UTC', () => {
    // 03:30 UTC on Nov 24 is still Nov 23 in Chicago and Los Angeles.
    expect(localDateAt('2026-11-24T03:30:00Z', 'America/Chicago')).toBe('2026-11-23');
    expect(localDateAt('2026-11-24T06:30:00Z', 'America/Chicago')).toBe('2026-11-24');
    expect(localDateAt('2026-11-24T03:30:00Z', 'Asia/Kolkata')).toBe('2026-11-24');
  });

  it('counts whole days across a DST change (23- and 25-hour days count as one)', () => {
    expect(daysBetween('2026-03-07', '2026-03-09')).toBe(2);
    expect(daysBetween('2026-10-31', '2026-11-02')).toBe(2);
  });

  it('accepts only real calendar dates', () => {
    expect(isCalendarDate('2024-02-29')).toBe(true);
    expect(isCalendarDate('2026-02-29')).toBe(false);
    expect(isCalendarDate('2026-13-01')).toBe(false);
    expect(isCalendarDate('2026-1-01')).toBe(false);
    // Gregorian leap years: every 4th, not every 100th, yet every 400th; months of 30 and 31 days.
    expect(['2000-02-29', '2028-02-29', '2026-01-31', '2026-12-31'].map(isCalendarDate)).toEqual([true, true, true, true]);
    expect(['1900-02-29', '2100-02-29', '2026-04-31', '2026-00-10', '2026-06-00', '2026-02-30'].map(isCalendarDate)).toEqual([false, false, false, false, false, false]);
  });
});

describe('aging buckets', () => {
  it('labels the standard buckets', () => {
    expect(bucketLabels(standardBuckets)).toEqual(['0-30', '31-60', '61-90', '91-120', '120+']);
  });

  it.each([
    [0, '0-30'],
    [30, '0-30'],
    [31, '31-60'],
    [60, '31-60'],
    [61, '61-90'],
    [90, '61-90'],
    [91, '91-120'],
    [120, '91-120'],
    [121, '120+'],
    [900, '120+'],
  ])('day %i is in bucket %s', (days, bucket) => {
    expect(bucketOf(days)).toBe(bucket);
  });

  it('uses configured bounds', () => {
    expect(bucketOf(45, [45, 90])).toBe('0-45');
    expect(bucketOf(46, [45, 90])).toBe('46-90');
    expect(bucketOf(91, [45, 90])).toBe('90+');
  });

  it('ages from the date of service by default, or from submission or last activity on request', () => {
    const dates = { serviceThrough: '2026-08-01', submittedOn: '2026-08-20', lastActivityOn: '2026-10-15' };
    expect(ageOf(dates, '2026-10-31')).toEqual({ basis: 'service', days: 91, bucket: '91-120' });
    expect(ageOf(dates, '2026-10-31', 'submission')).toEqual({ basis: 'submission', days: 72, bucket: '61-90' });
    expect(ageOf(dates, '2026-10-31', 'activity')).toEqual({ basis: 'activity', days: 16, bucket: '0-30' });
  });

  it('counts a basis date after today as day 0', () => {
    expect(ageOf({ serviceThrough: '2026-12-01' }, '2026-11-24').days).toBe(0);
  });
});

describe('AR aging report', () => {
  it('sums outstanding dollars by bucket and by payer, with % AR over 90 and 120 days', async () => {
    const { ArAccumulator } = await import('../../functions/domain/ar-report.js');
    const claim = (id: string, payer: string, serviceThrough: string, balance: number, open = true) =>
      ({ claimId: id, open, payer: { name: payer }, serviceThrough, money: { payerBalanceCents: balance } }) as never;
    const byBucket = new ArAccumulator('2026-11-30', 'service', 'bucket', [30, 60, 90, 120]);
    const byPayer = new ArAccumulator('2026-11-30', 'service', 'payer', [30, 60, 90, 120]);
    const claims = [
      claim('a', 'Aetna', '2026-11-20', 10_000), // 10 days
      claim('b', 'Aetna', '2026-08-01', 30_000), // 121 days
      claim('c', 'Cigna', '2026-08-25', 20_000), // 97 days
      claim('d', 'Cigna', '2026-10-15', 40_000), // 46 days
      claim('e', 'Cigna', '2026-01-01', 99_000, false), // closed: not AR
    ];
    for (const c of claims) {
      byBucket.add(c);
      byPayer.add(c);
    }
    const report = byBucket.report();
    expect(report.rows.map((r) => [r.key, r.arCents])).toEqual([['0-30', 10_000], ['31-60', 40_000], ['61-90', 0], ['91-120', 20_000], ['120+', 30_000]]);
    expect(report).toMatchObject({ totalArCents: 100_000, claims: 4, percentOver90: 50, percentOver120: 30 });
    expect(byPayer.report().rows.map((r) => [r.key, r.arCents, r.byBucket])).toEqual([
      ['Cigna', 60_000, { '91-120': 20_000, '31-60': 40_000 }],
      ['Aetna', 40_000, { '0-30': 10_000, '120+': 30_000 }],
    ]);
  });
});

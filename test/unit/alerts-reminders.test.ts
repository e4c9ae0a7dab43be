// Threshold alerts (cross once, stay quiet, clear once) and the biller's reminder tally, as pure functions.
import { describe, expect, it } from 'vitest';
import { alertChanges, alertThresholds, readAlerts, type AlertKind, type AlertStanding } from '../../functions/domain/alerts.js';
import { localTimeAt } from '../../functions/domain/calendar.js';
import { ReminderTally } from '../../functions/domain/reminder.js';

const thresholds = alertThresholds.parse({ percentArOver90Above: 20, timelyFilingRiskCentsAbove: 100_000, deadLettersNotEmpty: true, runCompleteBy: '06:00' });

describe('alerts', () => {
  it('reads only the alerts whose threshold is set', () => {
    expect(readAlerts(alertThresholds.parse({}), { asOf: '2026-11-24', percentArOver90: 90, timelyFilingRiskCents: 9e9, deadLetterMessages: 5, run: { complete: false, localTime: '23:00' } })).toEqual([]);
    const readings = readAlerts(thresholds, { asOf: '2026-11-24', percentArOver90: 21.5, timelyFilingRiskCents: 100_000, deadLetterMessages: 0 });
    expect(readings).toEqual([
      { kind: 'ar-over-90', asOf: '2026-11-24', crossed: true, value: '21.5%', threshold: '20.0%' },
      { kind: 'timely-filing-risk', asOf: '2026-11-24', crossed: false, value: '$1,000', threshold: '$1,000' },
      { kind: 'dead-letters', asOf: '2026-11-24', crossed: false, value: '0 messages', threshold: 'empty' },
    ]);
  });

  it('is late only once the time has come and the run is not complete; a completed run clears it', () => {
    const late = (complete: boolean, localTime: string) => readAlerts(thresholds, { asOf: '2026-11-24', run: { complete, localTime } });
    expect(late(false, '05:59')).toEqual([]);
    expect(late(false, '06:00')).toMatchObject([{ kind: 'run-late', crossed: true, value: 'not complete at 06:00' }]);
    expect(late(true, '07:30')).toMatchObject([{ kind: 'run-late', crossed: false }]);
  });

  it('changes state once when crossed, stays quiet while crossed, changes once when cleared', () => {
    const standing: Partial<Record<AlertKind, AlertStanding>> = {};
    const night = (asOf: string, percent: number) => {
      const changes = alertChanges(standing, readAlerts(thresholds, { asOf, percentArOver90: percent }));
      for (const c of changes) standing[c.kind] = { state: c.crossed ? 'crossed' : 'clear', asOf };
      return changes.map((c) => c.crossed);
    };
    expect(night('2026-11-20', 10)).toEqual([]); // never crossed: clear is no news
    expect(night('2026-11-21', 25)).toEqual([true]);
    expect(night('2026-11-22', 30)).toEqual([]);
    expect(night('2026-11-23', 20.1)).toEqual([]);
    expect(night('2026-11-24', 19)).toEqual([false]);
    expect(night('2026-11-25', 18)).toEqual([]);
    // A re-run of an earlier night does not undo what a later night decided.
    expect(night('2026-11-21', 25)).toEqual([]);
  });

  it('tells the local time in the tenant time zone', () => {
    expect(localTimeAt('2026-11-24T12:05:00Z', 'America/Chicago')).toBe('06:05');
    expect(localTimeAt('2026-07-01T12:05:00Z', 'America/Chicago')).toBe('07:05');
  });
});

describe('the biller reminder tally', () => {
  it('counts due work per queue, deadlines within 14 days, overdue work and the oldest overdue item', () => {
    // Overdue (issue 13 item 3): the follow-up date (a pend, else opened + 7 days) or the deadline's lead time (7 days
    // before it) passed before today, and nobody acted on or after it. Was "opened before today" (4 of these 5).
    const tally = new ReminderTally('2026-11-24');
    tally.add({ queue: 'denials', dollarsCents: 50_000, openedOn: '2026-11-24', dueOn: '2026-12-08' }); // touch by 12-01, lead time from 12-01: not overdue
    tally.add({ queue: 'denials', dollarsCents: 20_000, openedOn: '2026-11-10', dueOn: '2026-12-09' }); // touch by 11-17 passed: 7 days overdue
    tally.add({ queue: 'denials', dollarsCents: 30_000, openedOn: '2026-11-01', lastActionOn: '2026-11-20' }); // touch by 11-08, acted 11-20: not overdue
    tally.add({ queue: 'no-response', dollarsCents: 9_000, openedOn: '2026-11-01' }); // touch by 11-08 passed: 16 days overdue
    tally.add({ queue: 'rejections', dollarsCents: 1_000, openedOn: '2026-11-20', dueOn: '2026-11-20' }); // lead time from 11-13: 11 days overdue
    tally.add({ queue: 'rejections', dollarsCents: 7_000, openedOn: '2026-10-01', followUpOn: '2026-11-30' }); // pended: not due
    expect(tally.reminder()).toEqual({
      count: 5,
      cents: 110_000,
      byQueue: [
        { queue: 'rejections', count: 1, cents: 1_000 },
        { queue: 'denials', count: 3, cents: 100_000 },
        { queue: 'no-response', count: 1, cents: 9_000 },
      ],
      nearDeadline: 1,
      overdue: 3,
      oldestOverdue: { days: 16, queue: 'no-response', cents: 9_000 },
    });
  });

  it('has nothing to say when nothing is due', () => {
    const tally = new ReminderTally('2026-11-24');
    tally.add({ queue: 'denials', dollarsCents: 5_000, openedOn: '2026-11-01', followUpOn: '2026-11-25' });
    expect(tally.reminder()).toBeUndefined();
  });
});

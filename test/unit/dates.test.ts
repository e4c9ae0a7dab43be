// The date window: one definition in the domain, read by the event contract, the open-AR import and the API.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { agingQuery } from '../../functions/api/schemas.js';
import { birthDateWindow, claimDateWindow, isWithin } from '../../functions/domain/calendar.js';
import { birthDate, calendarDate, claimEvent, describeIssues } from '../../functions/domain/claim-events.js';
import { eventsFromRow } from '../../functions/domain/open-ar-row.js';
import { tenantSettings } from '../../functions/domain/tenant-settings.js';
import { actionRequest } from '../../functions/services/claim-actions.js';
import { raw, submittedPayload } from './claim-fixtures.js';

const submittedEvent = (payload: Record<string, unknown>, occurredAt = '2026-09-30T15:00:00Z') =>
  raw('evt-submitted-1', 'claim.submitted', occurredAt, { ...submittedPayload(), ...payload });

const issues = (value: unknown): string => {
  const result = claimEvent.safeParse(value);
  return result.success ? '' : describeIssues(result.error);
};

describe('the date window', () => {
  it('is 1990-01-01..2100-12-31 for claim dates and 1900-01-01..2100-12-31 for dates of birth', () => {
    expect(claimDateWindow).toEqual({ from: '1990-01-01', through: '2100-12-31' });
    expect(birthDateWindow).toEqual({ from: '1900-01-01', through: '2100-12-31' });
    expect(isWithin('1990-01-01', claimDateWindow) && isWithin('2100-12-31', claimDateWindow)).toBe(true);
  });

  it.each(['0000-01-01', '1899-12-31', '1989-12-31', '2101-01-01', '9999-12-31'])('refuses %s as a claim date, saying the window', (date) => {
    const result = calendarDate.safeParse(date);
    expect(result.success).toBe(false);
    expect(result.error!.issues.map((i) => i.message)).toEqual(['a date from 1990-01-01 to 2100-12-31']);
  });

  it('still says "a calendar date" for what is not one, once', () => {
    expect(calendarDate.safeParse('2026-02-30').error!.issues.map((i) => i.message)).toEqual(['a calendar date, YYYY-MM-DD']);
    expect(calendarDate.safeParse('1990-01-01').success).toBe(true);
  });

  it('takes dates of birth from 1900, not before', () => {
    expect(birthDate.safeParse('1901-06-15').success).toBe(true);
    expect(birthDate.safeParse('1899-12-31').error!.issues[0]!.message).toBe('a date from 1900-01-01 to 2100-12-31');
  });
});

describe('claim events read dates through the window', () => {
  it('accepts a patient born in 1930 and refuses one born in year 0', () => {
    expect(issues(submittedEvent({ patient: { ...submittedPayload().patient, dateOfBirth: '1930-05-01' } }))).toBe('');
    expect(issues(submittedEvent({ patient: { ...submittedPayload().patient, dateOfBirth: '0000-01-01' } }))).toBe(
      'payload.patient.dateOfBirth: a date from 1900-01-01 to 2100-12-31',
    );
  });

  it('refuses a date of service or submission outside the window, naming the field', () => {
    expect(issues(submittedEvent({ serviceDate: { from: '0000-01-01', through: '2026-09-28' } }))).toContain('payload.serviceDate.from: a date from 1990-01-01');
    expect(issues(submittedEvent({ submittedOn: '2200-01-01' }))).toContain('payload.submittedOn: a date from 1990-01-01');
  });

  it('refuses an occurredAt outside the window', () => {
    expect(issues(submittedEvent({}, '0000-01-01T00:00:00Z'))).toBe('occurredAt: a time from 1990-01-01 to 2100-12-31');
    expect(issues(submittedEvent({}, '2026-09-30T15:00:00-05:00'))).toBe('');
  });
});

describe('the open-AR import reads dates through the window', () => {
  const [header, row] = readFileSync('samples/open-ar-sample.csv', 'utf8').split('\n');
  const sample = Object.fromEntries(header!.split(',').map((name, i) => [name, row!.split(',')[i] ?? '']));

  it('imports the sample row (a patient born in 1971)', () => {
    expect(eventsFromRow('clinic-a', sample).ok).toBe(true);
  });

  it('names the column of a date outside the window', () => {
    const errors = (eventsFromRow('clinic-a', { ...sample, patient_dob: '1850-01-01', service_from: '0000-01-01' }) as { errors: string[] }).errors;
    expect(errors).toEqual(expect.arrayContaining(['patient_dob: a date from 1900-01-01 to 2100-12-31', 'service_from: a date from 1990-01-01 to 2100-12-31']));
  });
});

describe('the API reads dates through the window', () => {
  it('refuses asOf=0000-01-01 on the aging report, naming asOf', () => {
    const result = agingQuery.safeParse({ asOf: '0000-01-01' });
    expect(result.error!.issues.map((i) => [i.path.join('.'), i.message])).toEqual([['asOf', 'a date from 1990-01-01 to 2100-12-31']]);
  });

  it('refuses a follow-up date and a rule date outside the window', () => {
    expect(actionRequest.safeParse({ type: 'note', outcome: 'x', nextFollowUpOn: '3000-01-01' }).success).toBe(false);
    expect(tenantSettings.safeParse({ contractRates: [{ payerId: 'aetna', procedureCode: '99213', allowedCentsPerUnit: 1, effectiveFrom: '0001-01-01' }] }).success).toBe(false);
  });
});

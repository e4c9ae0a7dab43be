// Calendar dates and day counts in a tenant's time zone. Pure: "now" always comes in as a parameter.
import { Temporal } from 'temporal-polyfill';

/** A calendar date, YYYY-MM-DD: dates of service, submission dates, run dates. No time of day. */
export type CalendarDate = string;

const datePattern = /^\d{4}-\d{2}-\d{2}$/;

/** Days in each month of a common year; February gains one in a Gregorian leap year. */
const monthDays = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
const isLeapYear = (year: number): boolean => (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;

/** A real Gregorian date written YYYY-MM-DD (2026-02-29 is not). Plain arithmetic: every event and API date passes here. */
export const isCalendarDate = (value: string): boolean => {
  if (!datePattern.test(value)) return false;
  const year = Number(value.slice(0, 4));
  const month = Number(value.slice(5, 7));
  const day = Number(value.slice(8, 10));
  if (month < 1 || month > 12 || day < 1) return false;
  return day <= monthDays[month - 1]! + (month === 2 && isLeapYear(year) ? 1 : 0);
};

/** The dates this system believes, inclusive; outside them a date is a typo or a placeholder (0000-01-01), not data. */
export interface DateWindow {
  readonly from: CalendarDate;
  readonly through: CalendarDate;
}

/** Dates of service, submission, remits, events, runs and rules: nothing in follow-up predates 1990. */
export const claimDateWindow: DateWindow = { from: '1990-01-01', through: '2100-12-31' };
/** A patient's date of birth: patients are born long before their claims. */
export const birthDateWindow: DateWindow = { from: '1900-01-01', through: '2100-12-31' };

/** Whether a valid calendar date lies inside `window` (YYYY-MM-DD compares as text). */
export const isWithin = (date: CalendarDate, window: DateWindow): boolean => date >= window.from && date <= window.through;

/** The local date in `timeZone` at the instant `at` (ISO 8601 with offset or Z). */
export const localDateAt = (at: string, timeZone: string): CalendarDate =>
  Temporal.Instant.from(at).toZonedDateTimeISO(timeZone).toPlainDate().toString();

/** Days since 1970-01-01 of a calendar date: exact, since a calendar date has no time of day or zone. */
const epochDay = (date: CalendarDate): number =>
  Date.UTC(Number(date.slice(0, 4)), Number(date.slice(5, 7)) - 1, Number(date.slice(8, 10))) / 86_400_000;

/** Whole calendar days from `from` to `to` (negative when `to` is earlier). Runs per claim per night: kept cheap. */
export const daysBetween = (from: CalendarDate, to: CalendarDate): number => epochDay(to) - epochDay(from);

export const addDays = (date: CalendarDate, days: number): CalendarDate => new Date((epochDay(date) + days) * 86_400_000).toISOString().slice(0, 10);

/** The local time of day, HH:MM, in `timeZone` at the instant `at`. */
export const localTimeAt = (at: string, timeZone: string): string => {
  const time = Temporal.Instant.from(at).toZonedDateTimeISO(timeZone);
  return `${String(time.hour).padStart(2, '0')}:${String(time.minute).padStart(2, '0')}`;
};

/** How a rule states its length: in days, or in calendar months or years (which differ across month ends and leap days). */
export const periodUnits = ['days', 'months', 'calendar-years'] as const;
export type PeriodUnit = (typeof periodUnits)[number];
export interface Period {
  readonly amount: number;
  readonly unit: PeriodUnit;
}

/**
 * `date` plus a period. Months and calendar years land on the same day of the month; a day the target month lacks
 * goes back to its last day (ISO 8601 / Temporal "constrain"): one calendar year after 2028-02-29 is 2029-02-28,
 * as Medicare applies 42 CFR 424.44 ("claims having a date of service on February 29 must be filed by February 28
 * of the following year", CMS IOM Pub. 100-04, Medicare Claims Processing Manual, ch. 1, §70.1).
 */
export const addPeriod = (date: CalendarDate, period: Period): CalendarDate => {
  if (period.unit === 'days') return addDays(date, period.amount);
  const duration = period.unit === 'months' ? { months: period.amount } : { years: period.amount };
  return Temporal.PlainDate.from(date).add(duration, { overflow: 'constrain' }).toString();
};

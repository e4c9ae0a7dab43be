// Calendar dates and day counts in a tenant's time zone. Pure: "now" always comes in as a parameter.
import { Temporal } from 'temporal-polyfill';

/** A calendar date, YYYY-MM-DD: dates of service, submission dates, run dates. No time of day. */
export type CalendarDate = string;

const datePattern = /^\d{4}-\d{2}-\d{2}$/;

export const isCalendarDate = (value: string): boolean => {
  if (!datePattern.test(value)) return false;
  try {
    return Temporal.PlainDate.from(value, { overflow: 'reject' }).toString() === value;
  } catch {
    return false;
  }
};

/** The local date in `timeZone` at the instant `at` (ISO 8601 with offset or Z). */
export const localDateAt = (at: string, timeZone: string): CalendarDate =>
  Temporal.Instant.from(at).toZonedDateTimeISO(timeZone).toPlainDate().toString();

/** Whole calendar days from `from` to `to` (negative when `to` is earlier). */
export const daysBetween = (from: CalendarDate, to: CalendarDate): number =>
  Temporal.PlainDate.from(from).until(Temporal.PlainDate.from(to), { largestUnit: 'days' }).days;

export const addDays = (date: CalendarDate, days: number): CalendarDate =>
  Temporal.PlainDate.from(date).add({ days }).toString();

// When follow-up work is overdue: its follow-up date, or the start of its deadline's lead time, has passed and
// nobody has acted on it since. One definition for the biller's reminder, the managers' digest and GET /queues.
import { addDays, daysBetween, type CalendarDate } from './calendar.js';

/** A deadline's work is due this many days before it (the week a biller needs to appeal, resubmit or file). */
export const deadlineLeadDays = 7;
/** Work nobody pended is due for a first touch within this many days of coming due (opening). */
export const firstTouchDays = 7;

/**
 * Queues whose date is no deadline to work toward: a passed deadline under review, a manager's write-off decision.
 * Their work is overdue only when its first touch is.
 */
const withoutLeadTime: ReadonlySet<string> = new Set(['deadline-passed', 'write-off-approval']);

/** What overdue needs to know of a work item. */
export interface OverdueView {
  readonly queue?: string;
  readonly openedOn: CalendarDate;
  /** The biller's pend date, when they set one; else the work is due for a touch `firstTouchDays` after it opened. */
  readonly followUpOn?: CalendarDate;
  readonly dueOn?: CalendarDate;
  readonly lastActionOn?: CalendarDate;
}

/** The dates whose passing, with nobody acting since, makes the work overdue. */
const triggers = (work: OverdueView): CalendarDate[] => [
  // A pend from before the work (re)opened is no follow-up date of this work.
  work.followUpOn && work.followUpOn >= work.openedOn ? work.followUpOn : addDays(work.openedOn, firstTouchDays),
  ...(work.dueOn && !withoutLeadTime.has(work.queue ?? '') ? [addDays(work.dueOn, -deadlineLeadDays)] : []),
];

/**
 * The date that passed unanswered (the earliest follow-up date or lead-time start nobody acted on or after), or
 * undefined when the work is not overdue and will not become so without a new date: overdue from the day after it.
 */
export const overdueSince = (work: OverdueView): CalendarDate | undefined =>
  triggers(work)
    .filter((date) => work.lastActionOn === undefined || work.lastActionOn < date)
    .sort()[0];

/** Overdue on `today`: a date passed (before today) and nobody acted on or after it. */
export const isOverdue = (work: OverdueView, today: CalendarDate): boolean => {
  const since = overdueSince(work);
  return since !== undefined && since < today;
};

/** Days overdue on `today` (0 when not overdue). */
export const daysOverdue = (work: OverdueView, today: CalendarDate): number => {
  const since = overdueSince(work);
  return since !== undefined && since < today ? daysBetween(since, today) : 0;
};

// A biller's morning reminder: the open work on their desk (assigned to them or to their teams), per queue, what
// is near a deadline, and how long the oldest untouched item has waited. Folded item by item, so a biller with
// thousands of items is read page by page.
import { daysBetween, type CalendarDate } from './calendar.js';
import { daysOverdue } from './overdue.js';
import { followUpQueues, type FollowUpQueue } from './tenant-settings.js';

/** A deadline this close (in days; today counts, a passed one does not) makes an item "near a deadline". */
export const nearDeadlineDays = 14;

/** What the reminder needs of a work item (never its claim or patient). */
export interface DueWork {
  readonly queue: FollowUpQueue;
  readonly dollarsCents: number;
  /** The nearest deadline of the work. */
  readonly dueOn?: CalendarDate;
  /** The day the work became due (the work item opened). */
  readonly openedOn: CalendarDate;
  /** A pend date still ahead means the work is not due yet. */
  readonly followUpOn?: CalendarDate;
  /** The last day someone recorded an action on the claim. */
  readonly lastActionOn?: CalendarDate;
}

export interface BillerReminder {
  readonly count: number;
  readonly cents: number;
  /** Queues with due work, in routing order. */
  readonly byQueue: ReadonlyArray<{ readonly queue: FollowUpQueue; readonly count: number; readonly cents: number }>;
  readonly nearDeadline: number;
  /** Its follow-up date or its deadline's lead time passed, and nobody acted since (see overdue.ts). */
  readonly overdue: number;
  readonly oldestOverdue?: { readonly days: number; readonly queue: FollowUpQueue; readonly cents: number };
}

export class ReminderTally {
  private readonly queues = new Map<FollowUpQueue, { count: number; cents: number }>();
  private nearDeadline = 0;
  private overdue = 0;
  private oldest: BillerReminder['oldestOverdue'];

  constructor(private readonly today: CalendarDate) {}

  add(work: DueWork): void {
    if (work.followUpOn && work.followUpOn > this.today) return;
    const row = this.queues.get(work.queue) ?? { count: 0, cents: 0 };
    row.count++;
    row.cents += work.dollarsCents;
    this.queues.set(work.queue, row);
    const left = work.dueOn ? daysBetween(this.today, work.dueOn) : -1;
    if (left >= 0 && left <= nearDeadlineDays) this.nearDeadline++;
    const waited = daysOverdue(work, this.today);
    if (waited > 0) {
      this.overdue++;
      if (!this.oldest || waited > this.oldest.days || (waited === this.oldest.days && work.dollarsCents > this.oldest.cents)) {
        this.oldest = { days: waited, queue: work.queue, cents: work.dollarsCents };
      }
    }
  }

  /** The reminder, or undefined when nothing is due (no email then). */
  reminder(): BillerReminder | undefined {
    const byQueue = followUpQueues.filter((q) => this.queues.has(q)).map((queue) => ({ queue, ...this.queues.get(queue)! }));
    if (byQueue.length === 0) return undefined;
    return {
      count: byQueue.reduce((s, r) => s + r.count, 0),
      cents: byQueue.reduce((s, r) => s + r.cents, 0),
      byQueue,
      nearDeadline: this.nearDeadline,
      overdue: this.overdue,
      ...(this.oldest ? { oldestOverdue: this.oldest } : {}),
    };
  }
}

// Per-queue totals of open work (count, dollars, counters by opened date, due date and lease expiry): what one work
// item adds to them, how one write moves them, and how the stored counters sum up to GET /queues' figures.
import { addDays, type CalendarDate } from './calendar.js';

/** What of an open work item the totals count; `leaseExpiresAt` only while someone holds a lease on it. */
export interface TotalsView {
  readonly queue: string;
  readonly dollarsCents: number;
  readonly openedOn: CalendarDate;
  readonly dueOn?: CalendarDate;
  readonly leaseExpiresAt?: string;
  /** The follow-up date or lead-time start that, once passed with nobody acting, makes the item overdue (overdue.ts). */
  readonly overdueSince?: CalendarDate;
}

/** Counter attribute names of a slice item. */
export const openedCounter = (on: CalendarDate): string => `o_${on}`;
export const dueCounter = (on: CalendarDate): string => `d_${on}`;
export const overdueCounter = (since: CalendarDate): string => `v_${since}`;
/** Leases by expiry in whole epoch seconds, rounded up: a lease counts until its last second is over. */
export const leaseCounter = (expiresAt: string): string => `l_${Math.ceil(Date.parse(expiresAt) / 1000)}`;

/** Counter changes per queue: attribute → amount to ADD. */
export type TotalsDelta = Map<string, Record<string, number>>;

/** A lease counts while it has not expired at `nowIso` (the same test the lease condition makes). */
const isLive = (expiresAt: string | undefined, nowIso: string): expiresAt is string => expiresAt !== undefined && expiresAt > nowIso;

/** What one open item adds to its queue's counters at `nowIso` (an expired lease adds nothing: it no longer counts). */
export const contribution = (view: TotalsView, nowIso: string): Record<string, number> => ({
  count: 1,
  dollarsCents: view.dollarsCents,
  [openedCounter(view.openedOn)]: 1,
  ...(view.dueOn ? { [dueCounter(view.dueOn)]: 1 } : {}),
  ...(view.overdueSince ? { [overdueCounter(view.overdueSince)]: 1 } : {}),
  ...(isLive(view.leaseExpiresAt, nowIso) ? { [leaseCounter(view.leaseExpiresAt)]: 1 } : {}),
});

/**
 * How a write moves the totals: the item's contribution after minus before (undefined: not open), per queue, zero
 * changes left out. Both sides are judged at the writer's `nowIso`, so a lease that expired before the write is
 * neither taken back nor moved: its counter stays where it was, past, and no reader counts it any more.
 */
export const totalsDelta = (before: TotalsView | undefined, after: TotalsView | undefined, nowIso: string): TotalsDelta => {
  const delta: TotalsDelta = new Map();
  const add = (view: TotalsView | undefined, sign: 1 | -1): void => {
    if (!view) return;
    const counters = delta.get(view.queue) ?? {};
    for (const [name, amount] of Object.entries(contribution(view, nowIso))) counters[name] = (counters[name] ?? 0) + sign * amount;
    delta.set(view.queue, counters);
  };
  add(before, -1);
  add(after, 1);
  for (const [queue, counters] of delta) {
    for (const [name, amount] of Object.entries(counters)) if (amount === 0) delete counters[name];
    if (Object.keys(counters).length === 0) delta.delete(queue);
  }
  return delta;
};

/** One queue's figures, as GET /queues answers them. */
export interface QueueFigures {
  readonly count: number;
  readonly dollarsCents: number;
  readonly oldestOpenedOn: CalendarDate | null;
  /** Items whose deadline is within 14 days of `today` (overdue ones included). */
  readonly nearDeadline: number;
  /** Items under a lease that has not expired at `now`. */
  readonly leased: number;
  /** Items whose follow-up date or deadline lead time passed before `today` with nobody acting since. */
  readonly overdue: number;
}

export const nearDeadlineDays = 14;

/**
 * Sums stored slice items (each `{queue, count, dollarsCents, o_…, d_…, l_…}`) into each queue's figures: the oldest
 * opened date with a positive count, due dates up to today + 14, leases expiring after `now`.
 */
export const sumQueueTotals = (slices: ReadonlyArray<Record<string, unknown>>, today: CalendarDate, now: Date): Map<string, QueueFigures> => {
  const byQueue = new Map<string, Record<string, number>>();
  for (const slice of slices) {
    const queue = String(slice.queue);
    const counters = byQueue.get(queue) ?? {};
    for (const [name, value] of Object.entries(slice)) {
      if (typeof value === 'number' && (name === 'count' || name === 'dollarsCents' || /^[odlv]_/.test(name))) counters[name] = (counters[name] ?? 0) + value;
    }
    byQueue.set(queue, counters);
  }
  const lastNear = addDays(today, nearDeadlineDays);
  const nowMs = now.getTime();
  const figures = new Map<string, QueueFigures>();
  for (const [queue, counters] of byQueue) {
    let oldestOpenedOn: CalendarDate | null = null;
    let nearDeadline = 0;
    let leased = 0;
    let overdue = 0;
    for (const [name, value] of Object.entries(counters)) {
      const key = name.slice(2);
      if (name.startsWith('o_') && value > 0 && (oldestOpenedOn === null || key < oldestOpenedOn)) oldestOpenedOn = key;
      else if (name.startsWith('d_') && key <= lastNear) nearDeadline += value;
      else if (name.startsWith('l_') && Number(key) * 1000 > nowMs) leased += value;
      else if (name.startsWith('v_') && key < today) overdue += value;
    }
    figures.set(queue, { count: counters.count ?? 0, dollarsCents: counters.dollarsCents ?? 0, oldestOpenedOn, nearDeadline, leased, overdue });
  }
  return figures;
};

/**
 * Counters a slice item no longer needs: opened and due counters at zero (removable only while still zero), and
 * lease counters that expired more than `graceMs` before `now` (no write touches a lease counter once it is past).
 */
export const prunableCounters = (slice: Readonly<Record<string, unknown>>, now: Date, graceMs = 60 * 60_000): { zero: string[]; expired: string[] } => {
  const zero: string[] = [];
  const expired: string[] = [];
  for (const [name, value] of Object.entries(slice)) {
    if (/^[odv]_/.test(name) && value === 0) zero.push(name);
    else if (name.startsWith('l_') && Number(name.slice(2)) * 1000 < now.getTime() - graceMs) expired.push(name);
  }
  return { zero, expired };
};

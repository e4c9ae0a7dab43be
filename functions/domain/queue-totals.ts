// Per-queue totals of open work (count, dollars, counters by opened date, due date and lease expiry): what one work
// item adds to them, how one write moves them, and how the stored counters sum up to GET /queues' figures.
//
// Each slice of a queue's totals is two items: the near item GET /queues reads, kept small, and the far item it does
// not read. The near item holds the count, the dollars, the leases, the oldest opened dates, and the due and overdue
// counters today's figures need; the far item holds the dates further off. Which item a dated counter lives in is
// decided by the slice's window (stored on both items, moved forward once a night, never back): a writer places its
// counters by the window it believes, on the condition that the window is still that one. Due and overdue counters
// the reader only ever sums in full (dates already passed the night folded them at) are folded into one counter each.
import { addDays, daysBetween, type CalendarDate } from './calendar.js';

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

/**
 * When a lease taken at `now` for `minutes` ends: on the next whole minute (a lease lasts its length plus under a
 * minute). No lease ends mid-minute, so the totals keep one lease counter per minute of expiry and the leased figure
 * is still exact to the second; the near item GET /queues reads stays small however many billers lease at once.
 */
export const leaseEnd = (now: Date, minutes: number): string => new Date(Math.ceil((now.getTime() + minutes * 60_000) / 60_000) * 60_000).toISOString();

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

/** Days the near item serves GET /queues alone after a night moved its window: nights that fail for longer cost a second read, never a wrong figure. */
export const windowMarginDays = 3;
/** Opened dates the night keeps in the near item (the oldest of the slice): enough that a day's closures rarely use them all up. */
export const oldestDatesKept = 4;

/** Due counters folded into one (every due date up to `foldedThrough` + 14) and overdue counters folded into one (before `foldedThrough`). */
export const dueFolded = 'dueFolded';
export const overdueFolded = 'overdueFolded';

/**
 * Where a slice's counters live. Near: opened dates up to `openedThrough`, due dates up to `nearThrough` + 14,
 * overdue dates before `nearThrough`; the rest is far. Absent (null): every dated counter is far.
 */
export interface SliceWindow {
  readonly nearThrough: CalendarDate | null;
  readonly openedThrough: CalendarDate | null;
}

export const noWindow: SliceWindow = { nearThrough: null, openedThrough: null };

/** The window a stored slice item carries. */
export const windowOf = (item: Readonly<Record<string, unknown>> | undefined): SliceWindow => ({
  nearThrough: typeof item?.nearThrough === 'string' ? item.nearThrough : null,
  openedThrough: typeof item?.openedThrough === 'string' ? item.openedThrough : null,
});

export const sameWindow = (a: SliceWindow, b: SliceWindow): boolean => a.nearThrough === b.nearThrough && a.openedThrough === b.openedThrough;

/** Whether a counter lives in the near item under `window` (count, dollars, leases and folded counters always do). */
export const isNear = (name: string, window: SliceWindow): boolean => {
  const date = name.slice(2);
  if (name.startsWith('o_')) return window.openedThrough !== null && date <= window.openedThrough;
  if (name.startsWith('d_')) return window.nearThrough !== null && date <= addDays(window.nearThrough, nearDeadlineDays);
  if (name.startsWith('v_')) return window.nearThrough !== null && date < window.nearThrough;
  return true;
};

/** Whether a counter's place depends on the window (so a write of it is conditional on the window it believed). */
export const isDated = (name: string): boolean => /^[odv]_/.test(name);

/** A queue's counter changes split between its near and far item by `window`. */
export const splitCounters = (counters: Readonly<Record<string, number>>, window: SliceWindow): { near: Record<string, number>; far: Record<string, number> } => {
  const near: Record<string, number> = {};
  const far: Record<string, number> = {};
  for (const [name, amount] of Object.entries(counters)) (isNear(name, window) ? near : far)[name] = amount;
  return { near, far };
};

const countersOf = (item: Readonly<Record<string, unknown>> | undefined): Array<[string, number]> =>
  Object.entries(item ?? {}).filter((entry): entry is [string, number] => typeof entry[1] === 'number' && isDated(entry[0]));

/**
 * Whether GET /queues needs the far item too for `today`: when the window does not reach today (the nights stopped,
 * or never moved it), or when the near item counts open items but none of their opened dates (all closed since).
 */
export const needsFar = (near: Readonly<Record<string, unknown>>, today: CalendarDate): boolean => {
  const { nearThrough } = windowOf(near);
  if (nearThrough === null || today > nearThrough) return true;
  return Number(near.count ?? 0) > 0 && !countersOf(near).some(([name, value]) => name.startsWith('o_') && value > 0);
};

/**
 * What the night does to a slice on `asOf` (a date not after any reader's today): the window moves on to cover
 * `windowMarginDays` more days and the `oldestDatesKept` oldest opened dates; the far counters it now covers move
 * near; and the near due and overdue counters every reader now sums in full fold into one each. Nothing when the
 * slice already is so.
 */
export interface SliceAdvance {
  readonly window: SliceWindow;
  readonly foldedThrough: CalendarDate;
  /** Far counters to move near, as read (removed from far on the condition it is unchanged). */
  readonly moved: Record<string, number>;
  /** The moved counters that stay counters of their own near (the others fold at once). */
  readonly movedNear: Record<string, number>;
  /** Near counters to fold, as read (removed on the condition each is unchanged). */
  readonly folded: Record<string, number>;
  /** What the fold adds to `dueFolded` and `overdueFolded` (moved counters that fold at once go there, not near). */
  readonly dueFoldedAdd: number;
  readonly overdueFoldedAdd: number;
}

/** Whether a due or overdue counter is one every reader on or after `foldedThrough` sums whole (so it may fold). */
export const foldsAt = (name: string, foldedThrough: CalendarDate): boolean =>
  (name.startsWith('d_') && name.slice(2) <= addDays(foldedThrough, nearDeadlineDays)) || (name.startsWith('v_') && name.slice(2) < foldedThrough);

export const sliceAdvance = (near: Readonly<Record<string, unknown>> | undefined, far: Readonly<Record<string, unknown>> | undefined, asOf: CalendarDate): SliceAdvance | undefined => {
  const current = windowOf(near);
  const wanted = addDays(asOf, windowMarginDays);
  const nearThrough = current.nearThrough === null || current.nearThrough < wanted ? wanted : current.nearThrough;
  const previousFold = typeof near?.foldedThrough === 'string' ? near.foldedThrough : null;
  const foldedThrough = previousFold === null || previousFold < asOf ? asOf : previousFold;
  // The oldest opened dates: those near with items, then as many far ones as make up `oldestDatesKept`.
  const nearOpened = countersOf(near).filter(([name, value]) => name.startsWith('o_') && value > 0).length;
  const farOpened = countersOf(far).filter(([name, value]) => name.startsWith('o_') && value > 0).map(([name]) => name.slice(2)).sort();
  const reach = farOpened.slice(0, Math.max(0, oldestDatesKept - nearOpened)).at(-1);
  const openedThrough = reach !== undefined && (current.openedThrough === null || reach > current.openedThrough) ? reach : current.openedThrough;
  const window: SliceWindow = { nearThrough, openedThrough };
  const folds = (name: string): boolean => foldsAt(name, foldedThrough);
  const moved: Record<string, number> = {};
  const movedNear: Record<string, number> = {};
  const folded: Record<string, number> = {};
  let dueFoldedAdd = 0;
  let overdueFoldedAdd = 0;
  const fold = (name: string, value: number): void => {
    if (name.startsWith('d_')) dueFoldedAdd += value;
    else overdueFoldedAdd += value;
  };
  for (const [name, value] of countersOf(far)) {
    if (!isNear(name, window)) continue;
    moved[name] = value;
    if (folds(name)) fold(name, value);
    else movedNear[name] = value;
  }
  for (const [name, value] of countersOf(near)) {
    if (!folds(name)) continue;
    folded[name] = value;
    fold(name, value);
  }
  const unchanged = sameWindow(window, current) && foldedThrough === previousFold && Object.keys(moved).length === 0 && Object.keys(folded).length === 0;
  return unchanged ? undefined : { window, foldedThrough, moved, movedNear, folded, dueFoldedAdd, overdueFoldedAdd };
};

/** Counters one night's step of a slice moves or folds at most: each is a placeholder or two in its expressions (4 KB each). */
export const maxStepCounters = 100;

const stepSize = (step: SliceAdvance | undefined): number => (step ? Object.keys(step.moved).length + Object.keys(step.folded).length : 0);

/**
 * The night's step on `asOf` in pieces of at most `limit` counters: the step itself when it fits, else the step on
 * the latest earlier date that fits (nights missed for months, or a slice never stepped, have many dates to move
 * and fold). Every earlier date is before any reader's today too, so each piece leaves a slice any reader can use;
 * the night steps again until the step on `asOf` is done. Undefined: nothing to do.
 */
export const boundedAdvance = (near: Readonly<Record<string, unknown>> | undefined, far: Readonly<Record<string, unknown>> | undefined, asOf: CalendarDate, limit = maxStepCounters): { step: SliceAdvance; asOf: CalendarDate } | undefined => {
  const full = sliceAdvance(near, far, asOf);
  if (!full || stepSize(full) <= limit) return full && { step: full, asOf };
  // The earliest useful date: the last fold, or (never stepped) before every dated counter's reach.
  const dates = [...countersOf(near), ...countersOf(far)].map(([name]) => name.slice(2)).sort();
  const lowest = typeof near?.foldedThrough === 'string' ? near.foldedThrough : addDays(dates[0] ?? asOf, -(nearDeadlineDays + windowMarginDays + 1));
  let [fits, tooBig] = [Math.min(0, daysBetween(asOf, lowest)), 0];
  while (tooBig - fits > 1) {
    const mid = Math.floor((fits + tooBig) / 2);
    if (stepSize(sliceAdvance(near, far, addDays(asOf, mid))) <= limit) fits = mid;
    else tooBig = mid;
  }
  const on = addDays(asOf, fits);
  const step = sliceAdvance(near, far, on);
  // Nothing fits before the big step (so many counters on one date cannot be): take it whole.
  return step ? { step, asOf: on } : { step: full, asOf };
};

/**
 * A slice recounted from scratch on `asOf`: its counters split into near and far as a night on `asOf` would leave
 * them (the window moved, the oldest opened dates near, the passed due and overdue dates folded).
 */
export const recountedSlice = (counters: Readonly<Record<string, number>>, asOf: CalendarDate): { window: SliceWindow; foldedThrough: CalendarDate; near: Record<string, number>; far: Record<string, number> } => {
  const advance = sliceAdvance(undefined, counters, asOf)!;
  const { near, far } = splitCounters(counters, advance.window);
  for (const name of Object.keys(advance.moved)) if (foldsAt(name, advance.foldedThrough)) delete near[name];
  return { window: advance.window, foldedThrough: advance.foldedThrough, near: { ...near, [dueFolded]: advance.dueFoldedAdd, [overdueFolded]: advance.overdueFoldedAdd }, far };
};

/**
 * Sums stored slice items (each `{queue, count, dollarsCents, o_…, d_…, v_…, l_…}`, near items with their far ones
 * where `needsFar` says so) into each queue's figures: the oldest opened date with a positive count, due dates up to
 * today + 14, overdue dates before today, leases expiring after `now`, and the folded counters whole (they hold dates
 * every reader counts).
 */
export const sumQueueTotals = (slices: ReadonlyArray<Record<string, unknown>>, today: CalendarDate, now: Date): Map<string, QueueFigures> => {
  const byQueue = new Map<string, Record<string, number>>();
  for (const slice of slices) {
    const queue = String(slice.queue);
    const counters = byQueue.get(queue) ?? {};
    for (const [name, value] of Object.entries(slice)) {
      if (typeof value === 'number' && (name === 'count' || name === 'dollarsCents' || name === dueFolded || name === overdueFolded || /^[odlv]_/.test(name))) counters[name] = (counters[name] ?? 0) + value;
    }
    byQueue.set(queue, counters);
  }
  const lastNear = addDays(today, nearDeadlineDays);
  const nowMs = now.getTime();
  const figures = new Map<string, QueueFigures>();
  for (const [queue, counters] of byQueue) {
    let oldestOpenedOn: CalendarDate | null = null;
    let nearDeadline = counters[dueFolded] ?? 0;
    let leased = 0;
    let overdue = counters[overdueFolded] ?? 0;
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

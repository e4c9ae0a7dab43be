// Queue totals' near and far items: where a counter lives under a slice's window, when GET /queues needs the far item,
// what a night's step moves and folds, and how a recount splits a slice, with the figures worked out by hand.
import { describe, expect, it } from 'vitest';
import { boundedAdvance, isNear, needsFar, noWindow, recountedSlice, sliceAdvance, splitCounters, sumQueueTotals, type SliceAdvance, type SliceWindow } from '../../functions/domain/queue-totals.js';

// A window moved on the night of 2026-11-21: near through 11-24 (3 days' margin), opened dates through 10-05.
const window: SliceWindow = { nearThrough: '2026-11-24', openedThrough: '2026-10-05' };
const at = new Date('2026-11-21T15:00:00.000Z');

describe('where a counter lives', () => {
  it('near: opened dates through openedThrough, due dates through nearThrough + 14, overdue dates before nearThrough', () => {
    // 2026-11-24 + 14 = 2026-12-08.
    expect(isNear('o_2026-10-05', window)).toBe(true);
    expect(isNear('o_2026-10-06', window)).toBe(false);
    expect(isNear('d_2026-12-08', window)).toBe(true);
    expect(isNear('d_2026-12-09', window)).toBe(false);
    expect(isNear('v_2026-11-23', window)).toBe(true);
    expect(isNear('v_2026-11-24', window)).toBe(false);
    expect(isNear('count', window)).toBe(true);
    expect(isNear('l_1795275000', window)).toBe(true);
  });

  it('without a window every dated counter is far; count, dollars and leases stay near', () => {
    expect(splitCounters({ count: 1, dollarsCents: 500, 'o_2026-11-21': 1, 'd_2026-11-30': 1, 'v_2026-11-28': 1, l_1795275000: 1 }, noWindow)).toEqual({
      near: { count: 1, dollarsCents: 500, l_1795275000: 1 },
      far: { 'o_2026-11-21': 1, 'd_2026-11-30': 1, 'v_2026-11-28': 1 },
    });
  });
});

describe('whether GET /queues needs the far item', () => {
  const near = { queue: 'denials', count: 2, 'o_2026-10-01': 2, ...window };
  it('not while today is within the window and the near item has an opened date with items', () => {
    expect(needsFar(near, '2026-11-24')).toBe(false);
  });
  it('when today is past the window (the nights stopped)', () => {
    expect(needsFar(near, '2026-11-25')).toBe(true);
  });
  it('when the near opened dates all closed but items remain (their dates are far)', () => {
    expect(needsFar({ ...near, 'o_2026-10-01': 0 }, '2026-11-22')).toBe(true);
    // No items at all: nothing is far that matters.
    expect(needsFar({ ...near, count: 0, 'o_2026-10-01': 0 }, '2026-11-22')).toBe(false);
  });
  it('when the slice never had a window', () => {
    expect(needsFar({ queue: 'denials', count: 1 }, '2026-11-22')).toBe(true);
  });
});

describe('a night moves the window and folds', () => {
  it('on 2026-11-22: moves far counters the new window covers, folds the passed ones, keeps the figures', () => {
    const near = {
      queue: 'denials', count: 5, dollarsCents: 50_000, ...window, foldedThrough: '2026-11-21', dueFolded: 2, overdueFolded: 1,
      'o_2026-10-01': 3, 'o_2026-10-05': 1,
      // Due 12-06 (folds on 11-22: 11-22 + 14 = 12-06), 12-07 and 12-08 (stay).
      'd_2026-12-06': 1, 'd_2026-12-07': 1, 'd_2026-12-08': 1,
      // Overdue since 11-21 (before 11-22: folds) and 11-23 (stays).
      'v_2026-11-21': 1, 'v_2026-11-23': 1,
    };
    const far = { queue: 'denials', ...window, 'o_2026-11-02': 1, 'd_2026-12-09': 1, 'd_2027-01-15': 1, 'v_2026-11-24': 1, 'v_2026-12-20': 1 };
    const step = sliceAdvance(near, far, '2026-11-22')!;
    // New window: 11-22 + 3 = 11-25 (due through 12-09, overdue before 11-25); near already has 2 of the 4 opened
    // dates kept, far has one (11-02): it comes near.
    expect(step.window).toEqual({ nearThrough: '2026-11-25', openedThrough: '2026-11-02' });
    expect(step.foldedThrough).toBe('2026-11-22');
    expect(step.moved).toEqual({ 'o_2026-11-02': 1, 'd_2026-12-09': 1, 'v_2026-11-24': 1 });
    expect(step.movedNear).toEqual(step.moved);
    expect(step.folded).toEqual({ 'd_2026-12-06': 1, 'v_2026-11-21': 1 });
    expect([step.dueFoldedAdd, step.overdueFoldedAdd]).toEqual([1, 1]);

    // The figures on 11-22 before and after the step (near and far read together before, near alone after) agree.
    const after = {
      ...near, ...step.window, foldedThrough: step.foldedThrough, dueFolded: 3, overdueFolded: 2,
      'd_2026-12-06': undefined, 'v_2026-11-21': undefined, ...step.movedNear,
    };
    const before = Object.fromEntries(sumQueueTotals([near, far], '2026-11-22', at));
    // By hand: due through 12-06: folded 2 + 12-06 = 3; overdue before 11-22: folded 1 + 11-21 = 2; oldest 10-01.
    expect(before).toEqual({ denials: { count: 5, dollarsCents: 50_000, oldestOpenedOn: '2026-10-01', nearDeadline: 3, leased: 0, overdue: 2 } });
    expect(needsFar(after, '2026-11-22')).toBe(false);
    expect(Object.fromEntries(sumQueueTotals([after], '2026-11-22', at))).toEqual(before);
  });

  it('a second step on the same date changes nothing (a retried night)', () => {
    const near = { queue: 'denials', count: 1, nearThrough: '2026-11-25', openedThrough: '2026-11-02', foldedThrough: '2026-11-22', 'o_2026-11-02': 1, 'd_2026-12-09': 1 };
    expect(sliceAdvance(near, { queue: 'denials', nearThrough: '2026-11-25', openedThrough: '2026-11-02', 'd_2027-01-15': 1 }, '2026-11-22')).toBeUndefined();
  });

  it('never moves the window back (a night for an earlier date)', () => {
    const near = { queue: 'denials', count: 0, nearThrough: '2026-11-25', openedThrough: '2026-11-02', foldedThrough: '2026-11-22' };
    expect(sliceAdvance(near, { ...near }, '2026-11-20')).toBeUndefined();
  });

  it('a stray counter a write re-created after the fold folds again the next night', () => {
    // A close of an item due 12-01 after 12-01 was folded leaves d_2026-12-01 at -1 beside dueFolded.
    const near = { queue: 'denials', count: 0, nearThrough: '2026-11-25', openedThrough: '2026-11-02', foldedThrough: '2026-11-22', dueFolded: 1, 'd_2026-12-01': -1 };
    const step = sliceAdvance(near, { queue: 'denials', nearThrough: '2026-11-25', openedThrough: '2026-11-02' }, '2026-11-23')!;
    expect(step.folded).toEqual({ 'd_2026-12-01': -1 });
    expect(step.dueFoldedAdd).toBe(-1);
  });
});

describe('a big step goes in pieces', () => {
  /** A step written as the store writes it: the near item gets the window, the moved and folded sums; far loses the moved. */
  const apply = (near: Record<string, unknown>, far: Record<string, unknown>, step: SliceAdvance) => {
    const nextNear: Record<string, unknown> = { ...near, ...step.window, foldedThrough: step.foldedThrough, dueFolded: Number(near.dueFolded ?? 0) + step.dueFoldedAdd, overdueFolded: Number(near.overdueFolded ?? 0) + step.overdueFoldedAdd };
    for (const name of Object.keys(step.folded)) delete nextNear[name];
    for (const [name, value] of Object.entries(step.movedNear)) nextNear[name] = Number(nextNear[name] ?? 0) + value;
    const nextFar: Record<string, unknown> = { ...far, ...step.window };
    for (const name of Object.keys(step.moved)) delete nextFar[name];
    return { near: nextNear, far: nextFar };
  };

  it('nights missed since 09-30: 30 overdue dates to fold on 11-21 go 10 at a time, and the figures stay', () => {
    // Stepped last on 09-30 (near through 10-03); 30 items overdue since 10-01 … 10-30, one a date, all far.
    const since = Array.from({ length: 30 }, (_, i) => `v_2026-10-${String(i + 1).padStart(2, '0')}`);
    let near: Record<string, unknown> = { queue: 'denials', count: 30, nearThrough: '2026-10-03', foldedThrough: '2026-09-30', 'o_2026-09-01': 30 };
    let far: Record<string, unknown> = { queue: 'denials', nearThrough: '2026-10-03', ...Object.fromEntries(since.map((name) => [name, 1])) };
    const figures = Object.fromEntries(sumQueueTotals([near, far], '2026-11-21', at));
    // By hand: all 30 overdue before 11-21.
    expect(figures.denials!.overdue).toBe(30);
    // Whole, the step moves all 30: more than 10.
    expect(Object.keys(sliceAdvance(near, far, '2026-11-21')!.moved)).toHaveLength(30);

    // The first piece: the latest date whose step moves at most 10. On d the window reaches d + 3, so it moves the
    // dates 10-01 … d + 2: 10 of them for d = 10-08 (11 for 10-09). Of those, the ones before 10-08 (7) fold.
    const first = boundedAdvance(near, far, '2026-11-21', 10)!;
    expect(first.asOf).toBe('2026-10-08');
    expect(Object.keys(first.step.moved)).toEqual(since.slice(0, 10));
    expect(first.step.overdueFoldedAdd).toBe(7);
    expect(Object.keys(first.step.movedNear)).toEqual(['v_2026-10-08', 'v_2026-10-09', 'v_2026-10-10']);

    // Piece after piece, each at most 10 counters, up to the step on 11-21 itself; the figures hold after each.
    const pieces: string[] = [];
    for (let piece = first; ; ) {
      expect(Object.keys(piece.step.moved).length + Object.keys(piece.step.folded).length).toBeLessThanOrEqual(10);
      ({ near, far } = apply(near, far, piece.step));
      pieces.push(piece.asOf);
      expect(Object.fromEntries(sumQueueTotals([near, far], '2026-11-21', at))).toEqual(figures);
      if (piece.asOf === '2026-11-21') break;
      piece = boundedAdvance(near, far, '2026-11-21', 10)!;
    }
    expect(pieces.length).toBeGreaterThanOrEqual(3);
    expect(pieces.at(-1)).toBe('2026-11-21');
    // As one step would leave it: all 30 folded, nothing dated left far, and the near item answers alone.
    expect(near.overdueFolded).toBe(30);
    expect(Object.keys(far).filter((name) => name.startsWith('v_'))).toEqual([]);
    expect(needsFar(near, '2026-11-21')).toBe(false);
    expect(boundedAdvance(near, far, '2026-11-21', 10)).toBeUndefined();
  });

  it('a step that fits is the step itself', () => {
    const near = { queue: 'denials', count: 1, nearThrough: '2026-11-24', openedThrough: '2026-11-02', foldedThrough: '2026-11-21', 'o_2026-11-02': 1 };
    expect(boundedAdvance(near, { queue: 'denials', nearThrough: '2026-11-24', 'd_2026-12-09': 1 }, '2026-11-22')).toEqual({ step: sliceAdvance(near, { queue: 'denials', nearThrough: '2026-11-24', 'd_2026-12-09': 1 }, '2026-11-22'), asOf: '2026-11-22' });
  });
});

describe('a recount', () => {
  it('splits a slice as a night on the same date leaves it', () => {
    const counted = { count: 3, dollarsCents: 9_000, 'o_2026-09-01': 1, 'o_2026-10-01': 1, 'o_2026-11-01': 1, 'd_2026-11-30': 2, 'd_2027-02-01': 1, 'v_2026-11-10': 1, 'v_2026-12-20': 1, l_1795275000: 1 };
    // On 11-21: window through 11-24; the three opened dates (fewer than 4) come near; due 11-30 ≤ 11-21 + 14 folds
    // (2), 2027-02-01 stays far; overdue 11-10 < 11-21 folds (1), 12-20 stays far.
    expect(recountedSlice(counted, '2026-11-21')).toEqual({
      window: { nearThrough: '2026-11-24', openedThrough: '2026-11-01' },
      foldedThrough: '2026-11-21',
      near: { count: 3, dollarsCents: 9_000, 'o_2026-09-01': 1, 'o_2026-10-01': 1, 'o_2026-11-01': 1, l_1795275000: 1, dueFolded: 2, overdueFolded: 1 },
      far: { 'd_2027-02-01': 1, 'v_2026-12-20': 1 },
    });
  });
});

// Where a transaction's mapped units (an 835's claims, a 277's status loops, an 837's claims) wait for its SE.
// A transaction is applied whole or not at all ("never a half transaction"), and an 835's claims can only be
// finished once its BPR, PLBs and every CLP04 are known (the balance decides whether any event is sent): so units
// are kept, in order, until the transaction ends, then drained once (accepted or unbalanced) or discarded (cut short,
// bad segment, envelope error). In memory by default; services/x12-spill.ts keeps the units of a large transaction
// in a temp file, so held state per transaction stays bounded whatever its size.
//
// Units are plain data that survive JSON (strings, finite numbers, booleans, null, arrays and objects; an undefined
// property may come back absent): a spilling store writes them as JSON lines.

/**
 * Units (or entries) read one at a time: `next` gives each in order, then undefined. A plain object, not a generator:
 * this V8 keeps whatever a generator object references alive until a full collection (tenured), which for a large
 * file meant every chunk of it.
 */
export interface Reader<T> {
  next(): T | undefined;
}

export interface PendingUnits<T> {
  add(unit: T): void;
  /** How many units were added. */
  readonly count: number;
  /** The units in the order added, once; when the last was read the store is empty and holds no resource. */
  drain(): Reader<T>;
  /** Drops every unit (and any resource holding them). Safe to call more than once, and after drain. */
  discard(): void;
}

/** How a kind of unit is written compactly (arrays rather than objects with their keys) when it is spilled. */
export interface UnitCodec<T> {
  encode(unit: T): unknown;
  decode(data: unknown): T;
}

/** Makes a store for one transaction's units; `codec`, when given, is how a spilling store writes them. */
export type PendingFactory = <T>(codec?: UnitCodec<T>) => PendingUnits<T>;

export class MemoryPending<T> implements PendingUnits<T> {
  private units: T[] = [];

  add(unit: T): void {
    this.units.push(unit);
  }

  get count(): number {
    return this.units.length;
  }

  drain(): Reader<T> {
    const units = this.units;
    this.units = [];
    return arrayReader(units);
  }

  discard(): void {
    this.units = [];
  }
}

export const inMemory: PendingFactory = <T>() => new MemoryPending<T>();

/** Reads an array's items in order, each released as it is handed on (a drained unit is not held twice). */
export const arrayReader = <T>(items: T[]): Reader<T> => {
  let i = 0;
  return {
    next: () => {
      if (i >= items.length) return undefined;
      const item = items[i] as T;
      (items as unknown[])[i++] = undefined;
      return item;
    },
  };
};

/** No items. */
export const emptyReader = <T>(): Reader<T> => ({ next: () => undefined });

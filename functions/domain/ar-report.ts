// AR aging and its KPIs, from the open claims: dollars outstanding by aging bucket or by payer, on a stated basis.
import { ageOf, bucketLabels, bucketOf, type AgingBasis, type BucketBounds } from './aging.js';
import type { CalendarDate } from './calendar.js';
import type { Claim } from './claim.js';

export interface ArRow {
  readonly key: string;
  readonly claims: number;
  readonly arCents: number;
  /** Dollars outstanding by bucket within the row (for a payer row). */
  readonly byBucket: Readonly<Record<string, number>>;
}

export interface ArReport {
  readonly asOf: CalendarDate;
  readonly basis: AgingBasis;
  readonly groupBy: 'bucket' | 'payer';
  readonly rows: readonly ArRow[];
  readonly totalArCents: number;
  readonly claims: number;
  /** HFMA AR-1: AR older than 90 days ÷ total AR, in percent (one decimal). */
  readonly percentOver90: number;
  readonly percentOver120: number;
}

/** Part of a total in percent, one decimal (0 when there is no total). */
export const percentOf = (part: number, total: number): number => (total === 0 ? 0 : Math.round((part / total) * 1000) / 10);

/** Dollars a claim holds in AR: the payer's balance on an open claim. */
export const arCentsOf = (claim: Claim): number => (claim.open && claim.money.payerBalanceCents > 0 ? claim.money.payerBalanceCents : 0);

/** Folds claims into an AR report one at a time, so a tenant of any size is read page by page. */
export class ArAccumulator {
  private readonly rows = new Map<string, { claims: number; arCents: number; byBucket: Record<string, number> }>();
  private total = 0;
  private over90 = 0;
  private over120 = 0;
  private count = 0;

  constructor(
    private readonly asOf: CalendarDate,
    private readonly basis: AgingBasis,
    private readonly groupBy: 'bucket' | 'payer',
    private readonly bounds: BucketBounds,
  ) {
    if (groupBy === 'bucket') for (const label of bucketLabels(bounds)) this.rows.set(label, { claims: 0, arCents: 0, byBucket: {} });
  }

  add(claim: Claim): void {
    const cents = arCentsOf(claim);
    if (cents === 0) return;
    const days = ageOf(claim, this.asOf, this.basis, this.bounds).days;
    const bucket = bucketOf(days, this.bounds);
    const key = this.groupBy === 'bucket' ? bucket : claim.payer.name;
    const row = this.rows.get(key) ?? { claims: 0, arCents: 0, byBucket: {} };
    row.claims++;
    row.arCents += cents;
    row.byBucket[bucket] = (row.byBucket[bucket] ?? 0) + cents;
    this.rows.set(key, row);
    this.total += cents;
    this.count++;
    if (days > 90) this.over90 += cents;
    if (days > 120) this.over120 += cents;
  }

  report(): ArReport {
    const percent = (part: number): number => percentOf(part, this.total);
    const rows = [...this.rows.entries()].map(([key, row]) => ({ key, ...row }));
    if (this.groupBy === 'payer') rows.sort((a, b) => b.arCents - a.arCents || a.key.localeCompare(b.key));
    return {
      asOf: this.asOf,
      basis: this.basis,
      groupBy: this.groupBy,
      rows,
      totalArCents: this.total,
      claims: this.count,
      percentOver90: percent(this.over90),
      percentOver120: percent(this.over120),
    };
  }
}

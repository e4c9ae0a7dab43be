// AR aging: how many days a claim has been outstanding on a stated basis, and which bucket that puts it in.
import { daysBetween, type CalendarDate } from './calendar.js';

/** What the age is counted from: date of service (the AR-aging default), original submission, or last activity. */
export type AgingBasis = 'service' | 'submission' | 'activity';

/** Upper bounds (inclusive) of each bucket but the last; the default is 0-30, 31-60, 61-90, 91-120, 120+. */
export type BucketBounds = readonly number[];
export const standardBuckets: BucketBounds = [30, 60, 90, 120];

export interface AgingDates {
  readonly serviceThrough: CalendarDate;
  readonly submittedOn?: CalendarDate;
  readonly lastActivityOn?: CalendarDate;
}

export interface Age {
  readonly basis: AgingBasis;
  readonly days: number;
  readonly bucket: string;
}

/** Bucket labels for the bounds: [30, 60] gives "0-30", "31-60", "61+". */
export const bucketLabels = (bounds: BucketBounds): string[] => {
  const labels: string[] = [];
  let low = 0;
  for (const high of bounds) {
    labels.push(`${low}-${high}`);
    low = high + 1;
  }
  labels.push(`${bounds.at(-1) ?? 0}+`);
  return labels;
};

export const bucketOf = (days: number, bounds: BucketBounds = standardBuckets): string => {
  const labels = bucketLabels(bounds);
  const index = bounds.findIndex((high) => days <= high);
  return labels[index === -1 ? bounds.length : index]!;
};

const basisDate = (dates: AgingDates, basis: AgingBasis): CalendarDate => {
  if (basis === 'submission') return dates.submittedOn ?? dates.serviceThrough;
  if (basis === 'activity') return dates.lastActivityOn ?? dates.submittedOn ?? dates.serviceThrough;
  return dates.serviceThrough;
};

/** Age on `today` (the tenant's local date). A basis date in the future counts as day 0. */
export const ageOf = (
  dates: AgingDates,
  today: CalendarDate,
  basis: AgingBasis = 'service',
  bounds: BucketBounds = standardBuckets,
): Age => {
  const days = Math.max(0, daysBetween(basisDate(dates, basis), today));
  return { basis, days, bucket: bucketOf(days, bounds) };
};

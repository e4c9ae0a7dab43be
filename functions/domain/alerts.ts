// Threshold alerts for managers: tonight's figures read against the tenant's thresholds. An email goes out when an
// alert crosses its threshold and when it clears, never again while it stays where it was.
import { z } from 'zod';
import type { CalendarDate } from './calendar.js';
import { wholeDollars } from './money.js';

export const alertKinds = ['ar-over-90', 'timely-filing-risk', 'dead-letters', 'run-late'] as const;
export type AlertKind = (typeof alertKinds)[number];

const localTime = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'HH:MM, 24-hour, in the tenant time zone');

/** A threshold left unset turns its alert off. */
export const alertThresholds = z.object({
  /** % of AR older than 90 days (date of service) above which managers are alerted. */
  percentArOver90Above: z.number().min(0).max(100).optional(),
  /** Dollars within 14 days of a timely-filing deadline above which managers are alerted. */
  timelyFilingRiskCentsAbove: z.number().int().nonnegative().optional(),
  /** Alert while any dead-letter queue of the deployment holds a message. */
  deadLettersNotEmpty: z.boolean().default(false),
  /** The night's run should be complete by this local time on its run date. */
  runCompleteBy: localTime.optional(),
});
export type AlertThresholds = z.infer<typeof alertThresholds>;

/** What is known at this moment; a figure left out leaves its alert as it was. */
export interface AlertObservation {
  /** The date the figures are about: a run date, or the tenant-local date of a watch. */
  readonly asOf: CalendarDate;
  readonly percentArOver90?: number;
  readonly timelyFilingRiskCents?: number;
  readonly deadLetterMessages?: number;
  /** Today's run (tenant-local date) and the tenant-local time now, HH:MM. */
  readonly run?: { readonly complete: boolean; readonly localTime: string };
}

export interface AlertReading {
  readonly kind: AlertKind;
  readonly asOf: CalendarDate;
  readonly crossed: boolean;
  /** The figure, as a manager reads it. */
  readonly value: string;
  readonly threshold: string;
}

export type AlertState = 'crossed' | 'clear';

const percent = (value: number): string => `${value.toFixed(1)}%`;

/** Reads every alert the thresholds turn on and the observation can decide. */
export const readAlerts = (thresholds: AlertThresholds, seen: AlertObservation): AlertReading[] => {
  const readings: AlertReading[] = [];
  if (thresholds.percentArOver90Above !== undefined && seen.percentArOver90 !== undefined) {
    const limit = thresholds.percentArOver90Above;
    readings.push({ kind: 'ar-over-90', asOf: seen.asOf, crossed: seen.percentArOver90 > limit, value: percent(seen.percentArOver90), threshold: percent(limit) });
  }
  if (thresholds.timelyFilingRiskCentsAbove !== undefined && seen.timelyFilingRiskCents !== undefined) {
    const limit = thresholds.timelyFilingRiskCentsAbove;
    readings.push({ kind: 'timely-filing-risk', asOf: seen.asOf, crossed: seen.timelyFilingRiskCents > limit, value: wholeDollars(seen.timelyFilingRiskCents), threshold: wholeDollars(limit) });
  }
  if (thresholds.deadLettersNotEmpty && seen.deadLetterMessages !== undefined) {
    const n = seen.deadLetterMessages;
    readings.push({ kind: 'dead-letters', asOf: seen.asOf, crossed: n > 0, value: `${n} message${n === 1 ? '' : 's'}`, threshold: 'empty' });
  }
  if (thresholds.runCompleteBy !== undefined && seen.run) {
    // Before the deadline an unfinished run is neither late nor on time: nothing is read.
    if (seen.run.complete) readings.push({ kind: 'run-late', asOf: seen.asOf, crossed: false, value: 'complete', threshold: thresholds.runCompleteBy });
    else if (seen.run.localTime >= thresholds.runCompleteBy) readings.push({ kind: 'run-late', asOf: seen.asOf, crossed: true, value: `not complete at ${seen.run.localTime}`, threshold: thresholds.runCompleteBy });
  }
  return readings;
};

/** Where an alert stands, and the date of the figures that put it there. */
export interface AlertStanding {
  readonly state: AlertState;
  readonly asOf: CalendarDate;
}

/**
 * The readings that change an alert's state: each is one email. An alert never read counts as clear; figures older
 * than those behind the current state (a re-run of an earlier night) change nothing.
 */
export const alertChanges = (standing: Partial<Record<AlertKind, AlertStanding>>, readings: readonly AlertReading[]): AlertReading[] =>
  readings.filter((reading) => {
    const now = standing[reading.kind];
    if (now && reading.asOf < now.asOf) return false;
    return (now?.state ?? 'clear') !== (reading.crossed ? 'crossed' : 'clear');
  });

const titles: Record<AlertKind, { crossed: string; cleared: string; what: string }> = {
  'ar-over-90': { crossed: 'AR over 90 days is above your threshold', cleared: 'AR over 90 days is back under your threshold', what: 'Share of AR older than 90 days' },
  'timely-filing-risk': {
    crossed: 'Dollars at timely-filing risk are above your threshold',
    cleared: 'Dollars at timely-filing risk are back under your threshold',
    what: 'Dollars within 14 days of a timely-filing deadline',
  },
  'dead-letters': { crossed: 'Messages are waiting in a dead-letter queue', cleared: 'The dead-letter queues are empty again', what: 'Messages in dead-letter queues' },
  'run-late': { crossed: 'The nightly run is not complete', cleared: 'The nightly run completed', what: 'Nightly run' },
};

/** An alert in a manager's words: what crossed or cleared, the figure and the threshold. */
export const describeAlert = (reading: AlertReading): { readonly title: string; readonly what: string; readonly advice: string } => {
  const t = titles[reading.kind];
  const advice: Record<AlertKind, string> = {
    'ar-over-90': 'Look at the aging report by payer and the denials and no-response queues.',
    'timely-filing-risk': 'Work the rejections and no-response queues first: these claims must reach the payer before the deadline.',
    'dead-letters': 'An operator should read the dead letters and redrive them (see the README, "Operating it").',
    'run-late': 'Work queues may be stale until the run completes; an operator can re-run the night.',
  };
  return { title: reading.crossed ? t.crossed : t.cleared, what: t.what, advice: reading.crossed ? advice[reading.kind] : 'No action needed.' };
};
